package io.lethe.processor.engine.model;

/**
 * Hyper-parameters of training. Build from {@link #defaults()} and the {@code with...} methods.
 *
 * @param epochs passes over the training data
 * @param batchSize samples per step
 * @param learningRate Adam's learning rate
 * @param randomFeatures number of random features for {@link Architecture#RANDOM_FEATURES_LINEAR};
 *     0 picks {@code max(1024, 2 * trainingSamples)} (over-parameterized)
 * @param mnemonicCodes mix one random mnemonic-code image per class into every batch (needed by the
 *     mnemonic-code unlearning method; costs nothing measurable in accuracy)
 * @param mnemonicNoise standard deviation of the Gaussian noise added to a code each time it is
 *     shown
 */
public record TrainingConfig(
    int epochs,
    int batchSize,
    float learningRate,
    int randomFeatures,
    boolean mnemonicCodes,
    float mnemonicNoise) {

  public TrainingConfig {
    if (epochs < 0 || batchSize <= 0 || !(learningRate > 0) || randomFeatures < 0) {
      throw new IllegalArgumentException(
          "bad training config: epochs="
              + epochs
              + " batchSize="
              + batchSize
              + " learningRate="
              + learningRate
              + " randomFeatures="
              + randomFeatures);
    }
  }

  /** 8 epochs, batch 64, Adam 1e-3, mnemonic codes on (noise 0.1), automatic random features. */
  public static TrainingConfig defaults() {
    return new TrainingConfig(8, 64, 1e-3f, 0, true, 0.1f);
  }

  public TrainingConfig withEpochs(int value) {
    return new TrainingConfig(
        value, batchSize, learningRate, randomFeatures, mnemonicCodes, mnemonicNoise);
  }

  public TrainingConfig withBatchSize(int value) {
    return new TrainingConfig(
        epochs, value, learningRate, randomFeatures, mnemonicCodes, mnemonicNoise);
  }

  public TrainingConfig withLearningRate(float value) {
    return new TrainingConfig(
        epochs, batchSize, value, randomFeatures, mnemonicCodes, mnemonicNoise);
  }

  public TrainingConfig withRandomFeatures(int value) {
    return new TrainingConfig(epochs, batchSize, learningRate, value, mnemonicCodes, mnemonicNoise);
  }

  public TrainingConfig withMnemonicCodes(boolean value) {
    return new TrainingConfig(
        epochs, batchSize, learningRate, randomFeatures, value, mnemonicNoise);
  }
}
