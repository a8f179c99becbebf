package io.lethe.processor.engine.method;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lethe.processor.TorchScriptFixtures;
import io.lethe.processor.catalog.CatalogModel;
import io.lethe.processor.catalog.ModelCatalog;
import io.lethe.processor.engine.data.Dataset;
import io.lethe.processor.engine.model.ClassifierModel;
import io.lethe.processor.engine.model.Evaluator;
import io.lethe.processor.engine.model.ModelTrainer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * SalUn and SCRUB on a CNN PyTorch trained and exported as TorchScript (the committed fixture):
 * they need only forward, backward and named parameters, and their result is again a TorchScript
 * file. No steps (the control) leave the forget loss where it was.
 */
class SalUnScrubTorchScriptTest {

  @TempDir static Path dir;

  @ParameterizedTest
  @CsvSource({"salun, epochs, 0", "scrub, maxSteps, 0"})
  void unlearnsAnImportedModuleAndNoStepsDoNot(String name, String key, String none)
      throws IOException {
    Path catalog = dir.resolve(name + ".yaml");
    Files.writeString(
        catalog,
        "models:\n"
            + TorchScriptFixtures.digitsEntry("digits-ts", TorchScriptFixtures.CNN_HEAD, ""));
    CatalogModel digits = ModelCatalog.load(catalog).require("digits-ts");
    Dataset train = digits.train();
    Dataset forget = train.filterIndices(i -> i % 20 == 0);
    Dataset retain = train.filterIndices(i -> i % 20 != 0);
    try (ClassifierModel original =
        ClassifierModel.load(
            ModelTrainer.specFor(
                digits.entry().architecture(),
                train,
                digits.entry().training().config(),
                digits.entry().training().seed()))) {
      UnlearningTask task =
          new UnlearningTask(
              original,
              forget,
              retain,
              ForgetScope.SAMPLES,
              Set.of(),
              Budget.empty(),
              7L,
              null,
              null);
      double lossBefore = Evaluator.evaluate(original, forget).meanLoss();
      // this CNN has not memorized its rows (forget loss about the retain loss), so its forget
      // loss may fall with the retain loss: what must rise is the forget loss relative to it
      double relativeBefore = lossBefore / Evaluator.evaluate(original, retain).meanLoss();
      double retainBefore = Evaluator.accuracy(original, retain);
      String sha = original.sha256();
      try (UnlearningResult result = Methods.byName(name).unlearn(task)) {
        double relativeAfter =
            Evaluator.evaluate(result.model(), forget).meanLoss()
                / Evaluator.evaluate(result.model(), retain).meanLoss();
        assertTrue(
            relativeAfter > relativeBefore * 1.02,
            name + ": forget/retain loss did not rise: " + relativeBefore + " -> " + relativeAfter);
        double retainAfter = Evaluator.accuracy(result.model(), retain);
        assertTrue(
            retainAfter >= retainBefore - 0.05,
            name + ": retain accuracy fell from " + retainBefore + " to " + retainAfter);
        byte[] bytes = result.model().toBytes();
        // a TorchScript file is a zip archive
        assertTrue(bytes.length > 4 && bytes[0] == 'P' && bytes[1] == 'K', "not TorchScript");
        assertNotEquals(sha, result.model().sha256());
      }
      Budget noSteps =
          name.equals("scrub")
              ? Budget.empty().with(key, none).with("minSteps", 0)
              : Budget.empty().with(key, none);
      try (UnlearningResult result = Methods.byName(name).unlearn(task.withBudget(noSteps))) {
        assertEquals(lossBefore, Evaluator.evaluate(result.model(), forget).meanLoss(), 1e-6, name);
      }
      assertEquals(sha, original.sha256(), name + " modified the original");
    }
  }
}
