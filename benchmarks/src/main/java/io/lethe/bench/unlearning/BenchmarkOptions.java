package io.lethe.bench.unlearning;

import io.lethe.processor.engine.architecture.Architecture;
import io.lethe.processor.engine.architecture.Mlp;
import io.lethe.processor.engine.calibrate.CalibrationOptions;
import io.lethe.processor.engine.method.Methods;
import java.nio.file.Path;
import java.util.List;

/**
 * What the benchmark runs.
 *
 * @param catalog a model catalog: benchmark its model {@code modelId} on its own data, split,
 *     architecture, recipe and method settings (then images, labels, architecture and epochs are
 *     not used); null for the IDX mode
 * @param modelId the catalog model to benchmark
 * @param images IDX image file, or null for the built-in MNIST-10k
 * @param labels IDX label file, or null for the built-in MNIST-10k
 * @param seed seed of the split, the training and every method
 * @param architecture model of tables 1 and 2 (MLP or CNN)
 * @param outputDir where the CSV and Markdown go (null: do not write)
 * @param methods method names to run (empty: every registered method)
 * @param forgetClass the class forgotten in table 1, or {@link #DEFAULT_FORGET_CLASS}: class 3
 *     where the data has more than 3 classes (as the published MNIST tables), else the last
 * @param forgetFraction fraction of the training samples forgotten in table 2
 * @param epochs training epochs of the original and of the retrained oracle
 * @param sisaShards members of the SISA ensemble
 * @param linearSamples training samples of the linear (MUSO) table; 0 skips it
 * @param evaluateOnValidation report TA and MIA on the validation split instead of the test split
 *     (for tuning: settings are tuned this way, never on the test split)
 * @param calibrate calibrate the methods on the training rows first (as Lethe does when a model is
 *     onboarded) and run each calibrated method with the settings calibration found; false runs
 *     every method at its defaults (or the catalog's settings)
 * @param calibrationBudget the calibration's budget in retrainings of the model
 */
public record BenchmarkOptions(
    Path catalog,
    String modelId,
    Path images,
    Path labels,
    long seed,
    Architecture architecture,
    Path outputDir,
    List<String> methods,
    int forgetClass,
    double forgetFraction,
    int epochs,
    int sisaShards,
    int linearSamples,
    boolean evaluateOnValidation,
    boolean calibrate,
    int calibrationBudget) {

  /** No class given: 3, or the last class of data with 3 classes or fewer. */
  public static final int DEFAULT_FORGET_CLASS = -1;

  public BenchmarkOptions {
    methods = methods == null ? List.of() : List.copyOf(methods);
    for (String m : methods) {
      Methods.byName(m); // fails early on a typo, listing the known names
    }
    if ((catalog == null) != (modelId == null)) {
      throw new IllegalArgumentException("give both --catalog and --model, or neither");
    }
    if (catalog != null && images != null) {
      throw new IllegalArgumentException("give --catalog or --images, not both");
    }
    if ((images == null) != (labels == null)) {
      throw new IllegalArgumentException("give both --images and --labels, or neither");
    }
    if (!(forgetFraction > 0 && forgetFraction < 1)) {
      throw new IllegalArgumentException("forget fraction must be in (0, 1): " + forgetFraction);
    }
    if (calibrate && (calibrationBudget < 1 || calibrationBudget > 10_000)) {
      throw new IllegalArgumentException(
          "calibration budget must be 1..10000 retrainings: " + calibrationBudget);
    }
    if (!architecture.gradientTrained()) {
      throw new IllegalArgumentException(
          "tables 1 and 2 use mlp or cnn; the linear setting has its own table");
    }
  }

  /** Options that calibrate first with the default budget (the launcher's constructor). */
  public BenchmarkOptions(
      Path catalog,
      String modelId,
      Path images,
      Path labels,
      long seed,
      Architecture architecture,
      Path outputDir,
      List<String> methods,
      int forgetClass,
      double forgetFraction,
      int epochs,
      int sisaShards,
      int linearSamples,
      boolean evaluateOnValidation) {
    this(
        catalog,
        modelId,
        images,
        labels,
        seed,
        architecture,
        outputDir,
        methods,
        forgetClass,
        forgetFraction,
        epochs,
        sisaShards,
        linearSamples,
        evaluateOnValidation,
        true,
        CalibrationOptions.DEFAULT_BUDGET_RETRAININGS);
  }

  /**
   * The defaults: built-in MNIST-10k, seed 42, MLP, class 3, 10 %, 8 epochs, 5 shards, calibrated
   * first with a budget of 20 retrainings.
   */
  public static BenchmarkOptions defaults() {
    return new BenchmarkOptions(
        null,
        null,
        null,
        null,
        42,
        new Mlp(),
        Path.of("docs/bench"),
        List.of(),
        DEFAULT_FORGET_CLASS,
        0.10,
        8,
        5,
        1000,
        false,
        true,
        CalibrationOptions.DEFAULT_BUDGET_RETRAININGS);
  }
}
