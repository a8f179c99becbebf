package io.lethe.processor.engine.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lethe.processor.engine.method.ForgetScope;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class VerificationMetricsTest {

  @Test
  void jensenShannonMatchesHandComputedValues() {
    assertEquals(
        0.0, Verifier.jensenShannon(new float[] {0.3f, 0.7f}, new float[] {0.3f, 0.7f}), 1e-12);
    assertEquals(1.0, Verifier.jensenShannon(new float[] {1, 0}, new float[] {0, 1}), 1e-12);
    // p=(1/2,1/2), q=(1,0): m=(3/4,1/4);
    // JS = 1/2 [1/2 ln(2/3) + 1/2 ln 2] + 1/2 ln(4/3) nats = 0.215762 nats = 0.311278 bits
    assertEquals(
        0.311278, Verifier.jensenShannon(new float[] {0.5f, 0.5f}, new float[] {1, 0}), 1e-6);
    assertEquals(
        (1.0 + 0.0) / 2,
        Verifier.meanJensenShannon(
            new float[][] {{1, 0}, {0.5f, 0.5f}}, new float[][] {{0, 1}, {0.5f, 0.5f}}),
        1e-12);
  }

  @Test
  void avgGapAndParameterDistanceMatchHandComputedValues() {
    // |0.1-0.0| + |0.9-0.95| + |0.8-0.9| + |0.6-0.5| = 0.1+0.05+0.1+0.1 = 0.35; /4
    assertEquals(
        0.0875,
        Verifier.avgGap(new double[] {0.1, 0.9, 0.8, 0.6}, new double[] {0.0, 0.95, 0.9, 0.5}),
        1e-12);
    // ||(3,4)-(0,0)|| / ||(0,5)||... use a=(3,4), b=(0,5): diff (3,-1) -> sqrt(10)/5
    assertEquals(
        Math.sqrt(10) / 5,
        Verifier.relativeDistance(new float[] {3, 4}, new float[] {0, 5}),
        1e-12);
  }

  @Test
  void attackSeparatesSeparableSetsAndNotIdenticalOnes() {
    Random r = new Random(1);
    double[][] members = new double[200][];
    double[][] unseen = new double[200][];
    double[][] same = new double[200][];
    for (int i = 0; i < 200; i++) {
      members[i] = new double[] {0.01 * r.nextDouble(), 0.02 * r.nextDouble()};
      unseen[i] = new double[] {2 + r.nextDouble(), 1 + r.nextDouble()};
      same[i] = new double[] {0.01 * r.nextDouble(), 0.02 * r.nextDouble()};
    }
    assertEquals(1.0, MembershipInference.attack(members, unseen, 3), 1e-12);
    double chance = MembershipInference.attack(members, same, 3);
    assertTrue(Math.abs(chance - 0.5) < 0.1, "identical distributions scored " + chance);
    // a partially overlapping case: member losses ~U(0,1), unseen ~U(0.5,1.5): Bayes accuracy 0.75
    double[][] a = new double[2000][];
    double[][] b = new double[2000][];
    for (int i = 0; i < 2000; i++) {
      a[i] = new double[] {r.nextDouble(), 0};
      b[i] = new double[] {0.5 + r.nextDouble(), 0};
    }
    assertEquals(0.75, MembershipInference.attack(a, b, 5), 0.03);
  }

  @Test
  void policyNamesTheFailingChecks() {
    VerificationPolicy policy = VerificationPolicy.defaults();
    VerificationReport good =
        new VerificationReport(
                ForgetScope.CLASS,
                0.0,
                0.97,
                0.96,
                0.52,
                null,
                null,
                null,
                10L,
                null,
                100,
                900,
                0.98)
            // the parent still knew the class (UA 0.99): the forget-accuracy check could fail
            .withEvidence(new Evidence(false, 0.99, 0.96, 0.8, null));
    assertTrue(policy.evaluate(good).passed(), policy.evaluate(good).details().toString());
    VerificationReport bad =
        new VerificationReport(
            ForgetScope.CLASS, 0.4, 0.80, 0.78, 0.9, 0.2, null, null, 10L, null, 100, 900, 0.98);
    PolicyOutcome outcome = policy.evaluate(bad);
    assertEquals(PolicyOutcome.Status.FAILED, outcome.status());
    assertEquals(List.of("forget-accuracy", "mia", "retain-accuracy"), outcome.failedChecks());
    assertTrue(outcome.reason().contains("forget-accuracy"));
    PolicyOutcome withGap = policy.withMaxAvgGap(0.1).evaluate(bad);
    assertTrue(withGap.failedChecks().contains("avg-gap"));

    // 2000 samples all still right at 94 % test accuracy: remembered, beyond sampling error (10
    // would not tell: the exact oracle scores 10/10 more often than not).
    VerificationReport samplesRemembered =
        new VerificationReport(
            ForgetScope.SAMPLES,
            1.0,
            0.99,
            0.94,
            0.5,
            null,
            null,
            null,
            10L,
            null,
            2000,
            900,
            0.99);
    assertEquals(List.of("forget-accuracy"), policy.evaluate(samplesRemembered).failedChecks());
    VerificationReport samplesForgotten =
        new VerificationReport(
            ForgetScope.SAMPLES,
            0.95,
            0.99,
            0.94,
            0.53,
            null,
            null,
            null,
            10L,
            null,
            10,
            900,
            0.99);
    // Without the parent's figures nothing says the checks could have failed.
    assertEquals(
        PolicyOutcome.Status.INSUFFICIENT_EVIDENCE, policy.evaluate(samplesForgotten).status());
    assertTrue(
        policy
            .evaluate(samplesForgotten.withEvidence(new Evidence(true, 1.0, 0.94, 0.5, null)))
            .passed());
  }
}
