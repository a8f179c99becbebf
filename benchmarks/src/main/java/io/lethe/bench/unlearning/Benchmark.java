package io.lethe.bench.unlearning;

import io.lethe.processor.engine.architecture.Architecture;
import io.lethe.processor.engine.architecture.Architectures;
import io.lethe.processor.engine.architecture.RandomFeaturesLinear;
import io.lethe.processor.engine.calibrate.CalibrationInput;
import io.lethe.processor.engine.calibrate.CalibrationOptions;
import io.lethe.processor.engine.calibrate.CalibrationResult;
import io.lethe.processor.engine.calibrate.Calibrator;
import io.lethe.processor.engine.calibrate.CandidateMethods;
import io.lethe.processor.engine.calibrate.CandidateScore;
import io.lethe.processor.engine.data.Dataset;
import io.lethe.processor.engine.data.DatasetSplit;
import io.lethe.processor.engine.method.Budget;
import io.lethe.processor.engine.method.ForgetScope;
import io.lethe.processor.engine.method.Methods;
import io.lethe.processor.engine.method.UnlearningMethod;
import io.lethe.processor.engine.method.UnlearningResult;
import io.lethe.processor.engine.method.UnlearningTask;
import io.lethe.processor.engine.model.ClassifierModel;
import io.lethe.processor.engine.model.Devices;
import io.lethe.processor.engine.model.Evaluator;
import io.lethe.processor.engine.model.ModelTrainer;
import io.lethe.processor.engine.model.TrainingConfig;
import io.lethe.processor.engine.verify.Evidence;
import io.lethe.processor.engine.verify.PolicyOutcome;
import io.lethe.processor.engine.verify.VerificationPolicy;
import io.lethe.processor.engine.verify.VerificationReport;
import io.lethe.processor.engine.verify.Verifier;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reproduces the unlearning tables on an IDX dataset (the built-in MNIST-10k by default): (1)
 * forget one class, (2) forget a random fraction of the training samples, each with every
 * applicable method on the same split and seed, measured against the retrained oracle; plus (3)
 * MUSO's linear setting against exact retraining from the same initial weights. Unless told {@code
 * --no-calibrate}, it first calibrates the methods on the training rows alone ({@link Calibrator})
 * and runs each calibrated method with the best settings calibration found for it.
 *
 * <p>Run from Maven: {@code ./mvnw -q -pl benchmarks -am exec:java
 * -Dexec.mainClass=io.lethe.bench.unlearning.Benchmark -Dexec.args="--out docs/bench"}.
 */
public final class Benchmark {

  private final BenchmarkOptions options;
  private final PrintStream out;
  private BenchSetup setup;
  private CalibrationResult calibration;

  public Benchmark(BenchmarkOptions options, PrintStream progress) {
    this.options = options;
    this.out = progress;
  }

  /** The result of a run. */
  public record Result(
      BenchmarkOptions options,
      String device,
      String dataset,
      String architecture,
      int epochs,
      long seed,
      double originalTestAccuracy,
      long originalTrainMillis,
      List<BenchmarkRow> rows,
      CalibrationResult calibration) {}

  /** Runs everything and writes the reports when an output folder is set. */
  public Result run() {
    setup = options.catalog() != null ? BenchSetup.catalog(options) : BenchSetup.idx(options);
    Dataset train = setup.train();
    Dataset unseen = setup.unseen();
    Dataset validation = setup.validation();
    log(
        "dataset %s: samples %s, %d classes; train %d, validation %d, %s %d; device %s",
        setup.dataset(),
        train.shape(),
        train.numClasses(),
        train.size(),
        validation.size(),
        setup.unseenName(),
        unseen.size(),
        Devices.describe());
    TrainingConfig config = setup.config();
    calibration = options.calibrate() ? calibrate(train, config) : null;
    List<BenchmarkRow> rows = new ArrayList<>();
    Verifier verifier = new Verifier(unseen, setup.seed());

    int forgetClass = forgetClass(train.numClasses());
    if (forgetClass < 0 || forgetClass >= train.numClasses()) {
      throw new IllegalArgumentException(
          "forget class " + forgetClass + " not in [0, " + train.numClasses() + ")");
    }
    log("training the original %s (%d epochs)", setup.architecture().name(), config.epochs());
    long t0 = System.nanoTime();
    ClassifierModel original =
        ModelTrainer.train(
            setup.architecture(),
            train,
            config,
            setup.seed(),
            (e, l, a) -> log("  epoch %d/%d loss %.4f train-acc %.4f", e, config.epochs(), l, a));
    long originalMillis = (System.nanoTime() - t0) / 1_000_000;
    double originalTest = Evaluator.accuracy(original, unseen);
    log(
        "original: trained in %.1f s, accuracy on the %s split %.4f",
        originalMillis / 1e3, options.evaluateOnValidation() ? "validation" : "test", originalTest);
    try (original;
        ClassifierModel sisaOriginal = trainSisaIfNeeded(train, config)) {
      UnlearningTask classTask =
          UnlearningTask.forgetClasses(original, train, Set.of(forgetClass), setup.seed())
              .withTrainingConfig(config)
              .withValidation(validation);
      rows.addAll(table("class", classTask, sisaOriginal, verifier));

      Set<Long> forgetIds = randomIds(train, options.forgetFraction(), setup.seed());
      UnlearningTask sampleTask =
          UnlearningTask.forgetSamples(original, train, forgetIds, setup.seed())
              .withTrainingConfig(config)
              .withValidation(validation);
      rows.addAll(table("samples", sampleTask, sisaOriginal, verifier));
    }
    if (options.linearSamples() > 0 && wants("muso")) {
      rows.addAll(linearTables(train, verifier));
    }
    Result result =
        new Result(
            options,
            Devices.describe(),
            setup.dataset(),
            setup.architecture().describe(),
            setup.config().epochs(),
            setup.seed(),
            originalTest,
            originalMillis,
            List.copyOf(rows),
            calibration);
    if (options.outputDir() != null) {
      try {
        List<Path> files = BenchReportWriter.write(result, options.outputDir());
        log("wrote %s", files);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return result;
  }

  /**
   * Calibrates on the training rows only, as Lethe does when a model is onboarded: the tables then
   * run each calibrated method with the settings it found (the notes say so).
   */
  private CalibrationResult calibrate(Dataset train, TrainingConfig config) {
    log(
        "calibrating on the %d training rows (budget %d retrainings)",
        train.size(), options.calibrationBudget());
    CalibrationInput input =
        new CalibrationInput(
            setup.architecture(),
            train,
            setup.subjects(),
            setup.standardization(),
            config,
            setup.seed(),
            VerificationPolicy.defaults(),
            Map.of());
    // --methods narrows the search too: only the methods the tables will show are calibrated.
    Map<ForgetScope, List<UnlearningMethod>> candidates =
        new java.util.EnumMap<>(ForgetScope.class);
    CandidateMethods.defaults()
        .forEach(
            (scope, list) -> {
              List<UnlearningMethod> kept = list.stream().filter(m -> wants(m.name())).toList();
              if (!kept.isEmpty()) {
                candidates.put(scope, kept);
              }
            });
    CalibrationResult result =
        new Calibrator(
                new CalibrationOptions(options.calibrationBudget(), setup.seed()), candidates)
            .calibrate(input, line -> log("  %s", line));
    log(
        "calibration %s in %.1f s, %.1f retrainings: %s%s",
        result.status(),
        result.durationMillis() / 1e3,
        result.retrainingsUsed(),
        BenchReportWriter.calibratedLine(result),
        result.reason() == null ? "" : " (" + result.reason() + ")");
    return result;
  }

  /** The calibrated settings of {@code method} on {@code scope}, or empty. */
  private Optional<CandidateScore> calibrated(ForgetScope scope, String method) {
    return calibration == null ? Optional.empty() : calibration.bestOf(scope, method);
  }

  private ClassifierModel trainSisaIfNeeded(Dataset train, TrainingConfig config) {
    if (!wants("sisa")) {
      return null;
    }
    log("training the SISA ensemble: %d shards", options.sisaShards());
    long t = System.nanoTime();
    ClassifierModel ensemble =
        ModelTrainer.trainSisa(
            setup.architecture(),
            train,
            config,
            setup.seed(),
            options.sisaShards(),
            (e, l, a) -> {});
    log("SISA ensemble trained in %.1f s", (System.nanoTime() - t) / 1e9);
    return ensemble;
  }

  private List<BenchmarkRow> table(
      String table, UnlearningTask task, ClassifierModel sisaOriginal, Verifier verifier) {
    log(
        "== table %s: forget %d samples%s, retain %d ==",
        table,
        task.forget().size(),
        task.scope() == ForgetScope.CLASS ? " (class " + task.forgetClasses() + ")" : "",
        task.retain().size());
    List<BenchmarkRow> rows = new ArrayList<>();
    log("  retrain (oracle) ...");
    long cpu0 = cpuNanos();
    try (UnlearningResult oracle = Methods.byName("retrain").unlearn(task)) {
      long oracleCpu = (cpuNanos() - cpu0) / 1_000_000;
      long oracleMillis = oracle.wallTimeMillis();
      Verifier.Metrics oracleMetrics =
          verifier.measure(
              oracle.model(), task.forget(), task.retain(), task.scope(), task.forgetClasses());
      double originalRetain = Evaluator.accuracy(task.original(), task.retain());
      List<Variant> runs = new ArrayList<>();
      for (UnlearningMethod method : Methods.all()) {
        runs.add(new Variant(method.name(), method, Budget.empty()));
      }
      runs.addAll(variants());
      for (Variant run : runs) {
        UnlearningMethod method = run.method();
        if (!wants(method.name()) || !method.scopes().contains(task.scope())) {
          continue;
        }
        Optional<CandidateScore> tuned =
            run.budget().asMap().isEmpty()
                ? calibrated(task.scope(), method.name())
                : Optional.empty();
        Budget budget =
            tuned
                .map(c -> Budget.of(c.settings()))
                .orElseGet(() -> setup.budgetFor(method.name(), run.budget()));
        boolean tried =
            calibration != null
                && calibration.candidates().stream()
                    .anyMatch(c -> c.scope() == task.scope() && c.method().equals(method.name()));
        String calibratedNote =
            tuned
                .map(
                    c ->
                        "calibrated "
                            + c.settings()
                            + (c.chosen() ? " (the calibration's choice)" : "")
                            + "; ")
                .orElse(
                    tried && run.budget().asMap().isEmpty()
                        ? "not calibrated (no grid point passed, or none ran): its defaults; "
                        : "");
        UnlearningTask methodTask = task.withBudget(budget);
        if (method.name().equals("sisa")) {
          if (sisaOriginal == null) {
            continue;
          }
          methodTask = methodTask.withOriginal(sisaOriginal);
        }
        if (method.name().equals("retrain")) {
          rows.add(
              row(
                  "",
                  verifier,
                  table,
                  run.label(),
                  oracle,
                  oracleMetrics,
                  oracleMetrics,
                  oracle.model(),
                  methodTask,
                  oracleMillis,
                  originalRetain,
                  oracleCpu,
                  oracleCpu));
          continue;
        }
        log("  %s ...", run.label());
        long c0 = cpuNanos();
        try (UnlearningResult result = method.unlearn(methodTask)) {
          long cpu = (cpuNanos() - c0) / 1_000_000;
          Verifier.Metrics metrics =
              verifier.measure(
                  result.model(), task.forget(), task.retain(), task.scope(), task.forgetClasses());
          rows.add(
              row(
                  calibratedNote,
                  verifier,
                  table,
                  run.label(),
                  result,
                  metrics,
                  oracleMetrics,
                  oracle.model(),
                  methodTask,
                  oracleMillis,
                  method.name().equals("sisa")
                      ? Evaluator.accuracy(sisaOriginal, task.retain())
                      : originalRetain,
                  cpu,
                  oracleCpu));
        } catch (RuntimeException e) {
          log("  %s FAILED with %s", method.name(), e);
          throw e;
        }
      }
    }
    return rows;
  }

  private BenchmarkRow row(
      String notePrefix,
      Verifier verifier,
      String table,
      String label,
      UnlearningResult result,
      Verifier.Metrics metrics,
      Verifier.Metrics oracleMetrics,
      ClassifierModel oracle,
      UnlearningTask task,
      long oracleMillis,
      double originalRetain,
      long cpuMillis,
      long oracleCpuMillis) {
    VerificationReport measured =
        Verifier.report(
            metrics,
            oracleMetrics,
            result.model(),
            oracle,
            task,
            result.wallTimeMillis(),
            oracleMillis,
            originalRetain);
    // The parent's figures say which checks could have failed (a check the parent passes is blind).
    Verifier.Metrics parent =
        verifier.measure(
            task.original(), task.forget(), task.retain(), task.scope(), task.forgetClasses());
    VerificationReport report =
        measured.withEvidence(
            new Evidence(
                result.method().equals("retrain"),
                parent.forgetAccuracy(),
                parent.testAccuracy(),
                parent.mia(),
                null));
    PolicyOutcome outcome = VerificationPolicy.defaults().evaluate(report);
    String policy =
        outcome.status() == PolicyOutcome.Status.FAILED
            ? "FAILED " + outcome.failedChecks()
            : outcome.status().name();
    String notes = notePrefix + result.notes().toString();
    double cpuSpeedup = (double) oracleCpuMillis / Math.max(1L, cpuMillis);
    log(
        "    %-13s UA %6.2f  RA %6.2f  TA %6.2f  MIA %.3f  gap %5.2f  JS %.4f  %7.2f s  x%.1f"
            + " (cpu x%.1f)  %s",
        label,
        100 * report.forgetAccuracy(),
        100 * report.retainAccuracy(),
        100 * report.testAccuracy(),
        report.mia(),
        100 * report.avgGap(),
        report.jsDivergence(),
        result.wallTimeMillis() / 1e3,
        report.speedup(),
        cpuSpeedup,
        policy);
    log("      notes %s", notes);
    return new BenchmarkRow(table, label, report, policy, notes, cpuMillis, cpuSpeedup);
  }

  private List<BenchmarkRow> linearTables(Dataset train, Verifier verifier) {
    Dataset small = train.subset(0, Math.min(train.size(), options.linearSamples()));
    int features = Math.max(2048, 2 * small.size());
    log(
        "== linear setting: random-features model, %d training samples, %d features ==",
        small.size(), features);
    List<BenchmarkRow> rows = new ArrayList<>();
    TrainingConfig config = TrainingConfig.defaults();
    try (ClassifierModel original =
        ModelTrainer.train(new RandomFeaturesLinear(features), small, config, setup.seed())) {
      List<UnlearningTask> tasks =
          List.of(
              UnlearningTask.forgetClasses(
                      original, small, Set.of(forgetClass(small.numClasses())), setup.seed())
                  .withTrainingConfig(config),
              UnlearningTask.forgetSamples(
                      original,
                      small,
                      randomIds(small, options.forgetFraction(), setup.seed()),
                      setup.seed())
                  .withTrainingConfig(config));
      for (UnlearningTask task : tasks) {
        String table = task.scope() == ForgetScope.CLASS ? "linear-class" : "linear-samples";
        log("  %s: forget %d samples", table, task.forget().size());
        long c0 = cpuNanos();
        try (UnlearningResult oracle = Methods.byName("retrain").unlearn(task)) {
          long oracleCpu = (cpuNanos() - c0) / 1_000_000;
          long c1 = cpuNanos();
          try (UnlearningResult muso = Methods.byName("muso").unlearn(task)) {
            long musoCpu = (cpuNanos() - c1) / 1_000_000;
            Verifier.Metrics oracleMetrics =
                verifier.measure(
                    oracle.model(),
                    task.forget(),
                    task.retain(),
                    task.scope(),
                    task.forgetClasses());
            Verifier.Metrics musoMetrics =
                verifier.measure(
                    muso.model(), task.forget(), task.retain(), task.scope(), task.forgetClasses());
            double originalRetain = Evaluator.accuracy(original, task.retain());
            rows.add(
                row(
                    "",
                    verifier,
                    table,
                    "retrain",
                    oracle,
                    oracleMetrics,
                    oracleMetrics,
                    oracle.model(),
                    task,
                    oracle.wallTimeMillis(),
                    originalRetain,
                    oracleCpu,
                    oracleCpu));
            BenchmarkRow r =
                row(
                    "",
                    verifier,
                    table,
                    "muso",
                    muso,
                    musoMetrics,
                    oracleMetrics,
                    oracle.model(),
                    task,
                    oracle.wallTimeMillis(),
                    originalRetain,
                    musoCpu,
                    oracleCpu);
            log(
                "    muso relative parameter distance to the retrained weights: %.3e",
                r.report().parameterDistance());
            rows.add(r);
          }
        }
      }
    }
    return rows;
  }

  /** A method run under a label with non-default settings. */
  record Variant(String label, UnlearningMethod method, Budget budget) {}

  /**
   * Extra rows beside every method at its defaults: FAMR with the paper's literal target (uniform
   * over all classes), to show why the default differs.
   */
  static List<Variant> variants() {
    return List.of(
        new Variant(
            "famr[uniform=all]", Methods.byName("famr"), Budget.empty().with("uniform", "all")));
  }

  /** CPU time of this process (all threads), in nanoseconds. */
  static long cpuNanos() {
    java.lang.management.OperatingSystemMXBean os =
        java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
      return sun.getProcessCpuTime();
    }
    return System.nanoTime();
  }

  private boolean wants(String method) {
    return options.methods().isEmpty() || options.methods().contains(method);
  }

  /** A seeded random {@code fraction} of the ids of {@code data}. */
  static Set<Long> randomIds(Dataset data, double fraction, long seed) {
    int n = (int) Math.round(data.size() * fraction);
    int[] order = DatasetSplit.shuffledIndices(data.size(), seed ^ 0xF0F0L);
    Set<Long> ids = new TreeSet<>();
    for (int i = 0; i < n; i++) {
      ids.add(data.id(order[i]));
    }
    return ids;
  }

  private void log(String format, Object... args) {
    out.println(String.format(Locale.ROOT, format, args));
    out.flush();
  }

  /**
   * The class table 1 forgets: the option's, or by default 3 (the published tables) or the last.
   */
  private int forgetClass(int classes) {
    if (options.forgetClass() != BenchmarkOptions.DEFAULT_FORGET_CLASS) {
      return options.forgetClass();
    }
    return classes > 3 ? 3 : classes - 1;
  }

  /** Parses command-line arguments into options (see {@link #usage()}). */
  public static BenchmarkOptions parse(String[] args) {
    BenchmarkOptions d = BenchmarkOptions.defaults();
    Path catalog = null;
    String modelId = null;
    Path images = null;
    Path labels = null;
    long seed = d.seed();
    Architecture arch = d.architecture();
    Path outDir = d.outputDir();
    List<String> methods = new ArrayList<>();
    int forgetClass = d.forgetClass();
    double fraction = d.forgetFraction();
    int epochs = d.epochs();
    int shards = d.sisaShards();
    int linear = d.linearSamples();
    boolean validation = false;
    boolean calibrate = d.calibrate();
    int calibrationBudget = d.calibrationBudget();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.equals("--eval-on-validation")) {
        validation = true;
        continue;
      }
      if (a.equals("--no-output")) {
        outDir = null;
        continue;
      }
      if (a.equals("--no-calibrate")) {
        calibrate = false;
        continue;
      }
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException("missing value after " + a + "\n" + usage());
      }
      String v = args[++i];
      switch (a) {
        case "--catalog" -> catalog = Path.of(v);
        case "--model" -> modelId = v;
        case "--images" -> images = Path.of(v);
        case "--labels" -> labels = Path.of(v);
        case "--seed" -> seed = Long.parseLong(v);
        case "--arch" -> arch = Architectures.byName(v);
        case "--out" -> outDir = Path.of(v);
        case "--methods" -> methods.addAll(Arrays.stream(v.split(",")).map(String::trim).toList());
        case "--forget-class" -> forgetClass = Integer.parseInt(v);
        case "--forget-fraction" -> fraction = Double.parseDouble(v);
        case "--epochs" -> epochs = Integer.parseInt(v);
        case "--shards" -> shards = Integer.parseInt(v);
        case "--linear-samples" -> linear = Integer.parseInt(v);
        case "--calibration-budget" -> calibrationBudget = Integer.parseInt(v);
        default -> throw new IllegalArgumentException("unknown option " + a + "\n" + usage());
      }
    }
    return new BenchmarkOptions(
        catalog,
        modelId,
        images,
        labels,
        seed,
        arch,
        outDir,
        methods,
        forgetClass,
        fraction,
        epochs,
        shards,
        linear,
        validation,
        calibrate,
        calibrationBudget);
  }

  /** Command-line help. */
  public static String usage() {
    return String.join(
        "\n",
        "usage: Benchmark [--catalog FILE --model ID | --images FILE --labels FILE]",
        "                 [--seed N] [--arch mlp|cnn]",
        "                 [--out DIR | --no-output] [--methods a,b,...] [--forget-class C]",
        "                 [--forget-fraction F] [--epochs N] [--shards N] [--linear-samples N]",
        "                 [--eval-on-validation] [--no-calibrate] [--calibration-budget N]");
  }

  /** Entry point for {@code exec:java}. */
  public static void main(String[] args) {
    Devices.ensureOffline();
    if (Arrays.asList(args).contains("--help")) {
      System.out.println(usage());
      return;
    }
    new Benchmark(parse(args), System.out).run();
  }
}
