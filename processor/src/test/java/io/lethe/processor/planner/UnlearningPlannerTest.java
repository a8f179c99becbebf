package io.lethe.processor.planner;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lethe.avro.VerificationStatus;
import io.lethe.processor.catalog.BuiltinCatalog;
import io.lethe.processor.catalog.CatalogModel;
import io.lethe.processor.catalog.Escalation;
import io.lethe.processor.catalog.MethodChoice;
import io.lethe.processor.catalog.ModelCatalog;
import io.lethe.processor.engine.model.ClassifierModel;
import io.lethe.processor.worker.ForgetLedger;
import io.lethe.processor.worker.Unlearner;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The planner on a real catalog model (the MLP on the patient table, briefly trained): which rows a
 * batch forgets, which method runs, what verification decides, and the escalation to exact
 * retraining, each against a control that shows the check can fail.
 */
class UnlearningPlannerTest {
  private static final String MODEL = BuiltinCatalog.PATIENTS_MLP;
  private static final int MALIGNANT = 1;

  @TempDir static Path dir;
  private static ModelCatalog catalog;
  private static Unlearner.Outcome initial;

  @BeforeAll
  static void trainOnce() {
    catalog = BuiltinCatalog.loadExamples(dir).withEntry(MODEL, e -> e.withEpochs(15));
    initial = new UnlearningPlanner(catalog).trainInitial(MODEL, line -> {});
  }

  private static Unlearner.Job job(
      String batch, ForgetLedger before, Set<Long> samples, Set<Integer> classes) {
    return new Unlearner.Job(
        MODEL, batch, initial.weights(), before, before.plus(samples, classes), samples, classes);
  }

  @Test
  void theFirstVersionIsTrainedOnTheTrainingRowsAndMeasuredOnTheTestRows() {
    CatalogModel m = catalog.require(MODEL);
    assertEquals(VerificationStatus.PASSED, initial.status(), initial.failureReason());
    assertEquals(m.train().size(), initial.metrics().getRetainSetSize());
    assertTrue(initial.metrics().getTestAccuracy() > 0.9, initial.metrics().toString());
    try (ClassifierModel model = ClassifierModel.fromBytes(initial.weights())) {
      // The standardization the rows got is kept with the weights.
      assertArrayEquals(
          m.data().standardization().mean(), model.spec().inputStandardization().mean());
    }
  }

  @Test
  void factsListEachSubjectsTrainingRows() {
    CatalogModel m = catalog.require(MODEL);
    Map<String, long[]> bySubject = new UnlearningPlanner(catalog).facts(MODEL).samplesBySubject();
    assertEquals(m.subjects().size(), bySubject.size());
    String someone = m.subjects().subjects().get(5);
    assertArrayEquals(m.subjects().samplesOf(someone), bySubject.get(someone));
  }

  @Test
  void aClassBatchRunsTheCatalogsClassMethodAndForgetsTheClass() {
    Unlearner.Outcome out =
        new UnlearningPlanner(catalog)
            .unlearn(job("b-class", ForgetLedger.EMPTY, Set.of(), Set.of(MALIGNANT)));
    CatalogModel m = catalog.require(MODEL);
    assertEquals(VerificationStatus.PASSED, out.status(), out.failureReason());
    assertEquals("famr", out.method());
    assertEquals(m.train().withLabels(Set.of(MALIGNANT)).size(), out.metrics().getForgetSetSize());
    assertTrue(out.metrics().getForgetAccuracy() <= 0.01, out.metrics().toString());
    assertNotEquals(
        ClassifierModel.sha256(initial.weights()), ClassifierModel.sha256(out.weights()));
  }

  @Test
  void aSampleBatchForgetsOnlyRowsNotForgottenBefore() {
    CatalogModel m = catalog.require(MODEL);
    long a = m.train().id(1);
    long b = m.train().id(2);
    long c = m.train().id(3);
    ForgetLedger before = ForgetLedger.EMPTY.plus(List.of(a), List.of());
    Unlearner.Outcome out =
        new UnlearningPlanner(catalog).unlearn(job("b-samples", before, Set.of(a, b, c), Set.of()));
    assertEquals(VerificationStatus.PASSED, out.status(), out.failureReason());
    // Two ordinary rows: nothing the checks measure sets the parent apart on them (the
    // per-example test's power is 0 here), so finetune's result cannot pass; exact retraining can.
    assertEquals("retrain", out.method());
    assertEquals("exact", out.metrics().getEvidence());
    assertEquals(2, out.metrics().getForgetSetSize(), "a was excluded already");
    assertEquals(m.train().size() - 3, out.metrics().getRetainSetSize());
    // The per-example evidence is in the version's metrics, from the policy's pool.
    assertEquals(4, out.metrics().getPerExampleReferenceModels());
    assertNotNull(out.metrics().getPerExamplePower());
    assertNotNull(out.metrics().getPerExampleWorstScore());
  }

  /**
   * Without escalation, a method whose result the checks cannot tell from the parent's is published
   * as NOT_VERIFIED with the reason, never PASSED (the worker then answers FAILED).
   */
  @Test
  void insufficientEvidenceWithoutEscalationIsNotVerifiedNeverPassed() {
    CatalogModel m = catalog.require(MODEL);
    Set<Long> rows = Set.of(m.train().id(5), m.train().id(6));
    Unlearner.Outcome out =
        new UnlearningPlanner(catalog.withEntry(MODEL, e -> e.withEscalation(Escalation.NONE)))
            .unlearn(job("b-blind", ForgetLedger.EMPTY, rows, Set.of()));
    assertEquals(VerificationStatus.NOT_VERIFIED, out.status(), out.failureReason());
    assertEquals("finetune", out.method());
    assertEquals("insufficient", out.metrics().getEvidence());
    assertTrue(out.failureReason().startsWith("INSUFFICIENT evidence"), out.failureReason());
    assertEquals(4, out.metrics().getPerExampleReferenceModels());
  }

  /** When exact retraining fails verification too (here an unreachable retain floor): FAILED. */
  @Test
  void whenRetrainingFailsTooTheBatchIsFailed() {
    MethodChoice feeble = new MethodChoice("finetune", Map.of("epochs", "1", "lr", "1e-7"));
    ModelCatalog strict =
        catalog.withEntry(
            MODEL,
            e ->
                e.withMethods(feeble, e.sampleMethod())
                    .withVerification(e.verification().withMinRetainAccuracy(1.01)));
    Unlearner.Outcome out =
        new UnlearningPlanner(strict)
            .unlearn(job("b-strict", ForgetLedger.EMPTY, Set.of(), Set.of(MALIGNANT)));
    assertEquals(VerificationStatus.FAILED, out.status());
    assertEquals("retrain", out.method(), "the escalation ran and failed");
    assertTrue(out.failureReason().contains("retain-accuracy"), out.failureReason());
    // Its forgetting holds by construction; what failed is the retain check.
    assertEquals("exact", out.metrics().getEvidence());
  }

  @Test
  void aBatchNamingNothingTheModelSawKeepsTheWeights() {
    Unlearner.Outcome out =
        new UnlearningPlanner(catalog)
            .unlearn(job("b-none", ForgetLedger.EMPTY, Set.of(999_999L), Set.of()));
    assertEquals("none", out.method());
    assertArrayEquals(initial.weights(), out.weights());
  }

  @Test
  void aMixedBatchRunsClassesThenSamplesAsTwoVerifiedSteps() {
    CatalogModel m = catalog.require(MODEL);
    long benign = -1;
    for (int i = 0; i < m.train().size() && benign < 0; i++) {
      if (m.train().label(i) != MALIGNANT) {
        benign = m.train().id(i);
      }
    }
    Unlearner.Outcome out =
        new UnlearningPlanner(catalog)
            .unlearn(job("b-mixed", ForgetLedger.EMPTY, Set.of(benign), Set.of(MALIGNANT)));
    assertEquals(VerificationStatus.PASSED, out.status(), out.failureReason());
    // The class step is seen by its checks; the one ordinary row is not, and escalates.
    assertEquals("famr+retrain", out.method());
    assertEquals(1, out.metrics().getForgetSetSize());
  }

  /**
   * A method that barely moves the weights cannot forget a class: verification fails it, and the
   * planner escalates to exact retraining, which passes. Without escalation the batch is FAILED.
   */
  @Test
  void aFailedVerificationEscalatesToRetrainingOrIsFailed() {
    MethodChoice feeble = new MethodChoice("finetune", Map.of("epochs", "1", "lr", "1e-7"));
    ModelCatalog weak = catalog.withEntry(MODEL, e -> e.withMethods(feeble, e.sampleMethod()));
    Unlearner.Outcome escalated =
        new UnlearningPlanner(weak)
            .unlearn(job("b-weak", ForgetLedger.EMPTY, Set.of(), Set.of(MALIGNANT)));
    assertEquals(VerificationStatus.PASSED, escalated.status(), escalated.failureReason());
    assertEquals("retrain", escalated.method());
    assertTrue(escalated.metrics().getForgetAccuracy() <= 0.01);

    Unlearner.Outcome failed =
        new UnlearningPlanner(weak.withEntry(MODEL, e -> e.withEscalation(Escalation.NONE)))
            .unlearn(job("b-weak", ForgetLedger.EMPTY, Set.of(), Set.of(MALIGNANT)));
    assertEquals(VerificationStatus.FAILED, failed.status());
    assertEquals("finetune", failed.method());
    assertNotNull(failed.failureReason());
    assertTrue(failed.failureReason().contains("forget-accuracy"), failed.failureReason());
  }
}
