package io.lethe.bench.lifetime;

import io.lethe.processor.engine.architecture.Architecture;
import io.lethe.processor.engine.architecture.Mlp;
import java.nio.file.Path;

/**
 * What the lifetime benchmark runs.
 *
 * @param seed seed of the split, the training, the batches and every method
 * @param architecture the model (MLP or CNN)
 * @param epochs training epochs of the original and of every oracle
 * @param trainSamples training rows used (the first of the split); 0: all of them
 * @param batches successive batches applied to the latest version
 * @param oracleEvery retrain the cumulative oracle after every K-th batch (and after the last)
 * @param classEvery every K-th batch forgets a whole class (while more than half the classes
 *     remain); 0: never
 * @param batchSamples samples per random-sample batch, and at least this many per subject batch
 * @param subjectSize samples per synthetic data subject
 * @param classMethod method for class batches (the catalog's default: famr)
 * @param sampleMethod method for sample and subject batches (the catalog's default: muso)
 * @param escalate on a failed verification, retrain exactly, as the worker does by default
 * @param outputDir where the CSV and the SVG go (null: do not write)
 * @param driftGuard run the worker's drift guard after every batch (the catalog's default guard)
 *     and re-anchor by exact retraining when it says so
 * @param reanchorEvery with the guard: also re-anchor every N versions (0: off)
 */
public record LifetimeOptions(
    long seed,
    Architecture architecture,
    int epochs,
    int trainSamples,
    int batches,
    int oracleEvery,
    int classEvery,
    int batchSamples,
    int subjectSize,
    String classMethod,
    String sampleMethod,
    boolean escalate,
    Path outputDir,
    boolean driftGuard,
    int reanchorEvery) {

  /** Bounds a run's sizes before anything is allocated. */
  public static final int MAX_BATCHES = 10_000;

  // The defaults, in one place: the command line's option defaults refer to these.
  public static final long DEFAULT_SEED = 42;
  public static final int DEFAULT_EPOCHS = 8;
  public static final int DEFAULT_BATCHES = 100;
  public static final int DEFAULT_ORACLE_EVERY = 1;
  public static final int DEFAULT_CLASS_EVERY = 25;
  public static final int DEFAULT_BATCH_SAMPLES = 20;
  public static final int DEFAULT_SUBJECT_SIZE = 10;

  /** The catalog's default class method (a catalog entry that names none gets it). */
  public static final String DEFAULT_CLASS_METHOD = "famr";

  /** The catalog's default sample method. */
  public static final String DEFAULT_SAMPLE_METHOD = "muso";

  public LifetimeOptions {
    if (batches < 1 || batches > MAX_BATCHES) {
      throw new IllegalArgumentException("batches must be in [1, " + MAX_BATCHES + "]: " + batches);
    }
    if (oracleEvery < 1) {
      throw new IllegalArgumentException("oracle-every must be at least 1: " + oracleEvery);
    }
    if (classEvery < 0 || batchSamples < 1 || subjectSize < 1 || epochs < 1 || trainSamples < 0) {
      throw new IllegalArgumentException("class-every, sizes and epochs must be positive");
    }
    if (reanchorEvery < 0) {
      throw new IllegalArgumentException(
          "reanchor-every must be 0 (off) or more: " + reanchorEvery);
    }
    if (!architecture.gradientTrained()) {
      throw new IllegalArgumentException("the lifetime benchmark uses mlp or cnn");
    }
  }

  /** Without the drift guard. */
  public LifetimeOptions(
      long seed,
      Architecture architecture,
      int epochs,
      int trainSamples,
      int batches,
      int oracleEvery,
      int classEvery,
      int batchSamples,
      int subjectSize,
      String classMethod,
      String sampleMethod,
      boolean escalate,
      Path outputDir) {
    this(
        seed,
        architecture,
        epochs,
        trainSamples,
        batches,
        oracleEvery,
        classEvery,
        batchSamples,
        subjectSize,
        classMethod,
        sampleMethod,
        escalate,
        outputDir,
        false,
        0);
  }

  /** The files' base name: {@code lifetime-guard-on} or {@code lifetime-guard-off}. */
  public String fileStem() {
    return driftGuard ? "lifetime-guard-on" : "lifetime-guard-off";
  }

  /**
   * The defaults: MNIST-10k, seed 42, the MLP at 8 epochs, 100 batches, the oracle after every
   * batch, a class every 25th batch, 20 samples per batch, subjects of 10, famr and muso with
   * escalation, the drift guard on.
   */
  public static LifetimeOptions defaults() {
    return new LifetimeOptions(
        DEFAULT_SEED,
        new Mlp(),
        DEFAULT_EPOCHS,
        0,
        DEFAULT_BATCHES,
        DEFAULT_ORACLE_EVERY,
        DEFAULT_CLASS_EVERY,
        DEFAULT_BATCH_SAMPLES,
        DEFAULT_SUBJECT_SIZE,
        DEFAULT_CLASS_METHOD,
        DEFAULT_SAMPLE_METHOD,
        true,
        Path.of("docs/bench"),
        true,
        0);
  }
}
