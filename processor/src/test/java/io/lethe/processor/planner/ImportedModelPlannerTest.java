package io.lethe.processor.planner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lethe.avro.VerificationStatus;
import io.lethe.processor.TorchScriptFixtures;
import io.lethe.processor.catalog.CatalogModel;
import io.lethe.processor.catalog.MethodChoice;
import io.lethe.processor.catalog.ModelCatalog;
import io.lethe.processor.engine.model.ClassifierModel;
import io.lethe.processor.engine.model.Evaluator;
import io.lethe.processor.worker.ForgetLedger;
import io.lethe.processor.worker.Unlearner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The planner on a CNN PyTorch trained (tools/make_torchscript_fixtures.py): version 1 is the
 * user's model as given; a CLASS batch forgets the class and keeps the other classes; a SAMPLES
 * batch passes; the methods that need only forward, backward and named parameters run on it; and
 * without a training recipe a failed verification is FAILED, never a retrained model.
 */
class ImportedModelPlannerTest {
  private static final String MODEL = "digits-ts";
  private static final int FORGOTTEN = 3;

  @TempDir static Path dir;
  private static ModelCatalog catalog;
  private static Unlearner.Outcome initial;

  @BeforeAll
  static void importOnce() throws IOException {
    Path file = dir.resolve("catalog.yaml");
    Files.writeString(
        file,
        "models:\n"
            + TorchScriptFixtures.digitsEntry(
                MODEL,
                TorchScriptFixtures.CNN_HEAD,
                "unlearning:\n  class: {method: muso}\n  samples: {method: muso}"));
    catalog = ModelCatalog.load(file);
    initial = new UnlearningPlanner(catalog).trainInitial(MODEL, line -> {});
  }

  private static Unlearner.Job job(String batch, Set<Long> samples, Set<Integer> classes) {
    ForgetLedger before = ForgetLedger.EMPTY;
    return new Unlearner.Job(
        MODEL, batch, initial.weights(), before, before.plus(samples, classes), samples, classes);
  }

  private static double accuracyWithout(byte[] weights, int label) {
    CatalogModel m = catalog.require(MODEL);
    try (ClassifierModel model = ClassifierModel.fromBytes(weights)) {
      return Evaluator.accuracy(model, m.test().withoutLabels(Set.of(label)));
    }
  }

  @Test
  void versionOneIsTheModelAsGivenEvaluatedNotTrained() throws IOException {
    assertEquals(VerificationStatus.PASSED, initial.status(), initial.failureReason());
    assertEquals("imported", initial.method());
    // Lethe measures what PyTorch measured on the same test set: the model was not retrained.
    assertEquals(
        TorchScriptFixtures.CNN_TEST_ACCURACY_IN_PYTORCH,
        initial.metrics().getTestAccuracy(),
        0.005);
    assertEquals('P', (char) initial.weights()[0]);
    assertEquals('K', (char) initial.weights()[1]);
  }

  @Test
  void aClassBatchForgetsTheClassAndKeepsTheOthers() {
    Unlearner.Outcome out =
        new UnlearningPlanner(catalog).unlearn(job("b-class", Set.of(), Set.of(FORGOTTEN)));
    assertEquals(VerificationStatus.PASSED, out.status(), out.failureReason());
    assertEquals("muso", out.method());
    assertTrue(out.metrics().getForgetAccuracy() <= 0.01, out.metrics().toString());
    double before = accuracyWithout(initial.weights(), FORGOTTEN);
    double after = accuracyWithout(out.weights(), FORGOTTEN);
    assertTrue(Math.abs(after - before) <= 0.02, "other classes: " + before + " -> " + after);
    // Control: the version before the batch still knows the class.
    CatalogModel m = catalog.require(MODEL);
    try (ClassifierModel v1 = ClassifierModel.fromBytes(initial.weights())) {
      var onlyForgotten = m.test().filterIndices(i -> m.test().label(i) == FORGOTTEN);
      assertTrue(Evaluator.accuracy(v1, onlyForgotten) > 0.5);
    }
  }

  /**
   * A model trained elsewhere has no recipe: no reference models, no escalation. Its forget
   * accuracy and MIA on 40 samples pass for the parent too, so MUSO's result, though changed, is
   * published NOT_VERIFIED with the reason, never PASSED.
   */
  @Test
  void aSamplesBatchTheChecksCannotSeeIsNotVerified() {
    Set<Long> samples = someSamples(40);
    Unlearner.Outcome out =
        new UnlearningPlanner(catalog).unlearn(job("b-samples", samples, Set.of()));
    assertEquals(VerificationStatus.NOT_VERIFIED, out.status(), out.failureReason());
    assertTrue(out.failureReason().startsWith("INSUFFICIENT evidence"), out.failureReason());
    assertEquals("insufficient", out.metrics().getEvidence());
    assertNull(out.metrics().getPerExampleReferenceModels(), "no recipe, no pool");
    assertEquals("muso", out.method());
    assertEquals(samples.size(), out.metrics().getForgetSetSize());
    assertNotEquals(
        ClassifierModel.sha256(initial.weights()), ClassifierModel.sha256(out.weights()));
  }

  /**
   * Each method that needs only forward, backward and named parameters runs on the module and
   * changes it; the class methods take the forgotten class's accuracy below {@code maxForget}.
   */
  @ParameterizedTest
  @CsvSource({
    "famr, CLASS, 0.05, ''",
    "slug, CLASS, 0.05, ''",
    "ssd, CLASS, 0.5, alpha=10",
    "neggrad-plus, CLASS, 0.9, ''",
    "finetune, SAMPLES, 1, ''",
    "neggrad-plus, SAMPLES, 1, ''",
    "ssd, SAMPLES, 1, ''"
  })
  void theGradientMethodsRunOnTheModule(
      String method, String scope, double maxForget, String setting) {
    boolean classes = scope.equals("CLASS");
    MethodChoice choice =
        setting.isEmpty()
            ? MethodChoice.of(method)
            : new MethodChoice(method, Map.of(setting.split("=")[0], setting.split("=")[1]));
    ModelCatalog with =
        catalog.withEntry(
            MODEL,
            e ->
                classes
                    ? e.withMethods(choice, e.sampleMethod())
                    : e.withMethods(e.classMethod(), choice));
    Unlearner.Outcome out =
        new UnlearningPlanner(with)
            .unlearn(
                classes
                    ? job("b-" + method, Set.of(), Set.of(FORGOTTEN))
                    : job("b-" + method, someSamples(40), Set.of()));
    assertEquals(method, out.method());
    assertNotEquals(
        ClassifierModel.sha256(initial.weights()), ClassifierModel.sha256(out.weights()));
    assertTrue(
        out.metrics().getForgetAccuracy() <= maxForget,
        method + " on " + scope + ": " + out.metrics());
  }

  /** No training section: nothing to retrain with, so a failed verification is FAILED. */
  @Test
  void withoutARecipeAFailedVerificationIsFailedNotEscalated() {
    MethodChoice feeble = new MethodChoice("finetune", Map.of("epochs", "1", "lr", "1e-7"));
    ModelCatalog weak = catalog.withEntry(MODEL, e -> e.withMethods(feeble, e.sampleMethod()));
    Unlearner.Outcome failed =
        new UnlearningPlanner(weak).unlearn(job("b-weak", Set.of(), Set.of(FORGOTTEN)));
    assertEquals(VerificationStatus.FAILED, failed.status());
    assertEquals("finetune", failed.method());
    assertTrue(failed.failureReason().contains("forget-accuracy"), failed.failureReason());
  }

  /**
   * With a training section (the recipe the fixture was trained with in PyTorch), exact retraining
   * re-initializes the module's parameters from the seed (PyTorch's default scheme) and trains on
   * the retain set: the escalation passes and forgets the class. Control: the same batch without
   * the recipe is FAILED (above).
   */
  @Test
  void withARecipeAFailedVerificationEscalatesToRetrainingTheModule() throws IOException {
    Path file = dir.resolve("with-recipe.yaml");
    Files.writeString(
        file,
        "models:\n"
            + TorchScriptFixtures.digitsEntry(
                MODEL,
                TorchScriptFixtures.CNN_HEAD,
                "training: {epochs: 4, batchSize: 32, learningRate: 0.002, seed: 5}\n"
                    + "unlearning:\n"
                    + "  class: {method: finetune, epochs: 1, lr: 1e-7}\n"
                    + "  samples: {method: muso}"));
    ModelCatalog withRecipe = ModelCatalog.load(file);
    Unlearner.Outcome out =
        new UnlearningPlanner(withRecipe).unlearn(job("b-retrain", Set.of(), Set.of(FORGOTTEN)));
    assertEquals(VerificationStatus.PASSED, out.status(), out.failureReason());
    assertEquals("retrain", out.method());
    assertTrue(out.metrics().getForgetAccuracy() <= 0.01, out.metrics().toString());
    assertTrue(out.metrics().getTestAccuracy() > 0.8, out.metrics().toString());
    // The retrained artifact is still a TorchScript file describing the same module.
    try (ClassifierModel retrained = ClassifierModel.fromBytes(out.weights())) {
      assertEquals("torchscript", retrained.architecture().name());
    }
  }

  private static Set<Long> someSamples(int n) {
    CatalogModel m = catalog.require(MODEL);
    Set<Long> ids = new TreeSet<>();
    for (int i = 0; ids.size() < n; i += 37) {
      ids.add(m.train().id(i));
    }
    return ids;
  }
}
