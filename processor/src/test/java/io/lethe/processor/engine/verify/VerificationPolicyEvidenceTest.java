package io.lethe.processor.engine.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lethe.processor.engine.method.ForgetScope;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The rule that makes verification able to fail: a model whose figures are its parent's (the parent
 * handed back) is never PASSED, over forget-set sizes, accuracies and per-example results; the same
 * figures from exact retraining are.
 */
class VerificationPolicyEvidenceTest {
  private final VerificationPolicy policy = VerificationPolicy.defaults();

  private static VerificationReport report(double ua, double ta, double mia, int n) {
    return new VerificationReport(
        ForgetScope.SAMPLES, ua, 0.99, ta, mia, null, null, null, 10L, null, n, 7000, 0.99);
  }

  @ParameterizedTest(name = "{0} samples, UA {1}, TA {2}, MIA {3}, flagged {4}")
  @CsvSource({
    "1, 1.0, 0.96, NaN, 0",
    "1, 1.0, 0.96, NaN, 1",
    "5, 1.0, 0.96, 0.7, 0",
    "5, 1.0, 0.96, 0.7, 3",
    "20, 1.0, 0.96, 0.6, 0",
    "20, 0.95, 0.96, 0.55, 6",
    "100, 1.0, 0.96, 0.55, -1",
    "1000, 1.0, 0.96, 0.52, -1",
    "1000, 1.0, 0.90, 0.65, -1"
  })
  void theParentAsTheResultIsNeverPassedAndExactRetrainingWithTheSameFiguresIs(
      int n, double ua, double ta, double mia, int flagged) {
    PerExampleEvidence pe =
        flagged < 0
            ? null
            : new PerExampleEvidence(
                n, 4, 0.5, 3.0, flagged, flagged, PerExampleMembership.allowedFlags(n), 1.0);
    VerificationReport parentAsResult = report(ua, ta, mia, n);
    PolicyOutcome noOp =
        policy.evaluate(parentAsResult.withEvidence(new Evidence(false, ua, ta, mia, pe)));
    assertNotEquals(PolicyOutcome.Status.PASSED, noOp.status(), noOp.details().toString());
    // Control: where every check passes, exact retraining with these figures passes.
    if (noOp.status() == PolicyOutcome.Status.INSUFFICIENT_EVIDENCE) {
      PolicyOutcome exact =
          policy.evaluate(parentAsResult.withEvidence(new Evidence(true, ua, ta, mia, pe)));
      assertEquals(PolicyOutcome.Status.PASSED, exact.status(), exact.details().toString());
      assertTrue(noOp.reason().startsWith("INSUFFICIENT evidence"), noOp.reason());
    }
  }

  @ParameterizedTest(name = "{0} samples")
  @CsvSource({"1", "5", "20", "99"})
  void aMethodThatUnflagsWhatTheParentRemembersPasses(int n) {
    int allowed = PerExampleMembership.allowedFlags(n);
    PerExampleEvidence forgotten = new PerExampleEvidence(n, 4, 0.1, 1.2, 0, n, allowed, 1.0);
    PolicyOutcome outcome =
        policy.evaluate(
            report(1.0, 0.96, Double.NaN, n)
                .withEvidence(new Evidence(false, 1.0, 0.96, Double.NaN, forgotten)));
    assertEquals(PolicyOutcome.Status.PASSED, outcome.status(), outcome.details().toString());
    // Control: the same model with the parent's flags left is FAILED by the per-example check.
    PerExampleEvidence remembered = new PerExampleEvidence(n, 4, 3.1, 4.0, n, n, allowed, 1.0);
    PolicyOutcome failed =
        policy.evaluate(
            report(1.0, 0.96, Double.NaN, n)
                .withEvidence(new Evidence(false, 1.0, 0.96, Double.NaN, remembered)));
    assertEquals(PolicyOutcome.Status.FAILED, failed.status());
    assertEquals(java.util.List.of("per-example"), failed.failedChecks());
  }

  @ParameterizedTest(name = "{0} samples")
  @CsvSource({"1", "5", "20"})
  void aForgettingCheckFailingOnExactRetrainingIsAFalseAlarmNotAFailure(int n) {
    // Every sample flagged: what a chance flag of a fresh retraining looks like at its worst.
    PerExampleEvidence flagged =
        new PerExampleEvidence(n, 4, 2.8, 3.0, n, 0, PerExampleMembership.allowedFlags(n), 0.0);
    PolicyOutcome exact =
        policy.evaluate(
            report(1.0, 0.96, Double.NaN, n)
                .withEvidence(new Evidence(true, 1.0, 0.96, Double.NaN, flagged)));
    assertEquals(PolicyOutcome.Status.PASSED, exact.status(), exact.details().toString());
    assertTrue(exact.details().toString().contains("false alarm"), exact.details().toString());
    // Control: the same figures from an approximate method are FAILED by that check.
    PolicyOutcome approximate =
        policy.evaluate(
            report(1.0, 0.96, Double.NaN, n)
                .withEvidence(new Evidence(false, 1.0, 0.96, Double.NaN, flagged)));
    assertEquals(PolicyOutcome.Status.FAILED, approximate.status());
    // Utility still fails exact retraining: a retrain that cannot keep the retain set is FAILED.
    VerificationReport poor =
        new VerificationReport(
            ForgetScope.SAMPLES,
            1.0,
            0.10,
            0.96,
            Double.NaN,
            null,
            null,
            null,
            10L,
            null,
            n,
            7000,
            0.99);
    assertEquals(
        PolicyOutcome.Status.FAILED,
        policy
            .evaluate(poor.withEvidence(new Evidence(true, 1.0, 0.96, Double.NaN, flagged)))
            .status());
  }
}
