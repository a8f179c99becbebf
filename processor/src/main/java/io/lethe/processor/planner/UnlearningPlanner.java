package io.lethe.processor.planner;

import io.lethe.avro.VerificationMetrics;
import io.lethe.avro.VerificationStatus;
import io.lethe.processor.catalog.CatalogModel;
import io.lethe.processor.catalog.Escalation;
import io.lethe.processor.catalog.LiveCatalog;
import io.lethe.processor.catalog.MethodChoice;
import io.lethe.processor.catalog.ModelCatalog;
import io.lethe.processor.engine.calibrate.CalibrationInput;
import io.lethe.processor.engine.calibrate.CalibrationOptions;
import io.lethe.processor.engine.calibrate.CalibrationResult;
import io.lethe.processor.engine.calibrate.Calibrator;
import io.lethe.processor.engine.calibrate.Choice;
import io.lethe.processor.engine.data.Dataset;
import io.lethe.processor.engine.data.SubjectIndex;
import io.lethe.processor.engine.method.ForgetScope;
import io.lethe.processor.engine.method.Methods;
import io.lethe.processor.engine.method.UnlearningResult;
import io.lethe.processor.engine.method.UnlearningTask;
import io.lethe.processor.engine.model.ClassifierModel;
import io.lethe.processor.engine.model.Devices;
import io.lethe.processor.engine.model.Evaluator;
import io.lethe.processor.engine.model.ModelSpec;
import io.lethe.processor.engine.model.ModelTrainer;
import io.lethe.processor.engine.verify.DriftPolicy;
import io.lethe.processor.engine.verify.PerExampleEvidence;
import io.lethe.processor.engine.verify.PolicyOutcome;
import io.lethe.processor.engine.verify.ReferencePool;
import io.lethe.processor.engine.verify.VerificationReport;
import io.lethe.processor.engine.verify.Verifier;
import io.lethe.processor.worker.ForgetLedger;
import io.lethe.processor.worker.Unlearner;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Plans and runs the unlearning of a batch on a catalog model: builds the forget and retain sets
 * from the model's training rows and what its ledger already excludes, runs the model's method for
 * the scope, verifies the result against the model's held-out test set under its policy, and
 * escalates to exact retraining when verification fails or finds insufficient evidence of
 * forgetting (if the model's entry allows it). Without escalation, insufficient evidence is
 * published as NOT_VERIFIED, never as PASSED.
 *
 * <p>Validation data for methods that tune themselves (SLUG's step size) comes from the training
 * side, never the test set: a deterministic sample of the retain set ({@link #VALIDATION_SAMPLES}
 * rows at most, drawn with the batch's seed).
 */
public final class UnlearningPlanner implements Unlearner {
  private static final Logger log = LoggerFactory.getLogger(UnlearningPlanner.class);
  static final String EXACT = "retrain";

  /** Rows of the retain set handed to methods as validation data. */
  static final int VALIDATION_SAMPLES = 1000;

  /**
   * DJL allows one open GradientCollector per process: all training and unlearning, by any planner
   * (the worker's, a registration's onboarding), runs under this lock.
   */
  private static final Object ENGINE = new Object();

  private final LiveCatalog catalog;

  /** Version 1's outputs per model, kept for the drift check of every later version. */
  private final DriftGuard drift = new DriftGuard();

  public UnlearningPlanner(ModelCatalog catalog) {
    this(new LiveCatalog(catalog));
  }

  /** A planner over a catalog that may grow while it runs (models registered at run time). */
  public UnlearningPlanner(LiveCatalog catalog) {
    this.catalog = catalog;
  }

  @Override
  public List<String> modelIds() {
    return catalog.snapshot().ids();
  }

  @Override
  public void prepareThread() {
    Devices.prepareThread();
  }

  @Override
  public ModelFacts facts(String modelId) {
    CatalogModel model = catalog.snapshot().require(modelId);
    SubjectIndex subjects = model.subjects();
    Map<String, long[]> bySubject = new LinkedHashMap<>();
    for (String subject : subjects.subjects()) {
      bySubject.put(subject, subjects.samplesOf(subject));
    }
    return new ModelFacts(modelId, model.numClasses(), bySubject);
  }

  @Override
  public long[] samplesOf(String modelId, String subjectId) {
    return catalog.snapshot().require(modelId).subjects().samplesOf(subjectId);
  }

  /**
   * One pass over the training rows (the same cost as building a forget set); a class counts when
   * the training data holds at least one row of it.
   */
  @Override
  public Trained trainedOn(String modelId, Set<Long> sampleIds, Set<Integer> classLabels) {
    Dataset train = catalog.snapshot().require(modelId).train();
    Set<Long> found = new HashSet<>();
    if (!sampleIds.isEmpty()) {
      for (int i = 0; i < train.size() && found.size() < sampleIds.size(); i++) {
        if (sampleIds.contains(train.id(i))) {
          found.add(train.id(i));
        }
      }
    }
    int[] counts = train.classCounts();
    Set<Integer> classes = new HashSet<>();
    for (int c : classLabels) {
      if (c >= 0 && c < counts.length && counts[c] > 0) {
        classes.add(c);
      }
    }
    return new Trained(found, classes);
  }

  /**
   * Calibrates the model's unlearning on its own training rows ({@link Calibrator}) and, unless the
   * model's entry changed meanwhile, uses the choice from the next batch on. Runs under the engine
   * lock: batches wait for it.
   *
   * @param budgetRetrainings the cost bound, or null for the model's catalog budget
   * @param seed the seed of the simulated deletions, or null for the model's training seed
   */
  public Calibrated calibrate(
      String modelId, Integer budgetRetrainings, Long seed, Consumer<String> progress) {
    synchronized (ENGINE) {
      CatalogModel model = catalog.snapshot().require(modelId);
      int generation = catalog.generation(modelId).orElse(0);
      var entry = model.entry();
      Map<ForgetScope, String> pinned = new java.util.EnumMap<>(ForgetScope.class);
      if (!entry.calibration().searches(ForgetScope.CLASS)) {
        pinned.put(ForgetScope.CLASS, entry.classMethod().method());
      }
      if (!entry.calibration().searches(ForgetScope.SAMPLES)) {
        pinned.put(ForgetScope.SAMPLES, entry.sampleMethod().method());
      }
      CalibrationOptions options =
          new CalibrationOptions(
              budgetRetrainings == null
                  ? entry.calibration().budgetRetrainings()
                  : budgetRetrainings,
              seed == null ? entry.training().seed() : seed);
      CalibrationResult result =
          new Calibrator(options)
              .calibrate(
                  new CalibrationInput(
                      entry.architecture(),
                      model.train(),
                      model.subjects(),
                      model.data().standardization(),
                      entry.training().config(),
                      entry.training().seed(),
                      entry.verification(),
                      pinned,
                      entry.escalation() == Escalation.RETRAIN),
                  progress);
      if (result.status() == CalibrationResult.Status.CALIBRATED) {
        catalog.applyCalibration(
            modelId,
            generation,
            choiceOf(result, ForgetScope.CLASS),
            choiceOf(result, ForgetScope.SAMPLES));
      }
      return new Calibrated(modelId, generation, result);
    }
  }

  /** A calibration's result for the model's generation it ran on. */
  public record Calibrated(String modelId, int generation, CalibrationResult result) {}

  private static MethodChoice choiceOf(CalibrationResult result, ForgetScope scope) {
    Choice choice = result.choices().get(scope);
    return choice == null || choice.pinned()
        ? null
        : new MethodChoice(choice.method(), choice.settings());
  }

  @Override
  public Outcome trainInitial(String modelId, Consumer<String> progress) {
    synchronized (ENGINE) {
      return train(modelId, progress);
    }
  }

  private Outcome train(String modelId, Consumer<String> progress) {
    CatalogModel model = catalog.snapshot().require(modelId);
    var recipe = model.entry().training();
    long started = System.currentTimeMillis();
    ModelSpec spec =
        ModelTrainer.specFor(
                model.entry().architecture(), model.train(), recipe.config(), recipe.seed())
            .withInputStandardization(model.data().standardization());
    // Version 1: trained by Lethe, or (a model trained elsewhere) the user's model as given.
    try (ClassifierModel trained =
        spec.architecture()
            .initial(
                spec,
                model.train(),
                recipe.config(),
                recipe.seed(),
                (epoch, loss, acc) ->
                    progress.accept(
                        String.format(
                            "%s epoch %d/%d  loss %.4f  train accuracy %.4f",
                            modelId, epoch, recipe.config().epochs(), loss, acc)))) {
      long millis = System.currentTimeMillis() - started;
      double test = Evaluator.accuracy(trained, model.test());
      double train = Evaluator.accuracy(trained, model.train());
      VerificationMetrics metrics =
          VerificationMetrics.newBuilder()
              .setRetainAccuracy(train)
              .setTestAccuracy(test)
              .setRetainSetSize(model.train().size())
              .setDurationMillis(millis)
              .build();
      // A trained version is a good base when it learned something: better than the majority class.
      double chance = majorityShare(model.test());
      boolean usable = test > chance;
      return new Outcome(
          trained.toBytes(),
          usable ? VerificationStatus.PASSED : VerificationStatus.FAILED,
          usable
              ? null
              : String.format(
                  "test accuracy %.4f is no better than always answering the majority class (%.4f)",
                  test, chance),
          metrics,
          spec.architecture().initialMethod(),
          Devices.describe());
    }
  }

  /**
   * Unlearns a batch. A batch that names both classes and samples runs as two verified steps,
   * classes first, then the samples on the result: each is verified the way its scope must be (a
   * class's forget set against that class's unseen test data, samples against the test set), and
   * the version passes only if both do.
   */
  @Override
  public Outcome unlearn(Job job) {
    synchronized (ENGINE) {
      return plan(job);
    }
  }

  private Outcome plan(Job job) {
    CatalogModel model = catalog.snapshot().require(job.modelId());
    return guarded(model, job, unguarded(model, job));
  }

  private Outcome unguarded(CatalogModel model, Job job) {
    Set<Integer> newClasses = new HashSet<>(job.batchClassLabels());
    newClasses.removeAll(job.before().classLabels());
    if (newClasses.isEmpty()) {
      return step(model, job, job.currentWeights(), job.before(), job.after(), ForgetScope.SAMPLES);
    }
    ForgetLedger afterClasses = job.before().plus(List.of(), newClasses);
    Outcome classes =
        step(model, job, job.currentWeights(), job.before(), afterClasses, ForgetScope.CLASS);
    if (classes.status() != VerificationStatus.PASSED || afterClasses.equals(job.after())) {
      return classes;
    }
    Outcome samples =
        step(model, job, classes.weights(), afterClasses, job.after(), ForgetScope.SAMPLES);
    return new Outcome(
        samples.weights(),
        samples.status(),
        samples.failureReason(),
        samples.metrics(),
        classes.method() + "+" + samples.method(),
        samples.device());
  }

  /** Takes {@code weights}, which exclude {@code before}, to weights that exclude {@code after}. */
  private Outcome step(
      CatalogModel model,
      Job job,
      byte[] weights,
      ForgetLedger before,
      ForgetLedger after,
      ForgetScope scope) {
    Dataset train = model.train();
    // Views over the model's one copy of its data: only row positions are allocated.
    Dataset retain = train.filterIndices(i -> !excludes(after, train.id(i), train.label(i)));
    Dataset forget =
        train.filterIndices(
            i ->
                excludes(after, train.id(i), train.label(i))
                    && !excludes(before, train.id(i), train.label(i)));
    Set<Integer> classes = new TreeSet<>(after.classLabels());
    classes.removeAll(before.classLabels());
    long seed = seedOf(model, job.batchId());
    // Test data of classes forgotten earlier is no longer the model's business.
    Verifier verifier = new Verifier(model.test().withoutLabels(before.classLabels()), seed);
    if (forget.isEmpty()) {
      // Nothing this model learned from: the current weights already exclude the batch.
      log.info("Batch {} names no new sample of {}'s training set", job.batchId(), job.modelId());
      try (ClassifierModel current = ClassifierModel.fromBytes(weights)) {
        VerificationMetrics metrics =
            VerificationMetrics.newBuilder()
                .setRetainAccuracy(Evaluator.accuracy(current, retain))
                .setTestAccuracy(
                    Evaluator.accuracy(current, model.test().withoutLabels(after.classLabels())))
                .setRetainSetSize(retain.size())
                .build();
        return new Outcome(
            weights, VerificationStatus.PASSED, null, metrics, "none", Devices.describe());
      }
    }
    var entry = model.entry();
    MethodChoice method = scope == ForgetScope.CLASS ? entry.classMethod() : entry.sampleMethod();
    try (ClassifierModel current = ClassifierModel.fromBytes(weights)) {
      UnlearningTask task =
          new UnlearningTask(
                  current,
                  forget,
                  retain,
                  scope,
                  scope == ForgetScope.CLASS ? classes : Set.of(),
                  method.budget(),
                  // The training seed: exact retraining then reproduces the oracle, run after run.
                  entry.training().seed(),
                  entry.training().config(),
                  validationRows(retain, seed))
              // What earlier versions forgot stays out of the head, whatever this method does.
              .withRetiredClasses(before.classLabels());
      // One pool per batch, shared by the method's attempt and the escalation, closed with it.
      try (ReferencePool references = referencesFor(model, task, job.batchId())) {
        Outcome outcome = attempt(model, method.method(), task, verifier, references);
        if (outcome.status() != VerificationStatus.PASSED
            && !method.method().equals(EXACT)
            && entry.escalation() == Escalation.RETRAIN) {
          log.warn(
              "{} on batch {} was {} ({}); escalating to exact retraining",
              method.method(),
              job.batchId(),
              outcome.status(),
              outcome.failureReason());
          outcome =
              attempt(
                  model,
                  EXACT,
                  task.withBudget(MethodChoice.of(EXACT).budget()),
                  verifier,
                  references);
        }
        return outcome;
      }
    }
  }

  /**
   * The drift guard, after the batch's result is verified and applies (docs/engine.md): measures
   * the version against version 1 and the earlier forget sets, and when a bound is crossed (or the
   * periodic re-anchoring is due) replaces it by exact retraining on the cumulative retain set,
   * with the reason in its metrics. A model without a training recipe cannot be re-anchored: the
   * guard then only reports.
   */
  private Outcome guarded(CatalogModel model, Job job, Outcome outcome) {
    DriftPolicy policy = model.entry().driftGuard();
    if (!policy.enabled() || !applies(outcome.status())) {
      return outcome;
    }
    DriftGuard.Reading reading = readDrift(model, job, outcome.weights());
    String reason = reading.reanchorReason();
    if (reason == null) {
      return withDrift(outcome, reading, null);
    }
    // A version made by exact retraining is anchored already: retraining it again changes nothing,
    // but the reason is kept, so that an anchoring that was due is seen to have happened.
    if (outcome.method().endsWith(EXACT)) {
      return withDrift(outcome, reading, reason + "; the version is exact retraining already");
    }
    if (!canRetrain(model)) {
      log.warn(
          "Batch {}: drift bound crossed on {} ({}); no training recipe to re-anchor with",
          job.batchId(),
          job.modelId(),
          reason);
      return withDrift(outcome, reading, null);
    }
    log.info(
        "Batch {}: re-anchoring {} by exact retraining: {}", job.batchId(), job.modelId(), reason);
    Outcome exact = reanchor(model, job);
    if (exact == null || !applies(exact.status())) {
      log.warn(
          "Batch {}: the re-anchoring of {} did not verify ({}); the method's version stands",
          job.batchId(),
          job.modelId(),
          exact == null ? "nothing to retrain without" : exact.failureReason());
      return withDrift(outcome, reading, null);
    }
    return withDrift(exact, readDrift(model, job, exact.weights()), reason);
  }

  private DriftGuard.Reading readDrift(CatalogModel model, Job job, byte[] weights) {
    try (ClassifierModel version = ClassifierModel.fromBytes(weights)) {
      return drift.check(
          job.modelId(),
          job.firstWeights(),
          version,
          job.version(),
          model.train(),
          model.test(),
          job.before(),
          job.after(),
          model.entry().driftGuard(),
          model.entry().verification(),
          model.entry().training().seed());
    }
  }

  /**
   * Exact retraining on the cumulative retain set, verified as the batch's version; null when the
   * batch forgets nothing.
   */
  private Outcome reanchor(CatalogModel model, Job job) {
    Dataset train = model.train();
    ForgetLedger before = job.before();
    ForgetLedger after = job.after();
    Dataset retain = train.filterIndices(i -> !excludes(after, train.id(i), train.label(i)));
    Dataset forget =
        train.filterIndices(
            i ->
                excludes(after, train.id(i), train.label(i))
                    && !excludes(before, train.id(i), train.label(i)));
    if (forget.isEmpty()) {
      return null;
    }
    Set<Integer> classes = new TreeSet<>(after.classLabels());
    classes.removeAll(before.classLabels());
    long seed = seedOf(model, job.batchId());
    var entry = model.entry();
    Verifier verifier = new Verifier(model.test().withoutLabels(before.classLabels()), seed);
    try (ClassifierModel current = ClassifierModel.fromBytes(job.currentWeights())) {
      UnlearningTask task =
          new UnlearningTask(
                  current,
                  forget,
                  retain,
                  classes.isEmpty() ? ForgetScope.SAMPLES : ForgetScope.CLASS,
                  classes,
                  MethodChoice.of(EXACT).budget(),
                  entry.training().seed(),
                  entry.training().config(),
                  validationRows(retain, seed))
              .withRetiredClasses(before.classLabels());
      return attempt(model, EXACT, task, verifier, ReferencePool.empty());
    }
  }

  private static boolean canRetrain(CatalogModel model) {
    var entry = model.entry();
    return entry.architecture().trainedByLethe() || entry.escalation() == Escalation.RETRAIN;
  }

  private static boolean applies(VerificationStatus status) {
    return status == VerificationStatus.PASSED || status == VerificationStatus.NOT_VERIFIED;
  }

  /** The outcome with the drift guard's figures (and the re-anchoring's reason) in its metrics. */
  static Outcome withDrift(Outcome outcome, DriftGuard.Reading reading, String reanchorReason) {
    VerificationMetrics metrics =
        VerificationMetrics.newBuilder(outcome.metrics())
            .setDriftTestDrop(reading.testDrop())
            .setDriftEarlierForgetAccuracy(reading.earlierForgetAccuracy())
            .setDriftDivergence(reading.divergence())
            .setReanchorReason(reanchorReason)
            .build();
    return new Outcome(
        outcome.weights(),
        outcome.status(),
        outcome.failureReason(),
        metrics,
        outcome.method(),
        outcome.device());
  }

  /**
   * The reference models of the per-example test: for a small SAMPLES forget set, the policy's
   * number of exact retrainings on the retain set; none where the test does not apply or the model
   * has no recipe to retrain with (a model trained elsewhere without a training section).
   */
  private static ReferencePool referencesFor(
      CatalogModel model, UnlearningTask task, String batch) {
    var entry = model.entry();
    int size = entry.verification().referenceModels();
    if (size == 0 || !canRetrain(model) || !Verifier.perExampleApplies(task)) {
      return ReferencePool.empty();
    }
    ReferencePool pool = ReferencePool.train(task, size);
    log.info(
        "Batch {}: {} reference models for the per-example test of {} samples in {} ms",
        batch,
        pool.size(),
        task.forget().size(),
        pool.millis());
    return pool;
  }

  /**
   * The validation rows a method gets: from the training side (here the retain set), never the test
   * set; at most {@link #VALIDATION_SAMPLES}, drawn with the seed.
   */
  public static Dataset validationRows(Dataset retain, long seed) {
    return retain.sample(VALIDATION_SAMPLES, seed + 17);
  }

  private Outcome attempt(
      CatalogModel model,
      String methodName,
      UnlearningTask task,
      Verifier verifier,
      ReferencePool references) {
    try (UnlearningResult result = Methods.byName(methodName).unlearn(task)) {
      ClassifierModel oracle = null;
      Long oracleMillis = null;
      try {
        boolean exact = methodName.equals(EXACT);
        if (model.entry().oracle() && !exact) {
          long t0 = System.currentTimeMillis();
          UnlearningResult retrained =
              Methods.byName(EXACT).unlearn(task.withBudget(MethodChoice.of(EXACT).budget()));
          oracle = retrained.model();
          oracleMillis = System.currentTimeMillis() - t0;
        }
        VerificationReport report =
            verifier.verify(
                result.model(),
                task,
                result.wallTimeMillis(),
                oracle,
                oracleMillis,
                exact,
                references.models());
        PolicyOutcome verdict = model.entry().verification().evaluate(report);
        return new Outcome(
            result.model().toBytes(),
            statusOf(verdict),
            verdict.passed() ? null : verdict.reason(),
            toMetrics(report, verdict),
            result.method(),
            Devices.describe());
      } finally {
        if (oracle != null) {
          oracle.close();
        }
      }
    }
  }

  /**
   * A verdict as a version's status: insufficient evidence is NOT_VERIFIED, never PASSED. The
   * worker applies it (the model without the batch's data is better than the parent with it) and
   * the registry's certificate says its forgetting was not verified.
   */
  static VerificationStatus statusOf(PolicyOutcome verdict) {
    return switch (verdict.status()) {
      case PASSED -> VerificationStatus.PASSED;
      case FAILED -> VerificationStatus.FAILED;
      case INSUFFICIENT_EVIDENCE -> VerificationStatus.NOT_VERIFIED;
    };
  }

  /** The metrics' name for how the verdict on forgetting was reached (docs/engine.md). */
  static String evidenceOf(VerificationReport r, PolicyOutcome verdict) {
    if (r.evidence() != null && r.evidence().exact()) {
      return "exact";
    }
    return switch (verdict.status()) {
      case PASSED -> "sufficient";
      case INSUFFICIENT_EVIDENCE -> "insufficient";
      // A failing check is evidence too: of remembering (or of a broken model).
      case FAILED -> "failed";
    };
  }

  private static VerificationMetrics toMetrics(VerificationReport r, PolicyOutcome verdict) {
    PerExampleEvidence pe = r.evidence() == null ? null : r.evidence().perExample();
    return VerificationMetrics.newBuilder()
        .setForgetAccuracy(r.forgetSetSize() == 0 ? null : r.forgetAccuracy())
        .setRetainAccuracy(r.retainAccuracy())
        .setTestAccuracy(r.testAccuracy())
        .setMia(r.forgetSetSize() == 0 ? null : r.mia())
        .setAvgGap(r.avgGap())
        .setJsDivergence(r.jsDivergence())
        .setParameterDistance(r.parameterDistance())
        .setForgetSetSize(r.forgetSetSize())
        .setRetainSetSize(r.retainSetSize())
        .setDurationMillis(r.durationMillis() == null ? 0 : r.durationMillis())
        .setSpeedup(r.speedup())
        .setEvidence(evidenceOf(r, verdict))
        .setPerExampleReferenceModels(pe == null ? null : pe.referenceModels())
        .setPerExampleMeanScore(pe == null ? null : pe.meanScore())
        .setPerExampleWorstScore(pe == null ? null : pe.worstScore())
        .setPerExampleFlagged(pe == null ? null : pe.flaggedFraction())
        .setPerExamplePower(pe == null ? null : pe.power())
        .build();
  }

  /** Whether a version that excludes {@code ledger} must not have learned from this sample. */
  private static boolean excludes(ForgetLedger ledger, long sampleId, int label) {
    return ledger.sampleIds().contains(sampleId) || ledger.classLabels().contains(label);
  }

  private static double majorityShare(Dataset data) {
    int max = 0;
    for (int c : data.classCounts()) {
      max = Math.max(max, c);
    }
    return data.isEmpty() ? 0 : (double) max / data.size();
  }

  /** Deterministic per batch, so a re-run after a crash reproduces the same version. */
  private static long seedOf(CatalogModel model, String batchId) {
    return model.entry().training().seed() * 31 + batchId.hashCode();
  }
}
