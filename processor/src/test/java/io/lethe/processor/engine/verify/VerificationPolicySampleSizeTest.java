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
    PolicyOutcome outcome = policy.evaluate(samples(1.0, 0.94, 0.69, 7));
    assertTrue(outcome.passed(), outcome.details().toString());
  }

  @Test
  void aLargeForgetSetThatStillScoresAboveUnseenDataFails() {
    PolicyOutcome outcome = policy.evaluate(samples(1.0, 0.94, 0.69, 1000));
    assertFalse(outcome.passed());
    assertEquals(List.of("forget-accuracy", "mia"), outcome.failedChecks());
  }

  @Test
  void aLargeForgetSetAtTestAccuracyWithAChanceAttackPasses() {
    assertTrue(policy.evaluate(samples(0.945, 0.94, 0.52, 1000)).passed());
  }
}
