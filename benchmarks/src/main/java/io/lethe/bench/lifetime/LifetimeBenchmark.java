package io.lethe.bench.lifetime;

import io.lethe.bench.lifetime.BatchPlan.Batch;
import io.lethe.bench.lifetime.BatchPlan.Kind;
import io.lethe.bench.lifetime.LifetimeRow.Figures;
import io.lethe.processor.engine.data.BuiltinDatasets;
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
import io.lethe.processor.engine.verify.DriftPolicy;
import io.lethe.processor.engine.verify.MembershipInference;
import io.lethe.processor.engine.verify.PolicyOutcome;
import io.lethe.processor.engine.verify.VerificationPolicy;
import io.lethe.processor.engine.verify.VerificationReport;
import io.lethe.processor.engine.verify.Verifier;
import io.lethe.processor.planner.DriftGuard;
import io.lethe.processor.planner.UnlearningPlanner;
import io.lethe.processor.worker.ForgetLedger;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Unlearning over a model's lifetime: applies a long, mixed sequence of deletion batches to the
 * latest version, step by step as the worker's planner does (forget set = what the batch newly
 * excludes, retain set = everything no batch has excluded, the scope's method, verification under
 * the default policy on the test rows of the classes still served, exact retraining when it fails),
 * and compares each version with the oracle retrained from scratch on the cumulative retain set.
 * Besides test and retain accuracy it re-tests every earlier forget set on the new version: an
 * earlier set recognized again is forgetting reversal.
 */
public final class LifetimeBenchmark {

  private final LifetimeOptions options;
  private final PrintStream out;
  private final Function<String, UnlearningMethod> methods;

  public LifetimeBenchmark(LifetimeOptions options, PrintStream progress) {
    this(options, progress, Methods::byName);
  }

  /** With a method lookup other than the registry's (tests plug in a no-op control). */
  LifetimeBenchmark(
      LifetimeOptions options, PrintStream progress, Function<String, UnlearningMethod> methods) {
    this.options = options;
    this.out = progress;
    this.methods = methods;
  }

  /** The rows of a run, and the original's test accuracy. */
  public record Result(double originalTestAccuracy, List<LifetimeRow> rows, List<Path> files) {}

  /** An earlier forget set, kept to be re-tested on every later version. */
  private record EarlierSet(Kind kind, Dataset rows) {}

  public Result run() {
    DatasetSplit split = DatasetSplit.of(BuiltinDatasets.mnist10k(), options.seed());
    Dataset train =
        options.trainSamples() > 0 && options.trainSamples() < split.train().size()
            ? split.train().subset(0, options.trainSamples())
            : split.train();
    Dataset test = split.test();
    TrainingConfig config = TrainingConfig.defaults().withEpochs(options.epochs());
    log(
        "lifetime: built-in MNIST-10k, train %d, test %d, %s, %d epochs, %d batches, oracle every"
            + " %d, methods %s (class) / %s (samples), escalation %s, drift guard %s; device %s",
        train.size(),
        test.size(),
        options.architecture().describe(),
        options.epochs(),
        options.batches(),
        options.oracleEvery(),
        options.classMethod(),
        options.sampleMethod(),
        options.escalate() ? "on" : "off",
        options.driftGuard()
            ? "on" + (options.reanchorEvery() > 0 ? ", every " + options.reanchorEvery() : "")
            : "off",
        Devices.describe());
    ClassifierModel original =
        ModelTrainer.train(options.architecture(), train, config, options.seed());
    double originalTest = Evaluator.accuracy(original, test);
    log("original: test accuracy %.4f", originalTest);

    BatchPlan plan = new BatchPlan(train, options);
    // The worker's guard, fed as the planner feeds it: version 1 is the original.
    DriftGuard guard = new DriftGuard();
    DriftPolicy driftPolicy = DriftPolicy.defaults().withReanchorEvery(options.reanchorEvery());
    byte[] firstWeights = options.driftGuard() ? original.toBytes() : null;
    ForgetLedger ledger = ForgetLedger.EMPTY;
    Set<Long> forgottenIds = new HashSet<>();
    Set<Integer> forgottenClasses = new TreeSet<>();
    List<EarlierSet> earlier = new ArrayList<>();
    List<LifetimeRow> rows = new ArrayList<>();
    List<Path> files = List.of();
    ClassifierModel current = original.copy();
    try (original) {
      for (int n = 1; n <= options.batches(); n++) {
        Batch batch = plan.next(n, forgottenIds, forgottenClasses);
        if (batch == null) {
          log("batch %d: nothing left to forget; stopping", n);
          break;
        }
        Set<Integer> before = Set.copyOf(forgottenClasses);
        if (batch.kind() == Kind.CLASS) {
          forgottenClasses.add(batch.forgetClass());
        } else {
          forgottenIds.addAll(batch.ids());
        }
        Set<Integer> classesNow = Set.copyOf(forgottenClasses);
        Dataset retain =
            train.filterIndices(
                i -> !forgottenIds.contains(train.id(i)) && !classesNow.contains(train.label(i)));
        Dataset forget =
            batch.kind() == Kind.CLASS
                ? train.withLabels(Set.of(batch.forgetClass())).withoutIds(forgottenIds)
                : train.onlyIds(batch.ids());
        ForgetScope scope = batch.kind() == Kind.CLASS ? ForgetScope.CLASS : ForgetScope.SAMPLES;
        Set<Integer> newClasses =
            batch.kind() == Kind.CLASS ? Set.of(batch.forgetClass()) : Set.of();
        long batchSeed = options.seed() * 31 + n;
        Verifier verifier = new Verifier(test.withoutLabels(before), batchSeed);
        String methodName =
            scope == ForgetScope.CLASS ? options.classMethod() : options.sampleMethod();
        UnlearningTask task =
            new UnlearningTask(
                    current,
                    forget,
                    retain,
                    scope,
                    newClasses,
                    Budget.empty(),
                    options.seed(),
                    config,
                    UnlearningPlanner.validationRows(retain, batchSeed))
                .withRetiredClasses(before);
        Step step = apply(methodName, task, verifier);
        ForgetLedger ledgerBefore = ledger;
        ledger =
            batch.kind() == Kind.CLASS
                ? ledger.plus(List.of(), Set.of(batch.forgetClass()))
                : ledger.plus(batch.ids(), List.of());
        DriftGuard.Reading drift = null;
        String reanchor = "";
        if (options.driftGuard()) {
          ForgetLedger ledgerAfter = ledger;
          int version = n + 1; // version 1 is the original
          Function<ClassifierModel, DriftGuard.Reading> read =
              m ->
                  guard.check(
                      "lifetime",
                      () -> firstWeights,
                      m,
                      version,
                      train,
                      test,
                      ledgerBefore,
                      ledgerAfter,
                      driftPolicy,
                      VerificationPolicy.defaults(),
                      options.seed());
          drift = read.apply(step.model());
          String reason = drift.reanchorReason();
          // A version made by exact retraining is anchored already.
          if (reason != null && !step.method().endsWith("retrain")) {
            UnlearningResult exact = methods.apply("retrain").unlearn(task);
            String exactVerdict = verdict(exact, task, verifier, true);
            step.model().close();
            step =
                new Step(
                    exact.model(),
                    step.method() + "->reanchor",
                    exactVerdict + " (" + step.policy() + ")",
                    step.millis() + exact.wallTimeMillis());
            reanchor = reason;
            drift = read.apply(step.model());
          }
        }
        current.close();
        current = step.model();

        Dataset samplesSoFar = train.onlyIds(forgottenIds).withoutLabels(classesNow);
        Figures chain =
            figures(
                current, verifier, task, test, classesNow, earlier, samplesSoFar, batchSeed, train);
        Figures oracleFigures = null;
        long oracleMillis = 0;
        if (n % options.oracleEvery() == 0 || n == options.batches()) {
          Dataset allForgotten =
              train.filterIndices(
                  i -> forgottenIds.contains(train.id(i)) || classesNow.contains(train.label(i)));
          UnlearningTask oracleTask =
              new UnlearningTask(
                  original,
                  allForgotten,
                  retain,
                  classesNow.isEmpty() ? ForgetScope.SAMPLES : ForgetScope.CLASS,
                  classesNow,
                  Budget.empty(),
                  options.seed(),
                  config,
                  null);
          try (UnlearningResult oracle = methods.apply("retrain").unlearn(oracleTask)) {
            oracleMillis = oracle.wallTimeMillis();
            oracleFigures =
                figures(
                    oracle.model(),
                    verifier,
                    task,
                    test,
                    classesNow,
                    earlier,
                    samplesSoFar,
                    batchSeed,
                    train);
          }
        }
        LifetimeRow row =
            new LifetimeRow(
                n,
                batch.kind(),
                forget.size(),
                retain.size(),
                step.method(),
                step.policy(),
                step.millis(),
                chain,
                oracleFigures,
                oracleMillis,
                drift,
                reanchor);
        rows.add(row);
        logRow(row);
        // Rewritten after every batch: a run stopped early leaves its batches so far on disk.
        files = writeReports(rows, originalTest);
        earlier.add(new EarlierSet(batch.kind(), forget));
      }
    } finally {
      current.close();
    }
    if (!files.isEmpty()) {
      log("wrote %s", files);
    }
    return new Result(originalTest, List.copyOf(rows), files);
  }

  private List<Path> writeReports(List<LifetimeRow> rows, double originalTest) {
    if (options.outputDir() == null) {
      return List.of();
    }
    try {
      return LifetimeReport.write(rows, options, originalTest, options.outputDir());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The new version, what made it, and the policy's verdict on it. */
  private record Step(ClassifierModel model, String method, String policy, long millis) {}

  /**
   * The planner's step: the scope's method, verified; exact retraining when a check fails. Unlike
   * the worker, the benchmark trains no per-example reference pool (four retrainings per batch), so
   * a small sample batch has insufficient evidence either way: it keeps the method's result (as a
   * worker with {@code escalation: none} publishes it NOT_VERIFIED) rather than retraining every
   * sample batch, which would measure retraining, not the method.
   */
  private Step apply(String methodName, UnlearningTask task, Verifier verifier) {
    boolean exactMethod = methodName.equals("retrain");
    UnlearningResult result = methods.apply(methodName).unlearn(task);
    String verdict = verdict(result, task, verifier, exactMethod);
    if (!verdict.startsWith("FAILED") || !options.escalate() || exactMethod) {
      return new Step(result.model(), methodName, verdict, result.wallTimeMillis());
    }
    result.close();
    UnlearningResult exact = methods.apply("retrain").unlearn(task);
    String exactVerdict = verdict(exact, task, verifier, true);
    return new Step(
        exact.model(),
        methodName + "->retrain",
        exactVerdict + " (" + methodName + " " + verdict + ")",
        exact.wallTimeMillis());
  }

  private static String verdict(
      UnlearningResult result, UnlearningTask task, Verifier verifier, boolean exact) {
    VerificationReport report =
        verifier.verify(
            result.model(), task, result.wallTimeMillis(), null, null, exact, List.of());
    PolicyOutcome outcome = VerificationPolicy.defaults().evaluate(report);
    return switch (outcome.status()) {
      case PASSED -> "PASSED";
      case FAILED -> "FAILED " + outcome.failedChecks();
      case INSUFFICIENT_EVIDENCE -> "NOT_VERIFIED (insufficient evidence)";
    };
  }

  private Figures figures(
      ClassifierModel model,
      Verifier verifier,
      UnlearningTask task,
      Dataset test,
      Set<Integer> classesNow,
      List<EarlierSet> earlier,
      Dataset samplesSoFar,
      long seed,
      Dataset train) {
    Verifier.Metrics m =
        verifier.measure(model, task.forget(), task.retain(), task.scope(), task.forgetClasses());
    Dataset testNow = test.withoutLabels(classesNow);
    double cumulativeMia =
        samplesSoFar.isEmpty()
            ? Double.NaN
            : MembershipInference.attack(
                Evaluator.evaluate(model, samplesSoFar), Evaluator.evaluate(model, testNow), seed);
    double earlierMax = Double.NaN;
    double classMax = Double.NaN;
    Set<Long> earlierSampleIds = new HashSet<>();
    for (EarlierSet set : earlier) {
      // Rows of a sample set whose class was forgotten later belong to that class's test.
      Dataset rows = set.kind() == Kind.CLASS ? set.rows() : set.rows().withoutLabels(classesNow);
      if (rows.isEmpty()) {
        continue;
      }
      double acc = Evaluator.accuracy(model, rows);
      earlierMax = Double.isNaN(earlierMax) ? acc : Math.max(earlierMax, acc);
      if (set.kind() == Kind.CLASS) {
        classMax = Double.isNaN(classMax) ? acc : Math.max(classMax, acc);
      } else {
        for (int i = 0; i < rows.size(); i++) {
          earlierSampleIds.add(rows.id(i));
        }
      }
    }
    double earlierSamples =
        earlierSampleIds.isEmpty()
            ? Double.NaN
            : Evaluator.accuracy(model, train.onlyIds(earlierSampleIds));
    return new Figures(
        m.testAccuracy(),
        m.retainAccuracy(),
        m.forgetAccuracy(),
        m.mia(),
        cumulativeMia,
        earlierMax,
        classMax,
        earlierSamples);
  }

  private void logRow(LifetimeRow r) {
    Figures c = r.chain();
    Figures o = r.oracle();
    log(
        "batch %3d %-8s forget %4d retain %5d %-16s TA %6.2f RA %6.2f earlier-class-max %6.2f"
            + " earlier-samples %6.2f MIA* %.3f%s  %s",
        r.batch(),
        r.kind().name().toLowerCase(Locale.ROOT),
        r.forgetSize(),
        r.retainSize(),
        r.method(),
        100 * c.testAccuracy(),
        100 * c.retainAccuracy(),
        100 * c.earlierClassMaxAccuracy(),
        100 * c.earlierSamplesAccuracy(),
        c.cumulativeMia(),
        o == null
            ? ""
            : String.format(
                Locale.ROOT,
                " | oracle TA %6.2f earlier-class-max %6.2f earlier-samples %6.2f MIA* %.3f",
                100 * o.testAccuracy(),
                100 * o.earlierClassMaxAccuracy(),
                100 * o.earlierSamplesAccuracy(),
                o.cumulativeMia()),
        r.policy() + (r.reanchor().isEmpty() ? "" : "  RE-ANCHORED: " + r.reanchor()));
  }

  private void log(String format, Object... args) {
    out.println(String.format(Locale.ROOT, format, args));
    out.flush();
  }
}
