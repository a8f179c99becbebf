package io.lethe.processor.catalog;

import static io.lethe.processor.TorchScriptFixtures.CNN_HEAD;
import static io.lethe.processor.TorchScriptFixtures.digitsEntry;
import static io.lethe.processor.TorchScriptFixtures.patientsEntry;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lethe.processor.engine.architecture.TorchScriptModule;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Catalog entries naming a TorchScript file PyTorch wrote: one that fits loads; each refusal
 * (mnemonic codes, MUSO without features, a shape mismatch, a file that is not TorchScript, no
 * recipe to retrain with) is a problem with its path, found when the catalog loads.
 */
class TorchScriptCatalogTest {

  @TempDir Path dir;

  private Path write(String entries) throws IOException {
    Path file = dir.resolve("catalog.yaml");
    Files.writeString(file, "models:\n" + entries);
    return file;
  }

  private List<String> problems(String entries) throws IOException {
    Path file = write(entries);
    return assertThrows(CatalogException.class, () -> ModelCatalog.load(file)).problems();
  }

  private static void assertProblem(List<String> problems, String path, String words) {
    assertTrue(
        problems.stream().anyMatch(p -> p.startsWith(path + ": ") && p.contains(words)),
        "expected a problem at " + path + " saying '" + words + "', got " + problems);
  }

  @Test
  void aModuleThatFitsItsDataLoadsWithItsHeadAndNoEscalationWithoutARecipe() throws IOException {
    ModelCatalog catalog =
        ModelCatalog.load(
            write(
                digitsEntry("digits", CNN_HEAD, "")
                    + patientsEntry("patients", "patients-mlp.pt", "", samples("finetune"))));
    CatalogEntry digits = catalog.require("digits").entry();
    TorchScriptModule module = assertInstanceOf(TorchScriptModule.class, digits.architecture());
    assertEquals("head.weight", module.headWeightName());
    assertEquals("features", module.featuresMethod());
    assertEquals(Escalation.NONE, digits.escalation());
    assertEquals(10, catalog.require("digits").numClasses());
    assertEquals(2, catalog.require("patients").numClasses());
  }

  /** Control: a model Lethe trains keeps its escalation without a training section. */
  @Test
  void aModelLetheTrainsWithoutATrainingSectionStillEscalates() throws IOException {
    String builtIn =
        patientsEntry("patients", "patients-mlp.pt", "", "")
            .replaceAll("torchscript: .*", "architecture: random-features-linear");
    ModelCatalog catalog = ModelCatalog.load(write(builtIn));
    assertEquals(Escalation.RETRAIN, catalog.require("patients").entry().escalation());
  }

  @Test
  void mnemonicCodesAreRefusedForAModelTrainedElsewhere() throws IOException {
    List<String> p =
        problems(digitsEntry("digits", CNN_HEAD, "unlearning:\n  class: {method: mnemonic}"));
    assertProblem(p, "models[0].unlearning.class.method", "Lethe trained itself");
  }

  @Test
  void musoIsRefusedWithoutTheModulesFeaturesAndHead() throws IOException {
    // No head and no features method named: MUSO (the default for samples) cannot relabel.
    List<String> p = problems(digitsEntry("digits", "", "unlearning:\n  samples: {method: muso}"));
    assertProblem(p, "models[0].unlearning.samples.method", "features before the head");
    List<String> noFeatures =
        problems(
            digitsEntry(
                "digits",
                "head: {weight: head.weight, bias: head.bias}",
                "unlearning:\n  samples: {method: muso}"));
    assertProblem(noFeatures, "models[0].unlearning.samples.method", "model.features");
  }

  @Test
  void aModuleAnsweringAnotherShapeThanTheDataIsRefusedNamingBoth() throws IOException {
    List<String> p = problems(patientsEntry("patients", "patients-3.pt", "", samples("finetune")));
    assertProblem(
        p,
        "models[0].model.torchscript",
        "the module answers [1, 3] for a batch of [1, 30], the data has 2 classes");
    List<String> cnnOnATable =
        problems(patientsEntry("patients", "digits-cnn.pt", "", samples("finetune")));
    assertProblem(cnnOnATable, "models[0].model.torchscript", "fails on a batch of [1, 30]");
  }

  @Test
  void aFileThatIsNotTorchScriptIsRefused() throws IOException {
    List<String> p =
        problems(patientsEntry("patients", "not-torchscript.pt", "", samples("finetune")));
    assertProblem(p, "models[0].model.torchscript", "not a TorchScript file");
  }

  @Test
  void aHeadThatIsNotAParameterOfTheModuleIsRefusedWithItsParameters() throws IOException {
    List<String> p =
        problems(digitsEntry("digits", "head: {weight: fc.weight}", samples("finetune")));
    assertProblem(p, "models[0].model.torchscript", "no parameter 'fc.weight'");
    assertProblem(p, "models[0].model.torchscript", "head.weight");
  }

  @Test
  void retrainingWithoutARecipeAndStandardizingTheDataAreRefused() throws IOException {
    List<String> p =
        problems(digitsEntry("digits", CNN_HEAD, "unlearning:\n  escalation: retrain"));
    assertProblem(p, "models[0].unlearning.escalation", "training recipe");
    String standardized =
        patientsEntry("patients", "patients-mlp.pt", "", samples("finetune"))
            .replace(
                "classes: [benign, malignant]",
                "classes: [benign, malignant]\n      standardize: true");
    assertProblem(problems(standardized), "models[0].dataset.standardize", "inside the module");
  }

  private static String samples(String method) {
    return "unlearning:\n  samples: {method: " + method + "}";
  }
}
