package io.lethe.processor.engine.verify;

import io.lethe.processor.engine.method.ForgetScope;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a {@link VerificationReport} into PASSED, FAILED or INSUFFICIENT_EVIDENCE. Checks (names as
 * reported):
 *
 * <ul>
 *   <li>{@code forget-accuracy}: CLASS scope: UA &le; {@code maxClassForgetAccuracy}; SAMPLES
 *       scope: UA &le; TA + {@code sampleForgetMargin} + 3 standard errors of UA (the retrained
 *       model's forget accuracy is about its test accuracy, so a forgotten sample should not score
 *       better than unseen ones beyond what the forget set's size can tell)
 *   <li>{@code mia}: |MIA - 0.5| &le; {@code miaTolerance} + 3 standard errors of a balanced attack
 *       on the samples it had (the smaller of the forget set and the unseen set: for a class, that
 *       class's test rows, which a small table has few of); for a handful of samples no attack can
 *       tell, and the check says so instead of failing an exact retrain on noise
 *   <li>{@code per-example}: SAMPLES scope below {@link PerExampleMembership#APPLIES_BELOW}
 *       samples, when reference models were trained: no more forget samples flagged by the
 *       per-example membership test than unseen samples would be by chance
 *   <li>{@code retain-accuracy}: RA &ge; original RA - {@code maxRetainDrop} (when the original's
 *       RA is known) and RA &ge; {@code minRetainAccuracy}
 *   <li>{@code avg-gap}: Avg Gap &le; {@code maxAvgGap} (only when an oracle was measured and the
 *       threshold is set)
 * </ul>
 *
 * <p>A failing check is FAILED. When all pass, the forgetting checks (the first three) must also
 * have been able to fail: each is applied to the parent too ({@link Evidence}), and the model
 * PASSES only if the parent fails at least one of them, or the model is exact by construction.
 * Otherwise the verdict is INSUFFICIENT_EVIDENCE. So the parent handed back unchanged never passes:
 * it fails every check the parent fails, and where the parent fails none there is no evidence. The
 * slack that lets an exact retrain pass on a handful of samples is exactly what makes a check blind
 * there; the per-example test is what sees into small forget sets.
 *
 * @param maxClassForgetAccuracy CLASS scope: highest accepted forget accuracy
 * @param sampleForgetMargin SAMPLES scope: how far UA may exceed TA
 * @param miaTolerance accepted distance of the attack's accuracy from 0.5
 * @param maxRetainDrop accepted fall of retain accuracy from the original's
 * @param minRetainAccuracy absolute floor of retain accuracy
 * @param maxAvgGap highest Avg Gap to the oracle, or null to skip the check
 * @param referenceModels reference models trained (each an exact retraining on the retain set) for
 *     the per-example test of a small SAMPLES forget set; 0 turns the test off (small forget sets
 *     then have no evidence beyond exact retraining); fewer than 2 cannot estimate a variance
 */
public record VerificationPolicy(
    double maxClassForgetAccuracy,
    double sampleForgetMargin,
    double miaTolerance,
    double maxRetainDrop,
    double minRetainAccuracy,
    Double maxAvgGap,
    int referenceModels) {

  /** Standard errors of slack for the sample-scope checks (about 99.9 % one-sided). */
  static final double Z = 3.0;

  /** Reference models by default: LiRA's smallest useful pool with a pooled variance. */
  public static final int DEFAULT_REFERENCE_MODELS = 4;

  public VerificationPolicy {
    if (referenceModels < 0 || referenceModels > 64) {
      throw new IllegalArgumentException(
          "referenceModels must be 0 (off) to 64, got " + referenceModels);
    }
    if (referenceModels == 1) {
      throw new IllegalArgumentException(
          "referenceModels must be 0 (off) or at least 2 (one model gives no variance)");
    }
  }

  /**
   * UA &le; 1 % (class), UA &le; TA + 3 points (samples), MIA within 0.1 of 0.5, RA drop &le; 5
   * pts, 4 reference models.
   */
  public static VerificationPolicy defaults() {
    return new VerificationPolicy(0.01, 0.03, 0.10, 0.05, 0.0, null, DEFAULT_REFERENCE_MODELS);
  }

  public VerificationPolicy withMaxAvgGap(Double value) {
    return new VerificationPolicy(
        maxClassForgetAccuracy,
        sampleForgetMargin,
        miaTolerance,
        maxRetainDrop,
        minRetainAccuracy,
        value,
        referenceModels);
  }

  public VerificationPolicy withMiaTolerance(double value) {
    return new VerificationPolicy(
        maxClassForgetAccuracy,
        sampleForgetMargin,
        value,
        maxRetainDrop,
        minRetainAccuracy,
        maxAvgGap,
        referenceModels);
  }

  public VerificationPolicy withMaxRetainDrop(double value) {
    return new VerificationPolicy(
        maxClassForgetAccuracy,
        sampleForgetMargin,
        miaTolerance,
        value,
        minRetainAccuracy,
        maxAvgGap,
        referenceModels);
  }

  public VerificationPolicy withMinRetainAccuracy(double value) {
    return new VerificationPolicy(
        maxClassForgetAccuracy,
        sampleForgetMargin,
        miaTolerance,
        maxRetainDrop,
        value,
        maxAvgGap,
        referenceModels);
  }

  public VerificationPolicy withReferenceModels(int value) {
    return new VerificationPolicy(
        maxClassForgetAccuracy,
        sampleForgetMargin,
        miaTolerance,
        maxRetainDrop,
        minRetainAccuracy,
        maxAvgGap,
        value);
  }

  /** One check's result. */
  private record Check(String name, boolean ok, String text) {}

  /** Applies every check, then asks whether the forgetting checks could have failed. */
  public PolicyOutcome evaluate(VerificationReport r) {
    Evidence e = r.evidence();
    PerExampleEvidence pe = e == null ? null : e.perExample();
    List<Check> checks =
        new ArrayList<>(
            forgetting(
                r.scope(),
                r.forgetAccuracy(),
                r.testAccuracy(),
                r.mia(),
                r.miaSamples(),
                r.forgetSetSize(),
                pe == null ? null : pe.passes(),
                pe == null ? "" : perExampleText(pe.flagged(), pe)));
    int forgettingChecks = checks.size();
    boolean retainOk = r.retainAccuracy() >= minRetainAccuracy;
    String retainText = String.format("RA %.4f >= %.4f", r.retainAccuracy(), minRetainAccuracy);
    if (r.originalRetainAccuracy() != null) {
      double floor = r.originalRetainAccuracy() - maxRetainDrop;
      retainOk &= r.retainAccuracy() >= floor;
      retainText +=
          String.format(" and >= original %.4f - %.4f", r.originalRetainAccuracy(), maxRetainDrop);
    }
    checks.add(new Check("retain-accuracy", retainOk, retainText));
    if (maxAvgGap != null && r.avgGap() != null) {
      checks.add(
          new Check(
              "avg-gap",
              r.avgGap() <= maxAvgGap,
              String.format("Avg Gap %.4f <= %.4f", r.avgGap(), maxAvgGap)));
    }
    boolean exact = e != null && e.exact();
    List<String> failed = new ArrayList<>();
    List<String> details = new ArrayList<>();
    for (int i = 0; i < checks.size(); i++) {
      Check c = checks.get(i);
      if (!c.ok() && exact && i < forgettingChecks) {
        // Exact retraining is forgetting by definition: a forgetting check that fails on it is
        // the check's false alarm (the per-example test flags a fresh retraining by chance, about
        // as often as its threshold allows), not a model that remembers. Only utility fails it.
        details.add("NOTE " + c.name() + " fails on exact retraining (a false alarm): " + c.text());
        continue;
      }
      if (!c.ok()) {
        failed.add(c.name());
      }
      details.add((c.ok() ? "PASS " : "FAIL ") + c.name() + ": " + c.text());
    }
    if (!failed.isEmpty()) {
      return new PolicyOutcome(PolicyOutcome.Status.FAILED, failed, details);
    }
    if (e == null) {
      details.add(
          "INSUFFICIENT evidence: the parent was not measured, so no check is known to see");
      return new PolicyOutcome(PolicyOutcome.Status.INSUFFICIENT_EVIDENCE, failed, details);
    }
    if (exact) {
      details.add("PASS evidence: exact retraining, built without the forget set");
      return new PolicyOutcome(PolicyOutcome.Status.PASSED, failed, details);
    }
    List<String> seeing =
        forgetting(
                r.scope(),
                e.parentForgetAccuracy(),
                e.parentTestAccuracy(),
                e.parentMia(),
                r.miaSamples(),
                r.forgetSetSize(),
                pe == null ? null : !pe.hasPower(),
                "")
            .stream()
            .filter(c -> !c.ok())
            .map(Check::name)
            .toList();
    if (!seeing.isEmpty()) {
      details.add("PASS evidence: the parent fails " + String.join(", ", seeing) + "; this passes");
      return new PolicyOutcome(PolicyOutcome.Status.PASSED, failed, details);
    }
    details.add(
        String.format(
            "INSUFFICIENT evidence: the parent passes every forgetting check too (UA %.4f, MIA"
                + " %.4f%s), so they cannot tell forgetting from none",
            e.parentForgetAccuracy(),
            e.parentMia(),
            pe == null
                ? ", no per-example test"
                : String.format(", per-example power %d/%d", pe.flaggedOnParent(), pe.samples())));
    return new PolicyOutcome(PolicyOutcome.Status.INSUFFICIENT_EVIDENCE, failed, details);
  }

  /**
   * The checks of forgetting on one model's figures.
   *
   * @param perExampleOk the per-example test's result on this model, or null when it did not run
   */
  /**
   * The sample-scope rule's highest accepted forget accuracy for {@code forgetSetSize} samples at
   * test accuracy {@code ta}: TA + {@code sampleForgetMargin} + 3 standard errors (the drift guard
   * re-tests earlier forgotten samples against the same rule).
   */
  public double sampleForgetLimit(double ta, int forgetSetSize) {
    return ta + sampleForgetMargin + Z * Math.sqrt(ta * (1 - ta) / Math.max(1, forgetSetSize));
  }

  private List<Check> forgetting(
      ForgetScope scope,
      double ua,
      double ta,
      double mia,
      int miaSamples,
      int forgetSetSize,
      Boolean perExampleOk,
      String perExampleText) {
    List<Check> out = new ArrayList<>();
    if (scope == ForgetScope.CLASS) {
      out.add(
          new Check(
              "forget-accuracy",
              ua <= maxClassForgetAccuracy,
              String.format("UA %.4f <= %.4f", ua, maxClassForgetAccuracy)));
    } else {
      double noise = Z * Math.sqrt(ta * (1 - ta) / Math.max(1, forgetSetSize));
      out.add(
          new Check(
              "forget-accuracy",
              ua <= sampleForgetLimit(ta, forgetSetSize),
              String.format(
                  "UA %.4f <= TA %.4f + %.4f + %.4f (sampling error of %d samples)",
                  ua, ta, sampleForgetMargin, noise, forgetSetSize)));
    }
    if (!Double.isNaN(mia)) {
      double noise = Z * Math.sqrt(0.25 / (2.0 * Math.max(1, miaSamples)));
      out.add(
          new Check(
              "mia",
              Math.abs(mia - 0.5) <= miaTolerance + noise,
              String.format("|MIA %.4f - 0.5| <= %.4f + %.4f", mia, miaTolerance, noise)));
    }
    if (perExampleOk != null) {
      out.add(new Check("per-example", perExampleOk, perExampleText));
    }
    return out;
  }

  private static String perExampleText(int flagged, PerExampleEvidence pe) {
    return String.format(
        "%d of %d samples flagged <= %d by chance (worst z %.2f, %d reference models; power: %d"
            + " flagged on the parent)",
        flagged,
        pe.samples(),
        pe.allowedFlags(),
        pe.worstScore(),
        pe.referenceModels(),
        pe.flaggedOnParent());
  }
}
