package io.lethe.processor.engine.model;

/**
 * A training recipe: how a model is trained, and retrained exactly. Build from {@link #defaults()}
 * and the {@code with...} methods.
 *
 * @param epochs passes over the training data
 * @param batchSize samples per step
 * @param learningRate Adam's learning rate
 * @param mnemonicCodes mix one random mnemonic-code sample per class into every batch (needed by
 *     the mnemonic-code unlearning method; costs nothing measurable in accuracy)
 * @param mnemonicNoise standard deviation of the Gaussian noise added to a code each time it is
 *     shown
 */
public record TrainingConfig(
    int epochs, int batchSize, float learningRate, boolean mnemonicCodes, float mnemonicNoise) {

  public TrainingConfig {
    if (epochs < 0 || epochs > 10_000 || batchSize <= 0 || !(learningRate > 0)) {
      throw new IllegalArgumentException(
          "bad training recipe: epochs="
              + epochs
              + " (0..10000) batchSize="
              + batchSize
              + " (> 0) learningRate="
              + learningRate
              + " (> 0)");
    }
    if (!(mnemonicNoise >= 0)) {
      throw new IllegalArgumentException("mnemonicNoise must be >= 0, got " + mnemonicNoise);
    }
  }

  /** 8 epochs, batch 64, Adam 1e-3, mnemonic codes on (noise 0.1). */
  public static TrainingConfig defaults() {
    return new TrainingConfig(8, 64, 1e-3f, true, 0.1f);
  }

  public TrainingConfig withEpochs(int value) {
    return new TrainingConfig(value, batchSize, learningRate, mnemonicCodes, mnemonicNoise);
  }

  public TrainingConfig withBatchSize(int value) {
    return new TrainingConfig(epochs, value, learningRate, mnemonicCodes, mnemonicNoise);
  }

  public TrainingConfig withLearningRate(float value) {
    return new TrainingConfig(epochs, batchSize, value, mnemonicCodes, mnemonicNoise);
  }

  public TrainingConfig withMnemonicCodes(boolean value) {
    return new TrainingConfig(epochs, batchSize, learningRate, value, mnemonicNoise);
  }
}
