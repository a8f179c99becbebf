package io.lethe.processor.engine.verify;

import io.lethe.processor.engine.method.ForgetScope;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a {@link VerificationReport} into PASSED / FAILED. Checks (names as reported):
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
 *   <li>{@code retain-accuracy}: RA &ge; original RA - {@code maxRetainDrop} (when the original's
 *       RA is known) and RA &ge; {@code minRetainAccuracy}
 *   <li>{@code avg-gap}: Avg Gap &le; {@code maxAvgGap} (only when an oracle was measured and the
 *       threshold is set)
 * </ul>
 *
 * @param maxClassForgetAccuracy CLASS scope: highest accepted forget accuracy
 * @param sampleForgetMargin SAMPLES scope: how far UA may exceed TA
 * @param miaTolerance accepted distance of the attack's accuracy from 0.5
 * @param maxRetainDrop accepted fall of retain accuracy from the original's
 * @param minRetainAccuracy absolute floor of retain accuracy
 * @param maxAvgGap highest Avg Gap to the oracle, or null to skip the check
 */
public record VerificationPolicy(
    double maxClassForgetAccuracy,
    double sampleForgetMargin,
    double miaTolerance,
    double maxRetainDrop,
    double minRetainAccuracy,
    Double maxAvgGap) {

  /** Standard errors of slack for the sample-scope checks (about 99.9 % one-sided). */
  static final double Z = 3.0;

  /**
   * UA &le; 1 % (class), UA &le; TA + 3 points (samples), MIA within 0.1 of 0.5, RA drop &le; 5
   * pts.
   */
  public static VerificationPolicy defaults() {
    return new VerificationPolicy(0.01, 0.03, 0.10, 0.05, 0.0, null);
  }

  public VerificationPolicy withMaxAvgGap(Double value) {
    return new VerificationPolicy(
        maxClassForgetAccuracy,
        sampleForgetMargin,
        miaTolerance,
        maxRetainDrop,
        minRetainAccuracy,
        value);
  }

  public VerificationPolicy withMiaTolerance(double value) {
    return new VerificationPolicy(
        maxClassForgetAccuracy,
        sampleForgetMargin,
        value,
        maxRetainDrop,
        minRetainAccuracy,
        maxAvgGap);
  }

  public VerificationPolicy withMaxRetainDrop(double value) {
    return new VerificationPolicy(
        maxClassForgetAccuracy,
        sampleForgetMargin,
        miaTolerance,
        value,
        minRetainAccuracy,
        maxAvgGap);
  }

  /** Applies every check. */
  public PolicyOutcome evaluate(VerificationReport r) {
    List<String> failed = new ArrayList<>();
    List<String> details = new ArrayList<>();
    if (r.scope() == ForgetScope.CLASS) {
      check(
          "forget-accuracy",
          r.forgetAccuracy() <= maxClassForgetAccuracy,
          String.format("UA %.4f <= %.4f", r.forgetAccuracy(), maxClassForgetAccuracy),
          failed,
          details);
    } else {
      double ta = r.testAccuracy();
      double noise = Z * Math.sqrt(ta * (1 - ta) / Math.max(1, r.forgetSetSize()));
      check(
          "forget-accuracy",
          r.forgetAccuracy() <= ta + sampleForgetMargin + noise,
          String.format(
              "UA %.4f <= TA %.4f + %.4f + %.4f (sampling error of %d samples)",
              r.forgetAccuracy(), ta, sampleForgetMargin, noise, r.forgetSetSize()),
          failed,
          details);
    }
    if (!Double.isNaN(r.mia())) {
      double noise = Z * Math.sqrt(0.25 / (2.0 * Math.max(1, r.miaSamples())));
      check(
          "mia",
          Math.abs(r.mia() - 0.5) <= miaTolerance + noise,
          String.format("|MIA %.4f - 0.5| <= %.4f + %.4f", r.mia(), miaTolerance, noise),
          failed,
          details);
    }
    boolean retainOk = r.retainAccuracy() >= minRetainAccuracy;
    String retainText = String.format("RA %.4f >= %.4f", r.retainAccuracy(), minRetainAccuracy);
    if (r.originalRetainAccuracy() != null) {
      double floor = r.originalRetainAccuracy() - maxRetainDrop;
      retainOk &= r.retainAccuracy() >= floor;
      retainText +=
          String.format(" and >= original %.4f - %.4f", r.originalRetainAccuracy(), maxRetainDrop);
    }
    check("retain-accuracy", retainOk, retainText, failed, details);
    if (maxAvgGap != null && r.avgGap() != null) {
      check(
          "avg-gap",
          r.avgGap() <= maxAvgGap,
          String.format("Avg Gap %.4f <= %.4f", r.avgGap(), maxAvgGap),
          failed,
          details);
    }
    return new PolicyOutcome(
        failed.isEmpty() ? PolicyOutcome.Status.PASSED : PolicyOutcome.Status.FAILED,
        failed,
        details);
  }

  private static void check(
      String name, boolean ok, String text, List<String> failed, List<String> details) {
    if (!ok) {
      failed.add(name);
    }
    details.add((ok ? "PASS " : "FAIL ") + name + ": " + text);
  }
}
