package io.lethe.processor.planner;

import io.lethe.processor.engine.data.Dataset;
import io.lethe.processor.engine.model.ClassifierModel;
import io.lethe.processor.engine.model.Evaluator;
import io.lethe.processor.engine.model.Evaluator.Evaluation;
import io.lethe.processor.engine.verify.DriftPolicy;
import io.lethe.processor.engine.verify.VerificationPolicy;
import io.lethe.processor.engine.verify.Verifier;
import io.lethe.processor.worker.ForgetLedger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Estimates a version's drift without the oracle, and says whether it must be re-anchored ({@link
 * DriftPolicy}): its held-out test accuracy against the model's first version on the classes both
 * still serve, every earlier forget set of the ledger re-tested (each forgotten class's training
 * rows, and the earlier forgotten samples together), and the Jensen-Shannon divergence of its
 * outputs from version 1's on a fixed reference set of retained training rows.
 *
 * <p>Version 1 is evaluated once per model and only its outputs are kept (its predictions on the
 * test rows, its probabilities on the reference rows): a check then costs one evaluation of the new
 * version on those rows and on the earlier forget sets. Knows nothing of Kafka; the planner and the
 * lifetime benchmark call it the same way.
 */
public final class DriftGuard {
  private static final Logger log = LoggerFactory.getLogger(DriftGuard.class);

  /**
   * Version 1's outputs, per model id: an id's data and model never change (a re-registration that
   * changes them is refused), so neither does its version 1.
   */
  private final Map<String, Baseline> baselines = new ConcurrentHashMap<>();

  /**
   * @param testPredictions version 1's prediction on each test row, in the test set's order
   * @param referenceIds the training rows of the reference set
   * @param referenceProbabilities version 1's output on each of them
   */
  private record Baseline(
      int[] testPredictions, long[] referenceIds, float[][] referenceProbabilities) {}

  /**
   * What the guard measured on one version.
   *
   * @param testDrop version 1's test accuracy minus this version's, on the classes both serve; null
   *     when version 1 was not available
   * @param earlierForgetAccuracy the highest accuracy on an earlier forget set; null when there was
   *     none
   * @param divergence mean JS divergence (bits) from version 1 on the reference rows; null when
   *     version 1 was not available
   * @param reasons the bounds crossed (and the periodic re-anchoring when due); empty: none
   */
  public record Reading(
      Double testDrop, Double earlierForgetAccuracy, Double divergence, List<String> reasons) {
    public Reading {
      reasons = List.copyOf(reasons);
    }

    /** Why the version must be re-anchored, or null when it need not be. */
    public String reanchorReason() {
      return reasons.isEmpty() ? null : String.join("; ", reasons);
    }
  }

  /**
   * Measures {@code model} (the new version, which excludes {@code after}).
   *
   * @param key the model's id: version 1's outputs are cached under it
   * @param first version 1's weights, read only when they are not cached; null or failing: the
   *     comparisons with version 1 are skipped (the earlier forget sets are still re-tested)
   * @param version the new version's number (for the periodic re-anchoring; 0 when unknown)
   * @param before what the parent excluded: the earlier forget sets
   * @param seed the model's seed (draws the reference rows)
   */
  public Reading check(
      String key,
      Supplier<byte[]> first,
      ClassifierModel model,
      int version,
      Dataset train,
      Dataset test,
      ForgetLedger before,
      ForgetLedger after,
      DriftPolicy policy,
      VerificationPolicy verification,
      long seed) {
    List<String> reasons = new ArrayList<>();
    Set<Integer> gone = after.classLabels();
    Dataset served = test.withoutLabels(gone);
    Evaluation now = Evaluator.evaluate(model, served);
    Baseline base = baseline(key, first, train, test, policy, seed);
    Double testDrop = null;
    Double divergence = null;
    if (base != null) {
      int correct = 0;
      int n = 0;
      for (int i = 0; i < test.size(); i++) {
        if (!gone.contains(test.label(i))) {
          n++;
          correct += base.testPredictions()[i] == test.label(i) ? 1 : 0;
        }
      }
      if (n > 0) {
        double p1 = (double) correct / n;
        testDrop = p1 - now.accuracy();
        double allowed =
            policy.maxTestDrop() + policy.sampleErrorZ() * Math.sqrt(p1 * (1 - p1) / n);
        if (testDrop > allowed) {
          reasons.add(
              fmt("test drop %.4f > %.4f (version 1 %.4f on %d rows)", testDrop, allowed, p1, n));
        }
      }
      divergence = divergence(base, model, train, after);
      if (divergence != null
          && policy.maxDivergence() != null
          && divergence > policy.maxDivergence()) {
        reasons.add(fmt("divergence %.4f > %.4f bits", divergence, policy.maxDivergence()));
      }
    }
    Double earlier = null;
    for (int c : before.classLabels()) {
      Dataset rows = train.withLabels(Set.of(c));
      if (rows.isEmpty()) {
        continue;
      }
      double acc = Evaluator.accuracy(model, rows);
      earlier = earlier == null ? acc : Math.max(earlier, acc);
      if (acc > verification.maxClassForgetAccuracy()) {
        reasons.add(
            fmt(
                "earlier class %d recognized at %.4f > %.4f",
                c, acc, verification.maxClassForgetAccuracy()));
      }
    }
    Set<Long> samples = before.sampleIds();
    Dataset earlierSamples =
        samples.isEmpty()
            ? train.subset(0, 0)
            : train.filterIndices(
                i -> samples.contains(train.id(i)) && !gone.contains(train.label(i)));
    if (!earlierSamples.isEmpty() && !served.isEmpty()) {
      double acc = Evaluator.accuracy(model, earlierSamples);
      earlier = earlier == null ? acc : Math.max(earlier, acc);
      double limit = verification.sampleForgetLimit(now.accuracy(), earlierSamples.size());
      if (acc > limit) {
        reasons.add(
            fmt(
                "earlier samples (%d) recognized at %.4f > %.4f",
                earlierSamples.size(), acc, limit));
      }
    }
    if (policy.periodicAt(version)) {
      reasons.add(fmt("every %d versions (version %d)", policy.reanchorEvery(), version));
    }
    return new Reading(testDrop, earlier, divergence, reasons);
  }

  /** Mean JS divergence from version 1 on the reference rows still retained; null when none. */
  private static Double divergence(
      Baseline base, ClassifierModel model, Dataset train, ForgetLedger after) {
    Map<Long, Integer> position = new HashMap<>();
    for (int k = 0; k < base.referenceIds().length; k++) {
      if (!after.sampleIds().contains(base.referenceIds()[k])) {
        position.put(base.referenceIds()[k], k);
      }
    }
    // One pass over the training rows, as for a forget set: a view, no features copied.
    Dataset rows =
        train.filterIndices(
            i ->
                position.containsKey(train.id(i)) && !after.classLabels().contains(train.label(i)));
    if (rows.isEmpty()) {
      return null;
    }
    float[][] first = new float[rows.size()][];
    for (int i = 0; i < rows.size(); i++) {
      first[i] = base.referenceProbabilities()[position.get(rows.id(i))];
    }
    return Verifier.meanJensenShannon(first, Evaluator.evaluate(model, rows).probabilities());
  }

  private Baseline baseline(
      String key,
      Supplier<byte[]> first,
      Dataset train,
      Dataset test,
      DriftPolicy policy,
      long seed) {
    Baseline cached = baselines.get(key);
    if (cached != null || first == null) {
      return cached;
    }
    byte[] weights;
    try {
      weights = first.get();
    } catch (RuntimeException e) {
      // The guard then re-tests the earlier forget sets only; the version is not held back.
      log.warn("Drift guard of {}: version 1 is not available ({})", key, e.getMessage());
      return null;
    }
    if (weights == null) {
      return null;
    }
    Dataset reference = train.sample(policy.referenceRows(), seed + 29);
    try (ClassifierModel v1 = ClassifierModel.fromBytes(weights)) {
      Baseline made =
          new Baseline(
              Evaluator.evaluate(v1, test).predictions(),
              reference.ids(),
              Evaluator.evaluate(v1, reference).probabilities());
      baselines.put(key, made);
      return made;
    }
  }

  private static String fmt(String format, Object... args) {
    return String.format(Locale.ROOT, format, args);
  }
}
