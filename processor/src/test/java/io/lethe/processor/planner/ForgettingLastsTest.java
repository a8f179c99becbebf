package io.lethe.processor.planner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lethe.avro.VerificationStatus;
import io.lethe.processor.catalog.BuiltinCatalog;
import io.lethe.processor.catalog.CatalogModel;
import io.lethe.processor.catalog.Escalation;
import io.lethe.processor.catalog.ModelCatalog;
import io.lethe.processor.engine.data.Dataset;
import io.lethe.processor.engine.method.Budget;
import io.lethe.processor.engine.method.ForgetScope;
import io.lethe.processor.engine.method.Methods;
import io.lethe.processor.engine.method.UnlearningResult;
import io.lethe.processor.engine.method.UnlearningTask;
import io.lethe.processor.engine.model.ClassifierModel;
import io.lethe.processor.engine.model.Evaluator;
import io.lethe.processor.worker.ForgetLedger;
import io.lethe.processor.worker.Unlearner;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Forgetting accumulates across versions: a class forgotten in version n (FAMR, the catalog's class
 * method) stays forgotten in version n+5 after five sample batches (MUSO) through the planner, and
 * every later retain set excludes every earlier deletion. The control runs the same five MUSO steps
 * on tasks that do not name the class as retired (the behaviour before the fix): the class comes
 * back above the policy's limit.
 */
class ForgettingLastsTest {
  private static final String MODEL = BuiltinCatalog.MNIST_MLP;
  private static final int FORGOTTEN = 3;
  private static final int LATER_BATCHES = 5;

  @TempDir static Path dir;
  private static ModelCatalog catalog;
  private static Unlearner.Outcome initial;

  @BeforeAll
  static void trainOnce() {
    // No per-example pool and no escalation: every sample batch stays MUSO's own result (an exact
    // retraining in between would re-anchor the chain and hide what MUSO does to the class).
    catalog =
        BuiltinCatalog.load(dir)
            .withEntry(
                MODEL,
                e ->
                    e.withEpochs(4)
                        .withEscalation(Escalation.NONE)
                        .withVerification(e.verification().withReferenceModels(0)));
    initial = new UnlearningPlanner(catalog).trainInitial(MODEL, line -> {});
  }

  @Test
  void aClassForgottenInVersionNStaysForgottenInVersionNPlus5() {
    CatalogModel m = catalog.require(MODEL);
    Dataset train = m.train();
    double limit = m.entry().verification().maxClassForgetAccuracy();
    UnlearningPlanner planner = new UnlearningPlanner(catalog);

    Unlearner.Outcome forgot =
        planner.unlearn(
            new Unlearner.Job(
                MODEL,
                "b-class",
                initial.weights(),
                ForgetLedger.EMPTY,
                ForgetLedger.EMPTY.plus(List.of(), Set.of(FORGOTTEN)),
                Set.of(),
                Set.of(FORGOTTEN)));
    assertEquals(VerificationStatus.PASSED, forgot.status(), forgot.failureReason());
    assertEquals("famr", forgot.method());
    Dataset classRows = train.withLabels(Set.of(FORGOTTEN));
    assertTrue(accuracy(forgot.weights(), classRows) <= limit, "version n forgot the class");

    List<Set<Long>> batches = sampleBatches(train);
    ForgetLedger ledger = ForgetLedger.EMPTY.plus(List.of(), Set.of(FORGOTTEN));
    byte[] weights = forgot.weights();
    for (int k = 0; k < LATER_BATCHES; k++) {
      ForgetLedger after = ledger.plus(batches.get(k), List.of());
      Unlearner.Outcome out =
          planner.unlearn(
              new Unlearner.Job(
                  MODEL, "b-samples-" + k, weights, ledger, after, batches.get(k), Set.of()));
      assertEquals("muso", out.method());
      assertTrue(out.status() != VerificationStatus.FAILED, out.failureReason());
      // The retain set excludes the class and every earlier batch's rows.
      int excluded = classRows.size() + (k + 1) * batches.get(0).size();
      assertEquals(train.size() - excluded, out.metrics().getRetainSetSize());
      weights = out.weights();
      ledger = after;
    }
    double later = accuracy(weights, classRows);
    assertTrue(later <= limit, "version n+5 recognizes the class again: " + later);

    // Control: the old behaviour. The same MUSO steps from version n, the class not retired.
    ClassifierModel current = ClassifierModel.fromBytes(forgot.weights());
    Set<Long> gone = new LinkedHashSet<>();
    for (int k = 0; k < LATER_BATCHES; k++) {
      gone.addAll(batches.get(k));
      Dataset retain =
          train.filterIndices(i -> !gone.contains(train.id(i)) && train.label(i) != FORGOTTEN);
      UnlearningTask task =
          new UnlearningTask(
              current,
              train.onlyIds(batches.get(k)),
              retain,
              ForgetScope.SAMPLES,
              Set.of(),
              Budget.empty(),
              m.entry().training().seed(),
              m.entry().training().config(),
              UnlearningPlanner.validationRows(retain, k));
      UnlearningResult result = Methods.byName("muso").unlearn(task);
      current.close();
      current = result.model();
    }
    double control = Evaluator.accuracy(current, classRows);
    current.close();
    assertTrue(control > limit, "control: without the fix the class comes back: " + control);
  }

  /** Five batches of 20 training rows of other classes, fixed by the split's order. */
  private static List<Set<Long>> sampleBatches(Dataset train) {
    List<Set<Long>> batches = new ArrayList<>();
    Set<Long> batch = new LinkedHashSet<>();
    for (int i = 0; i < train.size() && batches.size() < LATER_BATCHES; i += 7) {
      if (train.label(i) == FORGOTTEN) {
        continue;
      }
      batch.add(train.id(i));
      if (batch.size() == 20) {
        batches.add(Set.copyOf(batch));
        batch = new LinkedHashSet<>();
      }
    }
    return batches;
  }

  private static double accuracy(byte[] weights, Dataset rows) {
    try (ClassifierModel model = ClassifierModel.fromBytes(weights)) {
      return Evaluator.accuracy(model, rows);
    }
  }
}
