package io.lethe.processor.engine.verify;

import io.lethe.processor.engine.method.ForgetScope;

/**
 * The verification metrics of one model version. Accuracies and MIA are fractions in [0, 1].
 * Oracle-relative fields are null when no retrained oracle was available.
 *
 * @param scope what was forgotten
 * @param forgetAccuracy UA: accuracy on the forget set
 * @param retainAccuracy RA: accuracy on the retain set
 * @param testAccuracy TA: test accuracy (CLASS scope: on the test samples of the remaining classes)
 * @param mia membership-inference attack accuracy, forget vs unseen test samples (0.5 = chance)
 * @param avgGap mean |difference| to the oracle over UA, RA, TA and MIA (fraction), or null
 * @param jsDivergence mean Jensen-Shannon divergence (base 2, in [0, 1]) between this model's and
 *     the oracle's output distributions on the forget set, or null
 * @param parameterDistance ||w - w_oracle|| / ||w_oracle|| over the trainable weights (meaningful
 *     for the linear setting where both share the initial weights), or null
 * @param durationMillis wall time of the unlearning, or null
 * @param speedup oracle retraining time / this method's time, or null
 * @param forgetSetSize number of forget samples
 * @param retainSetSize number of retain samples
 * @param originalRetainAccuracy retain accuracy of the model before unlearning, or null
 * @param miaSamples samples per side of the membership attack (the smaller of the forget set and
 *     the unseen set it is compared with): what its accuracy's sampling error depends on
 * @param evidence the parent's figures and the per-example test, or null when not measured (the
 *     policy then cannot say the model forgot: INSUFFICIENT_EVIDENCE at best)
 */
public record VerificationReport(
    ForgetScope scope,
    double forgetAccuracy,
    double retainAccuracy,
    double testAccuracy,
    double mia,
    Double avgGap,
    Double jsDivergence,
    Double parameterDistance,
    Long durationMillis,
    Double speedup,
    int forgetSetSize,
    int retainSetSize,
    Double originalRetainAccuracy,
    int miaSamples,
    Evidence evidence) {

  /** A report whose attack used the whole forget set (as many unseen samples as forgotten). */
  public VerificationReport(
      ForgetScope scope,
      double forgetAccuracy,
      double retainAccuracy,
      double testAccuracy,
      double mia,
      Double avgGap,
      Double jsDivergence,
      Double parameterDistance,
      Long durationMillis,
      Double speedup,
      int forgetSetSize,
      int retainSetSize,
      Double originalRetainAccuracy) {
    this(
        scope,
        forgetAccuracy,
        retainAccuracy,
        testAccuracy,
        mia,
        avgGap,
        jsDivergence,
        parameterDistance,
        durationMillis,
        speedup,
        forgetSetSize,
        retainSetSize,
        originalRetainAccuracy,
        forgetSetSize,
        null);
  }

  /** This report with the evidence of what it can tell. */
  public VerificationReport withEvidence(Evidence value) {
    return new VerificationReport(
        scope,
        forgetAccuracy,
        retainAccuracy,
        testAccuracy,
        mia,
        avgGap,
        jsDivergence,
        parameterDistance,
        durationMillis,
        speedup,
        forgetSetSize,
        retainSetSize,
        originalRetainAccuracy,
        miaSamples,
        value);
  }
}
