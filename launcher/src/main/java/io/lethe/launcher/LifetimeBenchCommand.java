package io.lethe.launcher;

import io.lethe.bench.lifetime.LifetimeBenchmark;
import io.lethe.bench.lifetime.LifetimeOptions;
import io.lethe.processor.engine.architecture.Architectures;
import io.lethe.processor.engine.method.Methods;
import io.lethe.processor.engine.model.Devices;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code lethe bench-lifetime}: many successive deletion batches on the latest version, each
 * compared with the oracle retrained on the cumulative retain set (docs/bench/lifetime.md).
 */
@Command(
    name = "bench-lifetime",
    mixinStandardHelpOptions = true,
    description =
        "Apply N mixed deletion batches (classes, random samples, subjects) to the latest version"
            + " as the worker does, compare each version with the oracle retrained on the"
            + " cumulative retain set, and write lifetime-guard-on|off.csv and .svg.")
public final class LifetimeBenchCommand implements Callable<Integer> {

  @Option(
      names = "--batches",
      defaultValue = "" + LifetimeOptions.DEFAULT_BATCHES,
      description = "Batches (default: ${DEFAULT-VALUE}).")
  int batches;

  @Option(
      names = "--oracle-every",
      defaultValue = "" + LifetimeOptions.DEFAULT_ORACLE_EVERY,
      description =
          "Retrain the oracle after every K-th batch and the last (default: ${DEFAULT-VALUE}).")
  int oracleEvery;

  @Option(
      names = "--class-every",
      defaultValue = "" + LifetimeOptions.DEFAULT_CLASS_EVERY,
      description = "Every K-th batch forgets a class (0: never; default: ${DEFAULT-VALUE}).")
  int classEvery;

  @Option(
      names = "--batch-samples",
      defaultValue = "" + LifetimeOptions.DEFAULT_BATCH_SAMPLES,
      description = "Samples per sample or subject batch (default: ${DEFAULT-VALUE}).")
  int batchSamples;

  @Option(
      names = "--subject-size",
      defaultValue = "" + LifetimeOptions.DEFAULT_SUBJECT_SIZE,
      description = "Samples per synthetic data subject (default: ${DEFAULT-VALUE}).")
  int subjectSize;

  @Option(
      names = "--class-method",
      defaultValue = LifetimeOptions.DEFAULT_CLASS_METHOD,
      description = "Method for class batches (default: ${DEFAULT-VALUE}).")
  String classMethod;

  @Option(
      names = "--sample-method",
      defaultValue = LifetimeOptions.DEFAULT_SAMPLE_METHOD,
      description = "Method for sample and subject batches (default: ${DEFAULT-VALUE}).")
  String sampleMethod;

  @Option(
      names = "--no-escalation",
      description = "Keep a result that fails verification instead of retraining exactly.")
  boolean noEscalation;

  @Option(
      names = "--drift-guard",
      defaultValue = "on",
      description =
          "on: run the worker's drift guard after every batch and re-anchor by exact retraining"
              + " when a bound is crossed; off: never (default: ${DEFAULT-VALUE}).")
  String driftGuard;

  @Option(
      names = "--reanchor-every",
      defaultValue = "0",
      description = "With the drift guard: also re-anchor every N versions (0: off).")
  int reanchorEvery;

  @Option(
      names = "--seed",
      defaultValue = "" + LifetimeOptions.DEFAULT_SEED,
      description = "Seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--arch",
      defaultValue = "mlp",
      description = "mlp or cnn (default: ${DEFAULT-VALUE}).")
  String arch;

  @Option(
      names = "--epochs",
      defaultValue = "" + LifetimeOptions.DEFAULT_EPOCHS,
      description = "Training epochs (default: ${DEFAULT-VALUE}).")
  int epochs;

  @Option(
      names = "--train-samples",
      defaultValue = "0",
      description = "Use only the first N training rows (0: all 7,000).")
  int trainSamples;

  @Option(
      names = "--out",
      defaultValue = "docs/bench",
      description = "Output folder (default: ${DEFAULT-VALUE}).")
  Path out;

  @Option(names = "--no-output", description = "Print the rows only; write no files.")
  boolean noOutput;

  @Override
  public Integer call() {
    Devices.ensureOffline();
    Methods.byName(classMethod); // fails early on a typo, listing the known names
    Methods.byName(sampleMethod);
    if (!driftGuard.equals("on") && !driftGuard.equals("off")) {
      throw new picocli.CommandLine.ParameterException(
          new picocli.CommandLine(this), "--drift-guard must be on or off");
    }
    LifetimeOptions options =
        new LifetimeOptions(
            seed,
            Architectures.byName(arch),
            epochs,
            trainSamples,
            batches,
            oracleEvery,
            classEvery,
            batchSamples,
            subjectSize,
            classMethod,
            sampleMethod,
            !noEscalation,
            noOutput ? null : out,
            driftGuard.equals("on"),
            reanchorEvery);
    new LifetimeBenchmark(options, System.out).run();
    return 0;
  }
}
