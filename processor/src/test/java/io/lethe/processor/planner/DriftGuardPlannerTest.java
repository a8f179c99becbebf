package io.lethe.processor.planner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lethe.avro.VerificationStatus;
import io.lethe.processor.catalog.BuiltinCatalog;
import io.lethe.processor.catalog.Escalation;
import io.lethe.processor.catalog.MethodChoice;
import io.lethe.processor.catalog.ModelCatalog;
import io.lethe.processor.engine.data.Dataset;
import io.lethe.processor.engine.verify.DriftPolicy;
import io.lethe.processor.worker.ForgetLedger;
import io.lethe.processor.worker.Unlearner;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The drift guard in the planner: an eroding method whose every result passes the batch's own
 * checks is caught against version 1 and re-anchored by exact retraining, the reason in the
 * version's metrics (control: guard off, the eroded version is published); and {@code
 * reanchorEvery: 3} re-anchors versions 4 and 7 and no other.
 */
class DriftGuardPlannerTest {
  @TempDir Path dir;

  /**
   * Fine-tuning at ten times its default rate costs about 3.5 points of test accuracy in one
   * version: within the verification's retain-accuracy allowance (5 points from the parent), so the
   * batch's checks accept it; beyond what version 1's test set allows (1 point + 2 standard
   * errors), so the guard does not.
   */
  @Test
  void anErodedVersionIsReanchoredByExactRetrainingAndSaysWhy() {
    String id = BuiltinCatalog.MNIST_MLP;
    MethodChoice eroding = new MethodChoice("finetune", Map.of("lr", "1e-2", "epochs", "1"));
    ModelCatalog base =
        BuiltinCatalog.load(dir)
            .withEntry(
                id,
                e ->
                    e.withEpochs(4)
                        .withEscalation(Escalation.NONE)
                        .withVerification(e.verification().withReferenceModels(0))
                        .withMethods(e.classMethod(), eroding));
    Unlearner.Outcome v1 = new UnlearningPlanner(base).trainInitial(id, line -> {});
    Dataset train = base.require(id).train();
    Set<Long> rows = Set.of(train.id(1), train.id(2), train.id(3));
    Unlearner.Job job =
        new Unlearner.Job(
            id,
            "b-erode",
            v1.weights(),
            ForgetLedger.EMPTY,
            ForgetLedger.EMPTY.plus(rows, List.of()),
            rows,
            Set.of(),
            2,
            v1::weights);
    double v1Test = v1.metrics().getTestAccuracy();

    Unlearner.Outcome off =
        new UnlearningPlanner(base.withEntry(id, e -> e.withDriftGuard(DriftPolicy.off())))
            .unlearn(job);
    // Control: the batch's own checks accept the eroded version, and the guard is what sees it.
    assertEquals(VerificationStatus.NOT_VERIFIED, off.status(), off.failureReason());
    assertEquals("finetune", off.method());
    assertTrue(v1Test - off.metrics().getTestAccuracy() > 0.02, off.metrics().toString());
    assertNull(off.metrics().getReanchorReason());
    assertNull(off.metrics().getDriftTestDrop(), "guard off: no drift figures");

    Unlearner.Outcome on = new UnlearningPlanner(base).unlearn(job);
    assertEquals(VerificationStatus.PASSED, on.status(), on.failureReason());
    assertEquals("retrain", on.method());
    String reason = on.metrics().getReanchorReason();
    assertNotNull(reason);
    assertTrue(reason.startsWith("test drop "), reason);
    // The figures describe the published, re-anchored version.
    assertTrue(on.metrics().getDriftTestDrop() < 0.01, on.metrics().toString());
    assertNotNull(on.metrics().getDriftDivergence());
  }

  @Test
  void reanchorEvery3ReanchorsVersions4And7() {
    String id = BuiltinCatalog.PATIENTS_MLP;
    ModelCatalog catalog =
        BuiltinCatalog.loadExamples(dir)
            .withEntry(
                id,
                e ->
                    e.withEpochs(15)
                        .withEscalation(Escalation.NONE)
                        .withVerification(e.verification().withReferenceModels(0))
                        .withDriftGuard(DriftPolicy.defaults().withReanchorEvery(3)));
    UnlearningPlanner planner = new UnlearningPlanner(catalog);
    Unlearner.Outcome v1 = planner.trainInitial(id, line -> {});
    Dataset train = catalog.require(id).train();
    byte[] weights = v1.weights();
    ForgetLedger before = ForgetLedger.EMPTY;
    for (int version = 2; version <= 7; version++) {
      Set<Long> rows = Set.of(train.id(2 * version), train.id(2 * version + 1));
      ForgetLedger after = before.plus(rows, List.of());
      Unlearner.Outcome out =
          planner.unlearn(
              new Unlearner.Job(
                  id, "b" + version, weights, before, after, rows, Set.of(), version, v1::weights));
      String reason = out.metrics().getReanchorReason();
      if (version == 4 || version == 7) {
        assertEquals("retrain", out.method(), "v" + version);
        assertEquals("every 3 versions (version " + version + ")", reason);
      } else {
        assertEquals(
            catalog.require(id).entry().sampleMethod().method(), out.method(), "v" + version);
        assertNull(reason, "v" + version);
      }
      assertNotNull(out.metrics().getDriftTestDrop(), "v" + version);
      weights = out.weights();
      before = after;
    }
  }
}
