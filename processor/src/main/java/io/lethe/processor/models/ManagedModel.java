package io.lethe.processor.models;

import io.lethe.processor.engine.architecture.Architecture;
import io.lethe.processor.engine.architecture.Mlp;
import io.lethe.processor.engine.model.TrainingConfig;
import java.nio.file.Path;

/**
 * A model this deployment trains and unlearns from: its architecture, data, seed, and the engine
 * methods it uses per scope. A batch that mixes class and sample requests, and any batch whose
 * result fails verification, falls back to exact retraining.
 *
 * @param images IDX images file, or null for the built-in MNIST-10k
 * @param labels IDX labels file, or null for the built-in MNIST-10k
 * @param withOracle also retrain from scratch for each batch to report the gap to the exact oracle
 *     (doubles the cost; for small models and demos)
 */
public record ManagedModel(
    String modelId,
    Architecture architecture,
    Path images,
    Path labels,
    long seed,
    TrainingConfig training,
    String classMethod,
    String sampleMethod,
    boolean withOracle) {

  public static ManagedModel mnistMlp(String modelId) {
    return new ManagedModel(
        modelId,
        new Mlp(),
        null,
        null,
        42L,
        TrainingConfig.defaults(),
        // The benchmark's best on MNIST-10k (docs/benchmark.md): FAMR forgets a class in one
        // step, MUSO is closest to the oracle on random samples.
        "famr",
        "muso",
        false);
  }

  public ManagedModel withMethods(String forClasses, String forSamples) {
    return new ManagedModel(
        modelId, architecture, images, labels, seed, training, forClasses, forSamples, withOracle);
  }

  public ManagedModel withTraining(TrainingConfig config) {
    return new ManagedModel(
        modelId, architecture, images, labels, seed, config, classMethod, sampleMethod, withOracle);
  }

  public ManagedModel withOracle(boolean value) {
    return new ManagedModel(
        modelId, architecture, images, labels, seed, training, classMethod, sampleMethod, value);
  }
}
