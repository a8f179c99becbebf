package io.lethe.processor.engine.model;

import io.lethe.processor.engine.architecture.Architecture;
import io.lethe.processor.engine.data.SampleShape;
import io.lethe.processor.engine.data.Standardization;
import java.util.Objects;

/**
 * Everything needed to rebuild a model's block before loading its weights.
 *
 * @param architecture the model family with its sizes (resolved: no data-dependent size left open)
 * @param inputShape one sample's shape
 * @param numClasses the number of output classes
 * @param mnemonicSeed seed of the class mnemonic codes the model was trained with, or {@code null}
 *     when it was trained without them
 * @param mnemonicNoise standard deviation of the noise added to codes in training
 * @param shards number of independently trained members (SISA ensemble); 1 for a single network
 * @param inputStandardization the statistics the inputs were standardized with before the model saw
 *     them ({@code (x - mean) / std} per feature), or {@code null}; kept with the weights so that
 *     whoever serves the model feeds it what it was trained on
 */
public record ModelSpec(
    Architecture architecture,
    SampleShape inputShape,
    int numClasses,
    Long mnemonicSeed,
    float mnemonicNoise,
    int shards,
    Standardization inputStandardization) {

  public ModelSpec {
    Objects.requireNonNull(architecture, "architecture");
    Objects.requireNonNull(inputShape, "inputShape");
    if (numClasses < 2) {
      throw new IllegalArgumentException("need at least 2 classes, got " + numClasses);
    }
    if (shards < 1) {
      throw new IllegalArgumentException("shards must be >= 1, got " + shards);
    }
    architecture.checkInput(inputShape);
    if (inputStandardization != null && inputStandardization.size() != inputShape.size()) {
      throw new IllegalArgumentException(
          "standardization of "
              + inputStandardization.size()
              + " features for samples of shape "
              + inputShape);
    }
  }

  /** A spec without input standardization. */
  public ModelSpec(
      Architecture architecture,
      SampleShape inputShape,
      int numClasses,
      Long mnemonicSeed,
      float mnemonicNoise,
      int shards) {
    this(architecture, inputShape, numClasses, mnemonicSeed, mnemonicNoise, shards, null);
  }

  /** This spec recording the standardization its inputs get. */
  public ModelSpec withInputStandardization(Standardization value) {
    return new ModelSpec(
        architecture, inputShape, numClasses, mnemonicSeed, mnemonicNoise, shards, value);
  }

  /** Width of the penultimate features (the input of the linear head). */
  public int featureDim() {
    return architecture.featureDim();
  }

  /** This spec with another number of shards. */
  public ModelSpec withShards(int value) {
    return new ModelSpec(
        architecture,
        inputShape,
        numClasses,
        mnemonicSeed,
        mnemonicNoise,
        value,
        inputStandardization);
  }

  /** This spec as a single network. */
  public ModelSpec withoutShards() {
    return withShards(1);
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
