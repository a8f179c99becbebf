package io.lethe.processor.engine.model;

/**
 * Everything needed to rebuild a model's block before loading its weights.
 *
 * @param architecture the model family
 * @param inputShape one sample's shape
 * @param numClasses the number of output classes
 * @param randomFeatures number of random features (only {@link
 *     Architecture#RANDOM_FEATURES_LINEAR}; 0 otherwise)
 * @param mnemonicSeed seed of the class mnemonic codes the model was trained with, or {@code null}
 *     when it was trained without them
 * @param mnemonicNoise standard deviation of the noise added to codes in training
 * @param shards number of independently trained members (SISA ensemble); 1 for a single network
 */
public record ModelSpec(
    Architecture architecture,
    InputShape inputShape,
    int numClasses,
    int randomFeatures,
    Long mnemonicSeed,
    float mnemonicNoise,
    int shards) {

  public ModelSpec {
    if (numClasses < 2) {
      throw new IllegalArgumentException("need at least 2 classes, got " + numClasses);
    }
    if (shards < 1) {
      throw new IllegalArgumentException("shards must be >= 1, got " + shards);
    }
    if (architecture == Architecture.RANDOM_FEATURES_LINEAR && randomFeatures <= 0) {
      throw new IllegalArgumentException("random-features model needs randomFeatures > 0");
    }
  }

  /** Width of the penultimate features (the input of the linear head). */
  public int featureDim() {
    return switch (architecture) {
      case MLP -> Networks.MLP_FEATURES;
      case CNN -> Networks.CNN_FEATURES;
      case RANDOM_FEATURES_LINEAR -> randomFeatures;
    };
  }

  /** This spec with another number of shards. */
  public ModelSpec withShards(int value) {
    return new ModelSpec(
        architecture, inputShape, numClasses, randomFeatures, mnemonicSeed, mnemonicNoise, value);
  }

  /** Whether this is a SISA ensemble of several members. */
  public boolean isEnsemble() {
    return shards > 1;
  }

  /** Whether the model was trained with class mnemonic codes mixed in. */
  public boolean hasMnemonicCodes() {
    return mnemonicSeed != null;
  }
}
