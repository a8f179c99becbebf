package io.lethe.processor.engine.architecture;

import ai.djl.nn.Block;
import io.lethe.processor.engine.data.Dataset;
import io.lethe.processor.engine.data.SampleShape;
import io.lethe.processor.engine.model.ClassifierModel;
import io.lethe.processor.engine.model.ModelTrainer;
import io.lethe.processor.engine.model.RandomFeatures;
import io.lethe.processor.engine.model.TrainingConfig;
import io.lethe.processor.engine.model.TrainingProgress;
import java.util.Map;
import java.util.Optional;

/**
 * A model family with its sizes: it builds the feature extractor ("body") of a classifier as a DJL
 * {@link Block}, the way DJL's model zoo builds {@code Mlp extends SequentialBlock}; the engine
 * adds the linear head. Registered by name in {@link Architectures}; nothing outside an
 * architecture asks which kind a model is: what differs between kinds is a method here.
 */
public interface Architecture {

  /** The registry name, e.g. {@code mlp}. */
  String name();

  /** Its sizes as settings (the keys {@link Architectures#create} takes), in a stable order. */
  Map<String, String> settings();

  /**
   * Refuses an input it cannot take.
   *
   * @throws IllegalArgumentException naming the input shape and what was expected
   */
  void checkInput(SampleShape input);

  /** This architecture with its data-dependent sizes fixed for {@code train}. */
  default Architecture resolve(Dataset train) {
    return this;
  }

  /** A fresh, uninitialized body for inputs of {@code input}; {@code seed} drives fixed weights. */
  Block body(SampleShape input, long seed);

  /** Width of the body's output (the input of the head). */
  int featureDim();

  /** Whether the head has a bias. */
  default boolean headBias() {
    return true;
  }

  /**
   * Whether the model is trained by gradient descent with a recipe (and so can carry mnemonic codes
   * and be a SISA ensemble).
   */
  default boolean gradientTrained() {
    return true;
  }

  /**
   * What is wrong with this architecture for a model of {@code spec}, found by building or loading
   * it (a module that answers another shape than the data's); empty when it fits.
   */
  default Optional<String> misfit(io.lethe.processor.engine.model.ModelSpec spec) {
    return Optional.empty();
  }

  /**
   * Whether Lethe trains version 1 itself (with the catalog's recipe, defaults when it names none);
   * false for a model trained elsewhere, which comes without a recipe and is given as it is.
   */
  default boolean trainedByLethe() {
    return true;
  }

  /** Whether the network has a linear head the engine can reach (its weight and bias). */
  default boolean hasHead() {
    return true;
  }

  /** Whether the network gives its features before the head (MUSO's relabelling needs them). */
  default boolean exposesFeatures() {
    return true;
  }

  /**
   * Version 1 of a catalog model: by default a fresh model of {@code spec} trained on {@code train}
   * with the recipe.
   */
  default ClassifierModel initial(
      io.lethe.processor.engine.model.ModelSpec spec,
      Dataset train,
      TrainingConfig recipe,
      long seed,
      TrainingProgress progress) {
    return ModelTrainer.train(spec, train, recipe, seed, progress);
  }

  /** What the receipt of version 1 calls how it was made. */
  default String initialMethod() {
    return "train";
  }

  /** Fits a freshly initialized model to {@code train}: by default gradient training. */
  default void fit(
      ClassifierModel fresh,
      Dataset train,
      TrainingConfig recipe,
      long seed,
      TrainingProgress progress) {
    ModelTrainer.fit(fresh, train, recipe, seed, progress);
  }

  /**
   * The model exact retraining gives: {@code original}'s architecture trained on {@code retain}
   * alone from fresh weights drawn from {@code seed}.
   */
  default ClassifierModel retrain(
      ClassifierModel original, Dataset retain, TrainingConfig recipe, long seed) {
    return ModelTrainer.train(original.spec().withoutShards(), retain, recipe, seed);
  }

  /** The fixed random feature map when the model is linear in it (MUSO's exact case). */
  default Optional<RandomFeatures> linearFeatureMap(ClassifierModel model) {
    return Optional.empty();
  }

  /** {@code name(k=v, ...)}, for logs and reports. */
  default String describe() {
    StringBuilder b = new StringBuilder(name()).append('(');
    String sep = "";
    for (var e : settings().entrySet()) {
      b.append(sep).append(e.getKey()).append('=').append(e.getValue());
      sep = ", ";
    }
    return b.append(')').toString();
  }
}
