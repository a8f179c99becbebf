package io.lethe.launcher;

import io.lethe.bench.unlearning.Benchmark;
import io.lethe.bench.unlearning.BenchmarkOptions;
import io.lethe.processor.engine.architecture.Architectures;
import io.lethe.processor.engine.model.Devices;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code lethe bench}: reproduces the unlearning tables (forget one class; forget a random fraction
 * of the samples; MUSO's linear setting) against the retrained oracle and writes CSV and Markdown.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description =
        "Benchmark every unlearning method against retraining on a catalog model (--catalog,"
            + " --model) or an IDX dataset (default: the built-in MNIST-10k) and write"
            + " results.csv and results.md.")
public final class BenchCommand implements Callable<Integer> {

  @Option(
      names = "--catalog",
      description =
          "A model catalog (docs/catalog.md): benchmark its model --model on the model's own data,"
              + " split, architecture, recipe and method settings.")
  Path catalog;

  @Option(names = "--model", description = "The catalog model to benchmark (with --catalog).")
  String model;

  @Option(names = "--images", description = "IDX image file (gzip or plain); any image size.")
  Path images;

  @Option(names = "--labels", description = "IDX label file (gzip or plain).")
  Path labels;

  @Option(names = "--seed", defaultValue = "42", description = "Seed of split, training, methods.")
  long seed;

  @Option(
      names = "--arch",
      defaultValue = "mlp",
      description = "Model of tables 1 and 2: mlp or cnn (default: ${DEFAULT-VALUE}).")
  String arch;

  @Option(
      names = "--out",
      defaultValue = "docs/bench",
      description = "Output folder (default: ${DEFAULT-VALUE}).")
  Path out;

  @Option(names = "--no-output", description = "Print the tables only; write no files.")
  boolean noOutput;

  @Option(
      names = "--methods",
      split = ",",
      description = "Methods to run (default: all), e.g. retrain,famr,slug.")
  List<String> methods = new ArrayList<>();

  @Option(
      names = "--forget-class",
      defaultValue = "-1",
      description =
          "Class forgotten in table 1 (default: 3 where the data has more classes, else the last).")
  int forgetClass;

  @Option(
      names = "--forget-fraction",
      defaultValue = "0.1",
      description = "Fraction of the training samples forgotten in table 2.")
  double forgetFraction;

  @Option(names = "--epochs", defaultValue = "8", description = "Training epochs.")
  int epochs;

  @Option(names = "--shards", defaultValue = "5", description = "SISA shards.")
  int shards;

  @Option(
      names = "--linear-samples",
      defaultValue = "1000",
      description = "Training samples of the linear (MUSO) table; 0 skips it.")
  int linearSamples;

  @Option(
      names = "--eval-on-validation",
      description = "Report TA and MIA on the validation split (for tuning), not the test split.")
  boolean evalOnValidation;

  @Option(
      names = "--no-calibrate",
      description =
          "Run every method at its defaults instead of calibrating first on the training rows.")
  boolean noCalibrate;

  @Option(
      names = "--calibration-budget",
      defaultValue = "20",
      description = "The calibration's budget, in retrainings of the model. Default: 20.")
  int calibrationBudget;

  @Override
  public Integer call() {
    Devices.ensureOffline();
    BenchmarkOptions options =
        new BenchmarkOptions(
            catalog,
            model,
            images,
            labels,
            seed,
            Architectures.byName(arch),
            noOutput ? null : out,
            methods,
            forgetClass,
            forgetFraction,
            epochs,
            shards,
            linearSamples,
            evalOnValidation,
            !noCalibrate,
            calibrationBudget);
    new Benchmark(options, System.out).run();
    return 0;
  }
}
