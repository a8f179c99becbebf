package io.lethe.processor.engine.verify;

import io.lethe.processor.engine.data.Dataset;
import io.lethe.processor.engine.method.ForgetScope;
import io.lethe.processor.engine.method.UnlearningTask;
import io.lethe.processor.engine.model.ClassifierModel;
import io.lethe.processor.engine.model.Evaluator;
import io.lethe.processor.engine.model.Evaluator.Evaluation;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Computes a {@link VerificationReport}: forget/retain/test accuracy, a membership-inference attack
 * and, when a retrained oracle is given, the gaps to it.
 *
 * <p>For CLASS scope the test accuracy is measured on the test samples of the remaining classes,
 * and the attack's unseen samples are the test samples of the forgotten classes (the oracle has
 * seen neither, so it scores 0.5). For SAMPLES scope the attack uses the whole test set.
 */
public final class Verifier {

  private final Dataset test;
  private final long seed;

  /**
   * @param test unseen data (the test split)
   * @param seed seed of the attack's subsampling and folds
   */
  public Verifier(Dataset test, long seed) {
    this.test = Objects.requireNonNull(test, "test");
    this.seed = seed;
  }

  /** The metrics of a model alone, with no oracle to compare with. */
  public Metrics measure(
      ClassifierModel model,
      Dataset forget,
      Dataset retain,
      ForgetScope scope,
      Set<Integer> classes) {
    Dataset testRemaining = scope == ForgetScope.CLASS ? test.withoutLabels(classes) : test;
    Dataset testUnseen = scope == ForgetScope.CLASS ? test.withLabels(classes) : test;
    Evaluation f = Evaluator.evaluate(model, forget);
    Evaluation r = Evaluator.evaluate(model, retain);
    Evaluation t = Evaluator.evaluate(model, testRemaining);
    Evaluation u = testUnseen == testRemaining ? t : Evaluator.evaluate(model, testUnseen);
    double mia = MembershipInference.attack(f, u, seed);
    return new Metrics(f, r.accuracy(), t.accuracy(), mia, Math.min(f.size(), u.size()));
  }

  /**
   * Metrics of one model, plus its forget-set outputs for divergence computations.
   *
   * @param miaSamples samples per side the attack was balanced to
   */
  public record Metrics(
      Evaluation forgetEvaluation,
      double retainAccuracy,
      double testAccuracy,
      double mia,
      int miaSamples) {
    public double forgetAccuracy() {
      return forgetEvaluation.accuracy();
    }
  }

  /**
   * Verifies an unlearned model, with the parent's figures as evidence but no per-example test and
   * no claim of exactness.
   *
   * @param model the unlearned model
   * @param task the task it came from (forget/retain sets, scope, the original)
   * @param durationMillis the unlearning wall time, or null
   * @param oracle the retrained oracle model, or null when unaffordable
   * @param oracleMillis the oracle's retraining wall time, or null
   */
  public VerificationReport verify(
      ClassifierModel model,
      UnlearningTask task,
      Long durationMillis,
      ClassifierModel oracle,
      Long oracleMillis) {
    return verify(model, task, durationMillis, oracle, oracleMillis, false, List.of());
  }

  /**
   * Verifies an unlearned model, measuring the same figures on the parent ({@code task.original()})
   * to know which checks can see anything, and, for a SAMPLES forget set below {@link
   * PerExampleMembership#APPLIES_BELOW} samples with at least 2 reference models, the per-example
   * membership test.
   *
   * @param exact whether {@code model} was built without the forget set (exact retraining)
   * @param references models trained without the forget set (see {@link ReferencePool}); may be
   *     empty
   */
  public VerificationReport verify(
      ClassifierModel model,
      UnlearningTask task,
      Long durationMillis,
      ClassifierModel oracle,
      Long oracleMillis,
      boolean exact,
      List<ClassifierModel> references) {
    Metrics mine = measure(model, task.forget(), task.retain(), task.scope(), task.forgetClasses());
    Metrics ref =
        oracle == null
            ? null
            : measure(oracle, task.forget(), task.retain(), task.scope(), task.forgetClasses());
    Metrics parent =
        measure(task.original(), task.forget(), task.retain(), task.scope(), task.forgetClasses());
    PerExampleEvidence perExample = null;
    if (perExampleApplies(task) && references.size() >= 2) {
      List<Evaluation> refs = new ArrayList<>();
      for (ClassifierModel r : references) {
        refs.add(Evaluator.evaluate(r, task.forget()));
      }
      perExample =
          PerExampleMembership.score(refs, parent.forgetEvaluation(), mine.forgetEvaluation());
    }
    Evidence evidence =
        new Evidence(
            exact, parent.forgetAccuracy(), parent.testAccuracy(), parent.mia(), perExample);
    return report(
            mine, ref, model, oracle, task, durationMillis, oracleMillis, parent.retainAccuracy())
        .withEvidence(evidence);
  }

  /** Whether a task's forget set gets the per-example test: small, and samples not a class. */
  public static boolean perExampleApplies(UnlearningTask task) {
    return task.scope() == ForgetScope.SAMPLES
        && !task.forget().isEmpty()
        && task.forget().size() < PerExampleMembership.APPLIES_BELOW;
  }

  /** Builds a report from precomputed metrics (the benchmark reuses the oracle's). */
  public static VerificationReport report(
      Metrics mine,
      Metrics ref,
      ClassifierModel model,
      ClassifierModel oracle,
      UnlearningTask task,
      Long durationMillis,
      Long oracleMillis,
      Double originalRetainAccuracy) {
    Double avgGap = null;
    Double js = null;
    Double distance = null;
    if (ref != null) {
      avgGap =
          avgGap(
              new double[] {
                mine.forgetAccuracy(), mine.retainAccuracy, mine.testAccuracy, mine.mia
              },
              new double[] {ref.forgetAccuracy(), ref.retainAccuracy, ref.testAccuracy, ref.mia});
      js =
          meanJensenShannon(
              mine.forgetEvaluation().probabilities(), ref.forgetEvaluation().probabilities());
      // Parameter distance means something only where the exact solution is unique: linear models.
      if (model.linearFeatureMap().isPresent() && oracle.linearFeatureMap().isPresent()) {
        distance =
            relativeDistance(model.flatTrainableParameters(), oracle.flatTrainableParameters());
      }
    }
    Double speedup =
        durationMillis != null && oracleMillis != null
            ? (double) oracleMillis / Math.max(1L, durationMillis)
            : null;
    return new VerificationReport(
        task.scope(),
        mine.forgetAccuracy(),
        mine.retainAccuracy,
        mine.testAccuracy,
        mine.mia,
        avgGap,
        js,
        distance,
        durationMillis,
        speedup,
        task.forget().size(),
        task.retain().size(),
        originalRetainAccuracy,
        mine.miaSamples(),
        null);
  }

  /** Mean absolute difference of paired metrics (NaN entries are skipped). */
  public static double avgGap(double[] a, double[] b) {
    double s = 0;
    int n = 0;
    for (int i = 0; i < a.length; i++) {
      if (!Double.isNaN(a[i]) && !Double.isNaN(b[i])) {
        s += Math.abs(a[i] - b[i]);
        n++;
      }
    }
    return n == 0 ? Double.NaN : s / n;
  }

  /** Jensen-Shannon divergence in bits (base 2) between two distributions; in [0, 1]. */
  public static double jensenShannon(float[] p, float[] q) {
    double s = 0;
    for (int i = 0; i < p.length; i++) {
      double m = 0.5 * (p[i] + q[i]);
      if (p[i] > 0) {
        s += 0.5 * p[i] * Math.log(p[i] / m);
      }
      if (q[i] > 0) {
        s += 0.5 * q[i] * Math.log(q[i] / m);
      }
    }
    return Math.max(0, s / Math.log(2));
  }

  /** Mean Jensen-Shannon divergence over paired rows; NaN when there are none. */
  public static double meanJensenShannon(float[][] p, float[][] q) {
    if (p.length != q.length) {
      throw new IllegalArgumentException(
          "different numbers of rows: " + p.length + ", " + q.length);
    }
    if (p.length == 0) {
      return Double.NaN;
    }
    double s = 0;
    for (int i = 0; i < p.length; i++) {
      s += jensenShannon(p[i], q[i]);
    }
    return s / p.length;
  }

  /** {@code ||a - b|| / ||b||}. */
  public static double relativeDistance(float[] a, float[] b) {
    if (a.length != b.length) {
      throw new IllegalArgumentException("different sizes: " + a.length + ", " + b.length);
    }
    double diff = 0;
    double norm = 0;
    for (int i = 0; i < a.length; i++) {
      double d = (double) a[i] - b[i];
      diff += d * d;
      norm += (double) b[i] * b[i];
    }
    return Math.sqrt(diff) / Math.sqrt(norm);
  }
}
