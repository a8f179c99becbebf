package io.lethe.processor.engine.architecture;

import ai.djl.nn.Block;
import io.lethe.processor.engine.data.Dataset;
import io.lethe.processor.engine.data.SampleShape;
import io.lethe.processor.engine.model.ClassifierModel;
import io.lethe.processor.engine.model.Evaluator;
import io.lethe.processor.engine.model.Networks;
import io.lethe.processor.engine.model.RandomFeatures;
import io.lethe.processor.engine.model.TrainingConfig;
import io.lethe.processor.engine.model.TrainingProgress;
import io.lethe.processor.engine.settings.Settings;
import java.util.Map;
import java.util.Optional;

/**
 * MUSO's linear setting: a fixed random ReLU feature map (not trained) and a linear head without
 * bias fitted to the exact limit of gradient descent on the squared loss (over-parameterized: more
 * features than training samples). Exact retraining is closed-form from the same initial head.
 */
public final class RandomFeaturesLinear implements Architecture {

  public static final String NAME = "random-features-linear";

  /**
   * @param features number of random features; 0 picks {@code max(1024, 2 * training samples)}
   */
  public record Sizes(int features) {
    public static final Sizes DEFAULTS = new Sizes(0);

    public Sizes {
      if (features < 0 || features > 1 << 20) {
        throw new IllegalArgumentException("features must be in 0..1048576, got " + features);
      }
    }
  }

  private final Sizes sizes;

  public RandomFeaturesLinear(Sizes sizes) {
    this.sizes = sizes;
  }

  public RandomFeaturesLinear(int features) {
    this(new Sizes(features));
  }

  static RandomFeaturesLinear fromSettings(Map<String, String> settings) {
    return new RandomFeaturesLinear(Settings.bind(Sizes.DEFAULTS, settings, NAME));
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Map<String, String> settings() {
    return Settings.describe(sizes);
  }

  @Override
  public void checkInput(SampleShape input) {
    // any shape: it is flattened
  }

  @Override
  public Architecture resolve(Dataset train) {
    return sizes.features() > 0 ? this : new RandomFeaturesLinear(Math.max(1024, 2 * train.size()));
  }

  @Override
  public Block body(SampleShape input, long seed) {
    if (sizes.features() == 0) {
      throw new IllegalStateException("resolve the number of random features first");
    }
    return new Networks.RandomFeatureBlock(input.size(), sizes.features(), seed);
  }

  @Override
  public int featureDim() {
    return sizes.features();
  }

  @Override
  public boolean headBias() {
    return false;
  }

  @Override
  public boolean gradientTrained() {
    return false;
  }

  @Override
  public void fit(
      ClassifierModel fresh,
      Dataset train,
      TrainingConfig recipe,
      long seed,
      TrainingProgress progress) {
    RandomFeatures.fitFromInitial(fresh, train);
    progress.onEpoch(1, Double.NaN, Evaluator.accuracy(fresh, train));
  }

  /** Closed form from the original's own initial head: the exact limit, reproducible. */
  @Override
  public ClassifierModel retrain(
      ClassifierModel original, Dataset retain, TrainingConfig recipe, long seed) {
    ClassifierModel model = original.copy();
    try {
      model.setHeadWeights(original.initialHeadWeights());
      RandomFeatures.fitFromInitial(model, retain);
      return model;
    } catch (RuntimeException e) {
      model.close();
      throw e;
    }
  }

  @Override
  public Optional<RandomFeatures> linearFeatureMap(ClassifierModel model) {
    return Optional.of(RandomFeatures.of(model));
  }
}
