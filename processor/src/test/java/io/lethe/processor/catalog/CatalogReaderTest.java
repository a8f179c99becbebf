package io.lethe.processor.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lethe.processor.engine.data.SampleShape;
import io.lethe.processor.engine.method.ForgetScope;
import io.lethe.processor.engine.model.TrainingConfig;
import io.lethe.processor.engine.verify.DriftPolicy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The catalog reader: a valid file loads with every field it names; each kind of problem is
 * reported with its path in the file, all of them in one pass. Runs on the real patient table.
 */
class CatalogReaderTest {

  @TempDir Path dir;

  /** A valid entry on the patient table; tests break one part of it. */
  private static final String PATIENTS =
      """
        - id: patients-mlp
          dataset:
            format: csv
            train: train.csv
            test: test.csv
            columns: {sampleId: sample_id, subject: patient_id, label: diagnosis}
            classes: [benign, malignant]
            standardize: true
          model:
            architecture: mlp
            hidden: [16, 8]
          training: {epochs: 3, batchSize: 32, learningRate: 0.002, seed: 7, optimizer: sgd}
          unlearning:
            class: {method: famr, lr: 0.05}
            samples: {method: finetune}
            escalation: none
            oracle: true
          verification: {miaTolerance: 0.2}
          batching: {maxRequests: 5, maxAge: 30s, deadlineMargin: 1h}
          driftGuard: {reanchorEvery: 3, maxTestDrop: 0.02, maxDivergence: 0.1}
      """;

  @BeforeEach
  void copyThePatientTable() throws IOException {
    PatientTable.copyTo(dir);
  }

  private Path write(String yaml) throws IOException {
    Path file = dir.resolve("catalog.yaml");
    Files.writeString(file, yaml);
    return file;
  }

  private List<String> problems(String yaml) throws IOException {
    Path file = write(yaml);
    CatalogException e = assertThrows(CatalogException.class, () -> ModelCatalog.load(file));
    return e.problems();
  }

  private static void assertProblem(List<String> problems, String path, String words) {
    assertTrue(
        problems.stream().anyMatch(p -> p.startsWith(path + ": ") && p.contains(words)),
        "expected a problem at " + path + " saying '" + words + "', got " + problems);
  }

  @Test
  void aValidEntryLoadsWithEveryFieldItNames() throws IOException {
    ModelCatalog catalog = ModelCatalog.load(write("models:\n" + PATIENTS));
    CatalogModel m = catalog.require("patients-mlp");
    assertEquals(List.of("patients-mlp"), catalog.ids());
    assertEquals(SampleShape.of(30), m.train().shape());
    assertEquals(2, m.numClasses());
    assertEquals(List.of("benign", "malignant"), m.data().classNames());
    assertTrue(m.train().size() > 400 && m.test().size() > 90, m.train() + " " + m.test());
    assertEquals(m.train().size(), m.subjects().sampleCount());
    assertEquals("mlp(hidden=16,8)", m.entry().architecture().describe());
    TrainingConfig recipe = m.entry().training().config();
    assertEquals(3, recipe.epochs());
    assertEquals(TrainingConfig.Optimizer.SGD, recipe.optimizer());
    assertEquals(7L, m.entry().training().seed());
    assertEquals("famr", m.entry().classMethod().method());
    assertEquals("0.05", m.entry().classMethod().settings().get("lr"));
    assertEquals("finetune", m.entry().sampleMethod().method());
    assertEquals(Escalation.NONE, m.entry().escalation());
    assertTrue(m.entry().oracle());
    assertEquals(0.2, m.entry().verification().miaTolerance(), 1e-12);
    assertEquals(Duration.ofSeconds(30), m.entry().batching().maxAge());
    assertEquals(5, m.entry().batching().maxRequests());
    assertTrue(m.entry().driftGuard().enabled());
    assertEquals(3, m.entry().driftGuard().reanchorEvery());
    assertEquals(0.02, m.entry().driftGuard().maxTestDrop(), 1e-12);
    assertEquals(0.1, m.entry().driftGuard().maxDivergence(), 1e-12);
  }

  @Test
  void defaultsFillWhatAnEntryLeavesOut() throws IOException {
    ModelCatalog catalog =
        ModelCatalog.load(
            write(
                """
                models:
                  - id: p
                    dataset: {format: csv, train: train.csv, test: test.csv,
                              columns: {subject: patient_id, label: diagnosis}}
                    model: {architecture: mlp}
                """));
    CatalogEntry e = catalog.require("p").entry();
    assertEquals("famr", e.classMethod().method());
    assertEquals("muso", e.sampleMethod().method());
    assertEquals(Escalation.RETRAIN, e.escalation());
    assertEquals(TrainingConfig.defaults(), e.training().config());
    assertEquals(null, e.batching());
    // Nothing pinned: calibration chooses both scopes' methods at onboarding, 20 retrainings.
    assertEquals(CalibrationPolicy.DEFAULTS, e.calibration());
    assertEquals(DriftPolicy.defaults(), e.driftGuard());
  }

  @Test
  void aScopeTheCatalogNamesIsPinnedAndTheCalibrationSectionIsRead() throws IOException {
    CatalogEntry pinned =
        ModelCatalog.load(write("models:\n" + PATIENTS)).require("patients-mlp").entry();
    assertEquals(
        java.util.Set.of(ForgetScope.CLASS, ForgetScope.SAMPLES), pinned.calibration().pinned());
    assertFalse(pinned.calibration().searchesAny());
    CatalogEntry one =
        ModelCatalog.load(
                write(
                    "models:\n"
                        + PATIENTS.replace(
                            "samples: {method: finetune}",
                            "calibration: {onboarding: false, budget: 8}")))
            .require("patients-mlp")
            .entry();
    assertEquals(
        new CalibrationPolicy(false, 8, java.util.Set.of(ForgetScope.CLASS)), one.calibration());
    assertTrue(one.calibration().searches(ForgetScope.SAMPLES));
    assertEquals("muso", one.sampleMethod().method(), "the default until calibrated");
  }

  @Test
  void aBadCalibrationSectionIsReportedWithItsPath() throws IOException {
    List<String> p =
        problems(
            "models:\n"
                + PATIENTS.replace(
                    "escalation: none",
                    "escalation: none\n      calibration: {budget: 1, when: x}"));
    assertProblem(p, "models[0].unlearning.calibration.budget", "from 2 to 200");
    assertProblem(p, "models[0].unlearning.calibration.when", "unknown field");
  }

  @Test
  void aMissingColumnIsNamedWithTheColumnsThereAre() throws IOException {
    List<String> p = problems("models:\n" + PATIENTS.replace("label: diagnosis", "label: labl"));
    assertProblem(p, "models[0].dataset.columns.label", "'labl'");
    assertProblem(p, "models[0].dataset.columns.label", "mean_radius");
  }

  @Test
  void unknownArchitectureAndMethodListTheKnownOnes() throws IOException {
    List<String> p =
        problems(
            "models:\n"
                + PATIENTS
                    .replace("architecture: mlp", "architecture: transformer")
                    .replace("method: famr, lr: 0.05", "method: fmar"));
    assertProblem(p, "models[0].model.architecture", "unknown architecture 'transformer'");
    assertProblem(p, "models[0].model.architecture", "cnn");
    assertProblem(p, "models[0].unlearning.class.method", "'fmar'");
    assertProblem(p, "models[0].unlearning.class.method", "famr");
  }

  @Test
  void aMethodThatDoesNotSupportTheScopeIsRefused() throws IOException {
    List<String> p = problems("models:\n" + PATIENTS.replace("method: finetune", "method: famr"));
    assertProblem(p, "models[0].unlearning.samples.method", "famr does not forget samples");
  }

  @Test
  void aMethodThatCannotRunOnTheModelIsRefusedAtLoad() throws IOException {
    // mnemonic needs a model trained with mnemonic codes; this recipe turns them off
    List<String> p =
        problems(
            "models:\n"
                + PATIENTS
                    .replace("method: famr, lr: 0.05", "method: mnemonic")
                    .replace("optimizer: sgd}", "optimizer: sgd, mnemonicCodes: false}"));
    assertProblem(p, "models[0].unlearning.class.method", "mnemonic");
  }

  @Test
  void anUnknownOrBadSettingIsRefusedWithTheKnownKeys() throws IOException {
    List<String> p =
        problems(
            "models:\n"
                + PATIENTS
                    .replace("lr: 0.05", "lr2: 0.05")
                    .replace("hidden: [16, 8]", "hidden: [16, wide]")
                    .replace("epochs: 3", "epochs: three")
                    .replace("maxAge: 30s", "maxAge: soon")
                    .replace("reanchorEvery: 3", "reanchorEvery: -1")
                    .replace("maxTestDrop: 0.02", "maxTestDrp: 0.02"));
    assertProblem(p, "models[0].unlearning.class", "unknown setting 'lr2'");
    assertProblem(p, "models[0].model", "hidden");
    assertProblem(p, "models[0].training", "epochs");
    assertProblem(p, "models[0].batching", "maxAge");
    assertProblem(p, "models[0].driftGuard", "unknown setting 'maxTestDrp'");
  }

  @Test
  void aBadDriftGuardBoundIsRefused() throws IOException {
    List<String> p =
        problems("models:\n" + PATIENTS.replace("reanchorEvery: 3", "reanchorEvery: -1"));
    assertProblem(p, "models[0].driftGuard", "reanchorEvery must be 0 (off) or more");
  }

  @Test
  void dataWhoseShapeDoesNotFitTheArchitectureIsRefused() throws IOException {
    List<String> p =
        problems(
            "models:\n"
                + PATIENTS.replace(
                    "architecture: mlp\n      hidden: [16, 8]", "architecture: cnn"));
    assertProblem(p, "models[0].model.architecture", "shape 30");
  }

  @Test
  void missingFilesUnknownFieldsAndDuplicatesAreEachReported() throws IOException {
    List<String> p =
        problems(
            "models:\n"
                + PATIENTS.replace("train: train.csv", "train: nowhere.csv")
                + PATIENTS.replace("verification:", "verfication:")
                + PATIENTS);
    assertProblem(p, "models[0].dataset.train", "nowhere.csv");
    assertProblem(p, "models[1].verfication", "unknown field");
    assertProblem(p, "models[2].id", "declared twice");
  }

  @Test
  void aMissingIdOrDatasetAndABadIdAreReported() throws IOException {
    List<String> p =
        problems(
            """
            models:
              - model: {architecture: mlp}
              - id: "bad id/with slash"
                model: {architecture: mlp}
                dataset: {format: parquet, train: a}
            """);
    assertProblem(p, "models[0].id", "missing");
    assertProblem(p, "models[0].dataset", "missing");
    assertProblem(p, "models[1].id", "not a model id");
    assertProblem(p, "models[1].dataset.format", "parquet");
  }

  @Test
  void notYamlOrNoFileIsOneClearProblem() throws IOException {
    List<String> p = problems("models: [\n  - id: x\n");
    assertEquals(1, p.size(), p.toString());
    assertTrue(p.get(0).contains("not valid YAML"), p.toString());
    CatalogException missing =
        assertThrows(CatalogException.class, () -> ModelCatalog.load(dir.resolve("none.yaml")));
    assertEquals(List.of("no such file"), missing.problems());
    assertEquals(List.of("models: missing"), problems("other: 1\n").subList(1, 2));
  }
}
