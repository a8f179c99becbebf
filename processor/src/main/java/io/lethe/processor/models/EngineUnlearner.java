package io.lethe.processor.models;

import io.lethe.avro.VerificationMetrics;
import io.lethe.avro.VerificationStatus;
import io.lethe.processor.engine.data.BuiltinDatasets;
import io.lethe.processor.engine.data.Dataset;
import io.lethe.processor.engine.data.DatasetSplit;
import io.lethe.processor.engine.data.IdxReader;
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
import io.lethe.processor.engine.verify.PolicyOutcome;
import io.lethe.processor.engine.verify.VerificationPolicy;
import io.lethe.processor.engine.verify.VerificationReport;
import io.lethe.processor.engine.verify.Verifier;
import io.lethe.processor.topology.ModelDirectory;
import io.lethe.processor.worker.ForgetLedger;
import io.lethe.processor.worker.Unlearner;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Connects the worker to the engine: builds each batch's forget and retain sets from the model's
 * data and ledger, runs the model's method, verifies, and escalates to exact retraining when
 * verification fails. Also the directory of known models for the topology.
 */
public final class EngineUnlearner implements Unlearner, ModelDirectory {
  private static final Logger log = LoggerFactory.getLogger(EngineUnlearner.class);
  private static final String EXACT = "retrain";

  private final Map<String, ManagedModel> models = new LinkedHashMap<>();
  private final Map<String, DatasetSplit> splits = new ConcurrentHashMap<>();
  private final VerificationPolicy policy;

  public EngineUnlearner(List<ManagedModel> models, VerificationPolicy policy) {
    for (ManagedModel m : models) {
      this.models.put(m.modelId(), m);
    }
    this.policy = policy;
  }

  @Override
  public List<String> modelIds() {
    return List.copyOf(models.keySet());
  }

  @Override
  public Optional<ModelInfo> find(String modelId) {
    ManagedModel model = models.get(modelId);
    return model == null
        ? Optional.empty()
        : Optional.of(new ModelInfo(modelId, split(model).train().numClasses()));
  }

  @Override
  public ModelFacts facts(String modelId) {
    DatasetSplit split = split(require(modelId));
    return new ModelFacts(modelId, split.train().numClasses(), split.train().idSet());
  }

  @Override
  public Outcome trainInitial(String modelId, Consumer<String> progress) {
    ManagedModel model = require(modelId);
    DatasetSplit split = split(model);
    long started = System.currentTimeMillis();
    try (ClassifierModel trained =
        ModelTrainer.train(
            model.architecture(),
            split.train(),
            model.training(),
            model.seed(),
            (epoch, loss, acc) ->
                progress.accept(
                    String.format(
                        "%s epoch %d/%d  loss %.4f  train accuracy %.4f",
                        modelId, epoch, model.training().epochs(), loss, acc)))) {
      long millis = System.currentTimeMillis() - started;
      double test = Evaluator.accuracy(trained, split.test());
      double train = Evaluator.accuracy(trained, split.train());
      VerificationMetrics metrics =
          VerificationMetrics.newBuilder()
              .setRetainAccuracy(train)
              .setTestAccuracy(test)
              .setRetainSetSize(split.train().size())
              .setDurationMillis(millis)
              .build();
      // A trained version is a good base when it learned something: twice chance, at least.
      boolean usable = test >= 2.0 / split.train().numClasses();
      return new Outcome(
          trained.toBytes(),
          usable ? VerificationStatus.PASSED : VerificationStatus.FAILED,
          usable ? null : "test accuracy " + test + " is too low to serve",
          metrics,
          "train",
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
    ManagedModel model = require(job.modelId());
    DatasetSplit split = split(model);
    Set<Integer> newClasses = new HashSet<>(job.batchClassLabels());
    newClasses.removeAll(job.before().classLabels());
    if (newClasses.isEmpty()) {
      return step(
          model, split, job, job.currentWeights(), job.before(), job.after(), ForgetScope.SAMPLES);
    }
    ForgetLedger afterClasses = job.before().plus(List.of(), newClasses);
    Outcome classes =
        step(
            model, split, job, job.currentWeights(), job.before(), afterClasses, ForgetScope.CLASS);
    if (classes.status() != VerificationStatus.PASSED || afterClasses.equals(job.after())) {
      return classes;
    }
    Outcome samples =
        step(model, split, job, classes.weights(), afterClasses, job.after(), ForgetScope.SAMPLES);
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
      ManagedModel model,
      DatasetSplit split,
      Job job,
      byte[] weights,
      ForgetLedger before,
      ForgetLedger after,
      ForgetScope scope) {
    Dataset train = split.train();
    Dataset retain = train.withoutIds(after.sampleIds()).withoutLabels(after.classLabels());
    Set<Long> newlyForgotten = new HashSet<>(train.idSet());
    newlyForgotten.removeAll(retain.idSet());
    newlyForgotten.removeAll(forgottenBy(train, before));
    Dataset forget = train.onlyIds(newlyForgotten);
    Set<Integer> classes = new HashSet<>(after.classLabels());
    classes.removeAll(before.classLabels());
    // Test data of classes forgotten earlier is no longer the model's business.
    Verifier verifier =
        new Verifier(
            split.test().withoutLabels(before.classLabels()), seedOf(model, job.batchId()));
    if (forget.isEmpty()) {
      // Nothing this model learned from: the current weights already exclude the batch.
      log.info("Batch {} names no new sample of {}'s training set", job.batchId(), job.modelId());
      try (ClassifierModel current = ClassifierModel.fromBytes(weights)) {
        VerificationMetrics metrics =
            VerificationMetrics.newBuilder()
                .setRetainAccuracy(Evaluator.accuracy(current, retain))
                .setTestAccuracy(
                    Evaluator.accuracy(current, split.test().withoutLabels(after.classLabels())))
                .setRetainSetSize(retain.size())
                .build();
        return new Outcome(
            weights, VerificationStatus.PASSED, null, metrics, "none", Devices.describe());
      }
    }
    String method = scope == ForgetScope.CLASS ? model.classMethod() : model.sampleMethod();
    try (ClassifierModel current = ClassifierModel.fromBytes(weights)) {
      UnlearningTask task =
          new UnlearningTask(
              current,
              forget,
              retain,
              scope,
              scope == ForgetScope.CLASS ? classes : Set.of(),
              Budget.empty(),
              // The training seed: exact retraining then reproduces the oracle, run after run.
              model.seed(),
              model.training(),
              split.validation());
      Outcome outcome = attempt(model, method, task, verifier);
      if (outcome.status() != VerificationStatus.PASSED && !method.equals(EXACT)) {
        log.warn(
            "{} on batch {} failed verification ({}); escalating to exact retraining",
            method,
            job.batchId(),
            outcome.failureReason());
        outcome = attempt(model, EXACT, task, verifier);
      }
      return outcome;
    }
  }

  private Outcome attempt(
      ManagedModel model, String methodName, UnlearningTask task, Verifier verifier) {
    UnlearningMethod method = Methods.byName(methodName);
    try (UnlearningResult result = method.unlearn(task)) {
      ClassifierModel oracle = null;
      Long oracleMillis = null;
      try {
        if (model.withOracle() && !methodName.equals(EXACT)) {
          long t0 = System.currentTimeMillis();
          UnlearningResult exact = Methods.byName(EXACT).unlearn(task);
          oracle = exact.model();
          oracleMillis = System.currentTimeMillis() - t0;
        }
        VerificationReport report =
            verifier.verify(result.model(), task, result.wallTimeMillis(), oracle, oracleMillis);
        PolicyOutcome verdict = policy.evaluate(report);
        return new Outcome(
            result.model().toBytes(),
            verdict.passed() ? VerificationStatus.PASSED : VerificationStatus.FAILED,
            verdict.passed() ? null : verdict.reason(),
            toMetrics(report),
            result.method(),
            Devices.describe());
      } finally {
        if (oracle != null) {
          oracle.close();
        }
      }
    }
  }

  private static VerificationMetrics toMetrics(VerificationReport r) {
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
        .build();
  }

  private static Set<Long> forgottenBy(Dataset train, ForgetLedger ledger) {
    Set<Long> ids = new HashSet<>(ledger.sampleIds());
    ids.addAll(train.withLabels(ledger.classLabels()).idSet());
    return ids;
  }

  /** Deterministic per batch, so a re-run after a crash reproduces the same version. */
  private static long seedOf(ManagedModel model, String batchId) {
    return model.seed() * 31 + batchId.hashCode();
  }

  private ManagedModel require(String modelId) {
    ManagedModel model = models.get(modelId);
    if (model == null) {
      throw new IllegalArgumentException("unknown model '" + modelId + "'");
    }
    return model;
  }

  private DatasetSplit split(ManagedModel model) {
    return splits.computeIfAbsent(
        model.modelId(),
        id -> {
          Dataset data =
              model.images() == null
                  ? BuiltinDatasets.mnist10k()
                  : IdxReader.read(model.images(), model.labels());
          return DatasetSplit.of(data, model.seed());
        });
  }
}
