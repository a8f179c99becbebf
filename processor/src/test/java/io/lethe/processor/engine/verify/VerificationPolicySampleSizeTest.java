package io.lethe.processor.engine.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lethe.processor.engine.method.ForgetScope;
import java.util.List;
import org.junit.jupiter.api.Test;

class VerificationPolicySampleSizeTest {
  private final VerificationPolicy policy = VerificationPolicy.defaults();

  private static VerificationReport samples(double ua, double ta, double mia, int n) {
    return new VerificationReport(
        ForgetScope.SAMPLES, ua, 0.97, ta, mia, null, null, null, 1000L, null, n, 7000, 0.97);
  }

  @Test
  void aHandfulOfEasySamplesAllRightIsWhatTheExactOracleGivesAndPasses() {
    // 7 forgotten digits all still classified right: 0.94^7 = 65 % likely for the oracle itself.
    VerificationReport sevenRight = samples(1.0, 0.94, 0.69, 7);
    PolicyOutcome outcome =
        policy.evaluate(sevenRight.withEvidence(new Evidence(true, 1.0, 0.94, 0.69, null)));
    assertTrue(outcome.passed(), outcome.details().toString());
    // The same figures from an approximate method whose parent scored the same: the checks are
    // blind here (the parent passes them), so this is no evidence of forgetting.
    PolicyOutcome blind =
        policy.evaluate(sevenRight.withEvidence(new Evidence(false, 1.0, 0.94, 0.69, null)));
    assertEquals(PolicyOutcome.Status.INSUFFICIENT_EVIDENCE, blind.status(), blind.reason());
  }

  @Test
  void aLargeForgetSetThatStillScoresAboveUnseenDataFails() {
    PolicyOutcome outcome = policy.evaluate(samples(1.0, 0.94, 0.69, 1000));
    assertFalse(outcome.passed());
    assertEquals(List.of("forget-accuracy", "mia"), outcome.failedChecks());
  }

  @Test
  void aLargeForgetSetAtTestAccuracyWithAChanceAttackPasses() {
    // The parent had all 1000 right: the forget-accuracy check can see them, and this passes it.
    PolicyOutcome outcome =
        policy.evaluate(
            samples(0.945, 0.94, 0.52, 1000)
                .withEvidence(new Evidence(false, 1.0, 0.94, 0.69, null)));
    assertTrue(outcome.passed(), outcome.details().toString());
  }
}
