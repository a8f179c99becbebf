package io.lethe.processor.engine.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lethe.processor.engine.model.Evaluator.Evaluation;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The per-example test's arithmetic on hand-made losses. */
class PerExampleScoreTest {

  /** An evaluation whose samples have these logit-scaled confidences. */
  private static Evaluation withPhi(double... phi) {
    float[] losses = new float[phi.length];
    for (int i = 0; i < phi.length; i++) {
      // p = sigmoid(phi); loss = -log p
      losses[i] = (float) Math.log1p(Math.exp(-phi[i]));
    }
    return new Evaluation(
        new float[phi.length][], losses, new int[phi.length], new int[phi.length]);
  }

  @Test
  void phiInvertsTheLoss() {
    assertEquals(0.0, PerExampleMembership.phi((float) Math.log(2)), 1e-6);
    assertEquals(3.0, PerExampleMembership.phi((float) Math.log1p(Math.exp(-3))), 1e-4);
  }

  @Test
  void aModelLikeTheReferencesIsNotFlaggedAndOneFarAboveThemIs() {
    // References: per-sample means 0, 1, 2, 3 with deviations -1, +1, 0 (pooled sigma 1).
    List<Evaluation> refs = List.of(withPhi(-1, 0, 1, 2), withPhi(1, 2, 3, 4), withPhi(0, 1, 2, 3));
    Evaluation parent = withPhi(9, 10, 11, 12);
    PerExampleEvidence like = PerExampleMembership.score(refs, parent, withPhi(0, 1, 2, 3));
    assertEquals(1.0, like.sigma(), 1e-4);
    assertEquals(0, like.flagged());
    assertEquals(0.0, like.meanScore(), 1e-4);
    assertEquals(4, like.flaggedOnParent());
    assertEquals(1, like.allowedFlags());
    assertTrue(like.passes());
    assertTrue(like.hasPower());
    assertEquals(1.0, like.power(), 1e-12);

    // z = 9 / (1 * sqrt(1 + 1/3)) = 7.79 on every sample: flagged, worst case reported.
    PerExampleEvidence parentAsResult = PerExampleMembership.score(refs, parent, parent);
    assertEquals(4, parentAsResult.flagged());
    assertFalse(parentAsResult.passes());
    assertEquals(9 / Math.sqrt(4.0 / 3), parentAsResult.worstScore(), 1e-3);
    // Over-forgetting is visible too: far below the references.
    assertEquals(4, PerExampleMembership.score(refs, parent, withPhi(-9, -8, -7, -6)).flagged());
  }

  @Test
  void allowanceGrowsWithTheForgetSetAndOneReferenceIsRefused() {
    assertEquals(0, PerExampleMembership.allowedFlags(1));
    assertEquals(0, PerExampleMembership.allowedFlags(3));
    assertEquals(2, PerExampleMembership.allowedFlags(20));
    assertEquals(7, PerExampleMembership.allowedFlags(99));
    assertThrows(
        IllegalArgumentException.class,
        () -> PerExampleMembership.score(List.of(withPhi(1)), withPhi(1), withPhi(1)));
  }
}
