package io.lethe.processor.engine.method;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lethe.processor.engine.EngineFixtures;
import io.lethe.processor.engine.data.Dataset;
import io.lethe.processor.engine.model.ClassifierModel;
import io.lethe.processor.engine.verify.VerificationPolicy;
import io.lethe.processor.engine.verify.VerificationReport;
import io.lethe.processor.engine.verify.Verifier;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RetrainTest {

  @Test
  void retrainingForgetsAClassAndPassesThePolicy() {
    Dataset train = EngineFixtures.smallTrain(1500);
    Dataset test = EngineFixtures.smallTest(600);
    try (ClassifierModel original = EngineFixtures.quickMlp(train)) {
      UnlearningTask task =
          UnlearningTask.forgetClasses(original, train, Set.of(3), EngineFixtures.SEED)
              .withTrainingConfig(EngineFixtures.quickConfig());
      Verifier verifier = new Verifier(test, 1);
      VerificationReport before = verifier.verify(original, task, null, null, null);
      assertTrue(before.forgetAccuracy() > 0.8, "original should know class 3");
      try (UnlearningResult result = Methods.byName("retrain").unlearn(task)) {
        assertEquals("retrain", result.method());
        VerificationReport after =
            verifier.verify(
                result.model(),
                task,
                result.wallTimeMillis(),
                result.model(),
                result.wallTimeMillis());
        assertEquals(0.0, after.forgetAccuracy(), 1e-12);
        assertTrue(after.retainAccuracy() > 0.9);
        assertEquals(0.0, after.avgGap(), 1e-12);
        assertEquals(0.0, after.jsDivergence(), 1e-12);
        assertTrue(
            VerificationPolicy.defaults().withMiaTolerance(0.15).evaluate(after).passed(),
            () -> VerificationPolicy.defaults().evaluate(after).reason());
        assertNotEquals(original.sha256(), result.model().sha256());
      }
    }
  }

  @Test
  void unknownMethodNamesListTheKnownOnes() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Methods.byName("nope"));
    assertTrue(e.getMessage().contains("retrain"), e.getMessage());
  }
}
