package io.lethe.registry.internals.service;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lethe.avro.CalibratedChoice;
import io.lethe.avro.CalibrationCandidate;
import io.lethe.avro.CalibrationReport;
import io.lethe.avro.CalibrationStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** The bounds a consumed calibration report must keep, each against its own control. */
class CalibrationReportsTest {

  static CalibrationCandidate candidate(Double gap, Map<String, String> settings) {
    return CalibrationCandidate.newBuilder()
        .setScope("SAMPLES")
        .setMethod("muso")
        .setSettings(settings)
        .setAvgGap(gap)
        .setCostRetrainings(0.1)
        .setVerdict("PASSED")
        .build();
  }

  static CalibrationReport report(UnaryOperator<CalibrationReport.Builder> change) {
    return change
        .apply(
            CalibrationReport.newBuilder()
                .setModelId("m")
                .setGeneration(1)
                .setStatus(CalibrationStatus.CALIBRATED)
                .setCandidates(List.of(candidate(0.4, Map.of("lr", "0.01"))))
                .setCalibratedAt(Instant.parse("2026-01-01T00:00:00Z")))
        .build();
  }

  static List<CalibrationCandidate> candidates(int n) {
    List<CalibrationCandidate> list = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      list.add(candidate(0.5, Map.of()));
    }
    return list;
  }

  static Map<String, String> settings(int n) {
    Map<String, String> map = new HashMap<>();
    for (int i = 0; i < n; i++) {
      map.put("k" + i, "v");
    }
    return map;
  }

  @Test
  void theBoundsAreInclusive() {
    assertDoesNotThrow(
        () ->
            CalibrationReports.check(
                report(b -> b.setCandidates(candidates(CalibrationReports.MAX_CANDIDATES)))));
    assertDoesNotThrow(
        () ->
            CalibrationReports.check(
                report(
                    b ->
                        b.setCandidates(
                            List.of(candidate(0.1, settings(CalibrationReports.MAX_SETTINGS)))))));
  }

  @Test
  void aReportOutOfBoundsIsRefusedWhole() {
    List<UnaryOperator<CalibrationReport.Builder>> bad =
        List.of(
            b -> b.setCandidates(candidates(CalibrationReports.MAX_CANDIDATES + 1)),
            b ->
                b.setCandidates(
                    List.of(candidate(0.1, settings(CalibrationReports.MAX_SETTINGS + 1)))),
            b ->
                b.setChoices(
                    List.of(
                        new CalibratedChoice(
                            "CLASS",
                            "famr",
                            settings(CalibrationReports.MAX_SETTINGS + 1),
                            false))),
            b -> b.setCandidates(List.of(candidate(Double.NaN, Map.of()))),
            b -> b.setRetrainingsUsed(Double.POSITIVE_INFINITY),
            b -> b.setModelId(" "),
            b -> b.setGeneration(-1),
            b -> b.setCalibratedAt(Instant.parse("+10000-01-01T00:00:00Z")));
    for (int i = 0; i < bad.size(); i++) {
      CalibrationReport r = report(bad.get(i));
      assertThrows(InvalidRecordException.class, () -> CalibrationReports.check(r), "#" + i);
    }
    assertDoesNotThrow(() -> CalibrationReports.check(report(b -> b)), "the control");
  }

  @Test
  void textIsSanitizedAndBoundedAndSettingsSorted() {
    CalibrationReport r =
        report(
            b ->
                b.setCandidates(
                    List.of(
                        CalibrationCandidate.newBuilder(
                                candidate(
                                    0.1, Map.of("z", "1", "a\u0000b", "x".repeat(1000), "m", "2")))
                            .setMethod("mu\nso")
                            .build())));
    Views.CandidateView c = CalibrationReports.candidates(r).get(0);
    assertEquals("mu?so", c.method());
    assertEquals(List.of("a?b", "m", "z"), List.copyOf(c.settings().keySet()));
    String value = c.settings().get("a?b");
    assertEquals(CalibrationReports.MAX_SETTING_VALUE, value.length());
    assertTrue(value.endsWith("…"), value);
  }
}
