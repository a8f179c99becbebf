package io.lethe.processor.planner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lethe.processor.catalog.BuiltinCatalog;
import io.lethe.processor.catalog.CatalogModel;
import io.lethe.processor.catalog.ModelCatalog;
import io.lethe.processor.engine.model.ClassifierModel;
import io.lethe.processor.engine.verify.DriftPolicy;
import io.lethe.processor.engine.verify.VerificationPolicy;
import io.lethe.processor.worker.ForgetLedger;
import io.lethe.processor.worker.Unlearner;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The drift guard's measurements on a real catalog model (the patient MLP, briefly trained): an
 * earlier forgotten class still recognized crosses the bound, the same class out of the head does
 * not; version 1 against itself has no drift; version 1's weights are read once per model.
 */
class DriftGuardTest {
  private static final String MODEL = BuiltinCatalog.PATIENTS_MLP;
  private static final int MALIGNANT = 1;

  @TempDir static Path dir;
  private static CatalogModel model;
  private static Unlearner.Outcome initial;

  @BeforeAll
  static void trainOnce() {
    ModelCatalog catalog = BuiltinCatalog.loadExamples(dir).withEntry(MODEL, e -> e.withEpochs(15));
    model = catalog.require(MODEL);
    initial = new UnlearningPlanner(catalog).trainInitial(MODEL, line -> {});
  }

  private DriftGuard.Reading check(
      DriftGuard guard, ClassifierModel version, ForgetLedger ledger, AtomicInteger reads) {
    return guard.check(
        MODEL,
        () -> {
          reads.incrementAndGet();
          return initial.weights();
        },
        version,
        3,
        model.train(),
        model.test(),
        ledger,
        ledger,
        DriftPolicy.defaults(),
        VerificationPolicy.defaults(),
        42);
  }

  @Test
  void anEarlierClassStillRecognizedCrossesTheBoundAndOneOutOfTheHeadDoesNot() {
    ForgetLedger forgot = ForgetLedger.EMPTY.plus(List.of(), Set.of(MALIGNANT));
    DriftGuard guard = new DriftGuard();
    AtomicInteger reads = new AtomicInteger();
    try (ClassifierModel remembers = ClassifierModel.fromBytes(initial.weights());
        ClassifierModel forgets = remembers.copy()) {
      // The ledger says the class is gone, the weights still answer it: forgetting reversal.
      DriftGuard.Reading bad = check(guard, remembers, forgot, reads);
      assertNotNull(bad.reanchorReason());
      assertTrue(
          bad.reanchorReason().contains("earlier class 1 recognized"), bad.reasons().toString());
      assertTrue(bad.earlierForgetAccuracy() > 0.5, bad.toString());
      // Control: the same weights with the class out of the head.
      assertTrue(forgets.removeClasses(Set.of(MALIGNANT)));
      DriftGuard.Reading good = check(guard, forgets, forgot, reads);
      assertNull(good.reanchorReason(), good.reasons().toString());
      assertTrue(good.earlierForgetAccuracy() <= 0.01, good.toString());
      assertEquals(1, reads.get(), "version 1 is read once per model, then cached");
    }
  }

  @Test
  void versionOneAgainstItselfHasNoDriftAndAPeriodicReanchoringIsDue() {
    AtomicInteger reads = new AtomicInteger();
    try (ClassifierModel v1 = ClassifierModel.fromBytes(initial.weights())) {
      DriftGuard.Reading r =
          new DriftGuard()
              .check(
                  MODEL,
                  () -> {
                    reads.incrementAndGet();
                    return initial.weights();
                  },
                  v1,
                  4,
                  model.train(),
                  model.test(),
                  ForgetLedger.EMPTY,
                  ForgetLedger.EMPTY,
                  DriftPolicy.defaults().withReanchorEvery(3),
                  VerificationPolicy.defaults(),
                  42);
      assertEquals(0.0, r.testDrop(), 1e-12);
      assertEquals(0.0, r.divergence(), 1e-9);
      assertNull(r.earlierForgetAccuracy(), "nothing forgotten earlier");
      assertEquals(List.of("every 3 versions (version 4)"), r.reasons());
    }
    assertTrue(DriftPolicy.defaults().withReanchorEvery(3).periodicAt(7));
    assertTrue(!DriftPolicy.defaults().withReanchorEvery(3).periodicAt(5));
    assertTrue(!DriftPolicy.defaults().periodicAt(4), "0 turns it off");
  }
}
