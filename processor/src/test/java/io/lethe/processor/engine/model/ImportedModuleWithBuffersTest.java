package io.lethe.processor.engine.model;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lethe.processor.TorchScriptFixtures;
import io.lethe.processor.catalog.CatalogModel;
import io.lethe.processor.catalog.ModelCatalog;
import io.lethe.processor.engine.data.Dataset;
import io.lethe.processor.engine.method.Budget;
import io.lethe.processor.engine.method.ForgetScope;
import io.lethe.processor.engine.method.Methods;
import io.lethe.processor.engine.method.UnlearningResult;
import io.lethe.processor.engine.method.UnlearningTask;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A TorchScript module that keeps its normalization in buffers (the patient MLP PyTorch wrote, as
 * docs/pytorch.md advises) is evaluated after backward passes: FAMR forgets a class of it. With the
 * JIT's graph optimizer on (the control), the evaluation after the first step fails.
 */
class ImportedModuleWithBuffersTest {
  private static final Set<Integer> MALIGNANT = Set.of(1);

  @TempDir Path dir;

  @Test
  void famrForgetsAClassOfAModuleWithBuffers() throws Exception {
    double forget = famrForgetAccuracy(load());
    assertTrue(forget <= 0.01, "forget accuracy " + forget);
  }

  @Test
  void withTheGraphOptimizerTheEvaluationAfterABackwardPassFails() throws Exception {
    CatalogModel patients = load();
    String before = System.getProperty(Devices.GRAPH_OPTIMIZER);
    System.setProperty(Devices.GRAPH_OPTIMIZER, "true");
    try {
      assertThrows(ai.djl.engine.EngineException.class, () -> famrForgetAccuracy(patients));
    } finally {
      if (before == null) {
        System.clearProperty(Devices.GRAPH_OPTIMIZER);
      } else {
        System.setProperty(Devices.GRAPH_OPTIMIZER, before);
      }
    }
  }

  private CatalogModel load() throws Exception {
    Devices.ensureOffline();
    Path catalog = dir.resolve("catalog.yaml");
    Files.writeString(
        catalog,
        "models:\n"
            + TorchScriptFixtures.patientsEntry(
                "patients-ts",
                "patients-mlp.pt",
                "head: {weight: head.weight, bias: head.bias}\nfeatures: features",
                "unlearning:\n  class: {method: famr}\n  samples: {method: muso}"));
    return ModelCatalog.load(catalog).require("patients-ts");
  }

  /** FAMR on the malignant class; the forget accuracy of what it returns. */
  private static double famrForgetAccuracy(CatalogModel m) {
    Dataset train = m.train();
    try (ClassifierModel original =
        ClassifierModel.load(
            ModelTrainer.specFor(
                m.entry().architecture(),
                train,
                m.entry().training().config(),
                m.entry().training().seed()))) {
      UnlearningTask task =
          new UnlearningTask(
              original,
              train.withLabels(MALIGNANT),
              train.withoutLabels(MALIGNANT),
              ForgetScope.CLASS,
              MALIGNANT,
              Budget.empty(),
              7L,
              null,
              null);
      try (UnlearningResult result = Methods.byName("famr").unlearn(task)) {
        return Evaluator.accuracy(result.model(), task.forget());
      }
    }
  }
}
