package io.lethe.registry;

import io.lethe.avro.CalibratedChoice;
import io.lethe.avro.CalibrationCandidate;
import io.lethe.avro.CalibrationReport;
import io.lethe.avro.CalibrationStatus;
import io.lethe.avro.SimulatedDeletion;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Test data: calibration reports as the worker publishes them on {@code lethe.calibrations}. */
final class TestCalibrations {
  private TestCalibrations() {}

  /**
   * A CALIBRATED report: famr chosen for CLASS and muso for SAMPLES, with {@code extra} more
   * (SKIPPED) SAMPLES candidates after the four real ones.
   */
  static CalibrationReport report(String modelId, int generation, int extra) {
    List<CalibrationCandidate> candidates = new ArrayList<>();
    candidates.add(
        candidate("CLASS", "famr", Map.of("alpha", "0.5", "steps", "40"), 0.0042, "PASSED", true));
    candidates.add(candidate("CLASS", "slug", Map.of("lr", "0.01"), 0.019, "FAILED", false));
    candidates.add(
        candidate(
            "SAMPLES", "muso", Map.of("scale", "0.1", "lr", "0.001"), 0.0048, "PASSED", true));
    candidates.add(
        candidate("SAMPLES", "salun", Map.of("lr", "0.002"), 0.0061, "INSUFFICIENT", false));
    for (int i = 0; i < extra; i++) {
      candidates.add(
          candidate("SAMPLES", "scrub", Map.of("lr", "1e-" + i), null, "SKIPPED", false));
    }
    return CalibrationReport.newBuilder()
        .setModelId(modelId)
        .setGeneration(generation)
        .setRequestId(null)
        .setStatus(CalibrationStatus.CALIBRATED)
        .setSeed(7L)
        .setBudgetRetrainings(20)
        .setRetrainingsUsed(11.25)
        .setDurationMillis(93_000L)
        .setSimulations(
            List.of(
                new SimulatedDeletion("class", "CLASS", 1000),
                new SimulatedDeletion("random-10%", "SAMPLES", 900)))
        .setChoices(
            List.of(
                new CalibratedChoice("CLASS", "famr", Map.of("alpha", "0.5", "steps", "40"), false),
                new CalibratedChoice(
                    "SAMPLES", "muso", Map.of("scale", "0.1", "lr", "0.001"), false)))
        .setCandidates(candidates)
        .setCalibratedAt(Instant.parse("2026-01-01T00:30:00Z"))
        .build();
  }

  private static CalibrationCandidate candidate(
      String scope,
      String method,
      Map<String, String> settings,
      Double gap,
      String verdict,
      boolean chosen) {
    return CalibrationCandidate.newBuilder()
        .setScope(scope)
        .setMethod(method)
        .setSettings(settings)
        .setAvgGap(gap)
        .setForgetAccuracy(gap == null ? null : 0.01)
        .setHeldOutAccuracy(gap == null ? null : 0.962)
        .setOracleHeldOutAccuracy(gap == null ? null : 0.965)
        .setCostRetrainings(gap == null ? 0 : 0.08)
        .setVerdict(verdict)
        .setReason("SKIPPED".equals(verdict) ? "the budget ran out" : null)
        .setChosen(chosen)
        .build();
  }
}
