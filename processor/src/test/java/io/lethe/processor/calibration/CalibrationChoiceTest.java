package io.lethe.processor.calibration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lethe.avro.CalibratedChoice;
import io.lethe.avro.CalibrationReport;
import io.lethe.avro.CalibrationStatus;
import io.lethe.processor.catalog.CatalogModel;
import io.lethe.processor.catalog.LiveCatalog;
import io.lethe.processor.catalog.MethodChoice;
import io.lethe.processor.catalog.ModelCatalog;
import io.lethe.processor.catalog.PatientTable;
import io.lethe.processor.engine.method.ForgetScope;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How a calibration report becomes a model's methods: only for the model's current generation, only
 * for the scopes the catalog does not pin, and only what the methods accept (a report is input read
 * from a topic).
 */
class CalibrationChoiceTest {

  @TempDir Path dir;

  private LiveCatalog live;

  @BeforeEach
  void aCatalogThatPinsTheClassMethodOnly() throws IOException {
    PatientTable.copyTo(dir);
    Path file = dir.resolve("catalog.yaml");
    Files.writeString(
        file,
        """
        models:
          - id: p
            dataset: {format: csv, train: train.csv, test: test.csv,
                      columns: {sampleId: sample_id, subject: patient_id, label: diagnosis}}
            model: {architecture: mlp, hidden: [8]}
            training: {epochs: 1, seed: 3}
            unlearning:
              class: {method: famr}
        """);
    live = new LiveCatalog(ModelCatalog.load(file));
  }

  private static CalibrationReport report(int generation, CalibratedChoice... choices) {
    return CalibrationReport.newBuilder()
        .setModelId("p")
        .setGeneration(generation)
        .setStatus(CalibrationStatus.CALIBRATED)
        .setChoices(List.of(choices))
        .build();
  }

  private CatalogModel p() {
    return live.snapshot().require("p");
  }

  @Test
  void theChoiceForAnUnpinnedScopeIsUsedAndThePinnedOneIsNot() {
    CalibrationReport r =
        report(
            0,
            new CalibratedChoice("CLASS", "slug", Map.of(), false),
            new CalibratedChoice("SAMPLES", "scrub", Map.of("lr", "0.001"), false));
    assertTrue(
        live.applyCalibration(
            "p",
            0,
            CalibrationReports.choice(r, ForgetScope.CLASS).orElse(null),
            CalibrationReports.choice(r, ForgetScope.SAMPLES).orElse(null)));
    assertEquals(MethodChoice.of("famr"), p().entry().classMethod(), "the catalog pins it");
    assertEquals(new MethodChoice("scrub", Map.of("lr", "0.001")), p().entry().sampleMethod());
  }

  @Test
  void aReportForAnotherGenerationChangesNothing() {
    CalibrationReport r = report(1, new CalibratedChoice("SAMPLES", "scrub", Map.of(), false));
    assertFalse(
        live.applyCalibration(
            "p", 1, null, CalibrationReports.choice(r, ForgetScope.SAMPLES).get()));
    assertEquals("muso", p().entry().sampleMethod().method());
  }

  @Test
  void anUnknownMethodABadSettingOrAWrongScopeIsIgnored() {
    assertTrue(
        CalibrationReports.choice(
                report(0, new CalibratedChoice("SAMPLES", "no-such", Map.of(), false)),
                ForgetScope.SAMPLES)
            .isEmpty());
    assertTrue(
        CalibrationReports.choice(
                report(0, new CalibratedChoice("SAMPLES", "muso", Map.of("bogus", "1"), false)),
                ForgetScope.SAMPLES)
            .isEmpty());
    assertTrue(
        CalibrationReports.choice(
                report(0, new CalibratedChoice("SAMPLES", "famr", Map.of(), false)),
                ForgetScope.SAMPLES)
            .isEmpty(),
        "famr does not forget samples");
    // The control: the same report with a valid choice is used.
    assertTrue(
        CalibrationReports.choice(
                report(0, new CalibratedChoice("SAMPLES", "muso", Map.of(), false)),
                ForgetScope.SAMPLES)
            .isPresent());
  }

  @Test
  void aFailedRecalibrationKeepsTheChoicesBeforeIt() {
    CalibrationReport before = report(0, new CalibratedChoice("SAMPLES", "scrub", Map.of(), false));
    CalibrationReport failed = CalibrationReports.failed("p", 0, "r2", "budget", before);
    assertEquals(CalibrationStatus.FAILED, failed.getStatus());
    assertEquals("scrub", CalibrationReports.choice(failed, ForgetScope.SAMPLES).get().method());
    // Of another generation, nothing carries over.
    assertTrue(
        CalibrationReports.choice(
                CalibrationReports.failed("p", 1, "r3", "x", before), ForgetScope.SAMPLES)
            .isEmpty());
  }
}
