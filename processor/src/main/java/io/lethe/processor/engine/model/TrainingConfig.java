package io.lethe.processor.engine.model;

/**
 * A training recipe: how a model is trained, and retrained exactly. Build from {@link #defaults()}
 * and the {@code with...} methods.
 *
 * @param epochs passes over the training data
 * @param batchSize samples per step
 * @param learningRate the optimizer's learning rate
 * @param mnemonicCodes mix one random mnemonic-code sample per class into every batch (needed by
 *     the mnemonic-code unlearning method; costs nothing measurable in accuracy)
 * @param mnemonicNoise standard deviation of the Gaussian noise added to a code each time it is
 *     shown
 * @param optimizer the optimizer of every step
 */
public record TrainingConfig(
    int epochs,
    int batchSize,
    float learningRate,
    boolean mnemonicCodes,
    float mnemonicNoise,
    Optimizer optimizer) {

  /** The optimizers training can use. */
  public enum Optimizer {
    ADAM,
    SGD
  }

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
    java.util.Objects.requireNonNull(optimizer, "optimizer");
    if (!(mnemonicNoise >= 0)) {
      throw new IllegalArgumentException("mnemonicNoise must be >= 0, got " + mnemonicNoise);
    }
  }

  /** 8 epochs, batch 64, Adam 1e-3, mnemonic codes on (noise 0.1). */
  public static TrainingConfig defaults() {
    return new TrainingConfig(8, 64, 1e-3f, true, 0.1f, Optimizer.ADAM);
  }

  public TrainingConfig withEpochs(int value) {
    return new TrainingConfig(
        value, batchSize, learningRate, mnemonicCodes, mnemonicNoise, optimizer);
  }

  public TrainingConfig withBatchSize(int value) {
    return new TrainingConfig(epochs, value, learningRate, mnemonicCodes, mnemonicNoise, optimizer);
  }

  public TrainingConfig withLearningRate(float value) {
    return new TrainingConfig(epochs, batchSize, value, mnemonicCodes, mnemonicNoise, optimizer);
  }

  public TrainingConfig withOptimizer(Optimizer value) {
    return new TrainingConfig(epochs, batchSize, learningRate, mnemonicCodes, mnemonicNoise, value);
  }

  public TrainingConfig withMnemonicCodes(boolean value) {
    return new TrainingConfig(epochs, batchSize, learningRate, value, mnemonicNoise, optimizer);
  }
}
