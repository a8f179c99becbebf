package io.lethe.registry.internals.service;

import io.lethe.avro.CalibratedChoice;
import io.lethe.avro.CalibrationCandidate;
import io.lethe.avro.CalibrationReport;
import io.lethe.avro.SimulatedDeletion;
import io.lethe.registry.internals.service.Views.CandidateView;
import io.lethe.registry.internals.service.Views.ChoiceView;
import io.lethe.registry.internals.service.Views.SimulationView;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Checks a consumed {@link CalibrationReport} against the registry's bounds and turns it into the
 * views it is stored as, every string sanitized ({@link LogSafe#bounded}). A report out of bounds
 * (too many candidates, choices, simulations or settings; a number that is not finite; no model id;
 * a time outside years 1..9999) is refused whole with {@link InvalidRecordException}, so the
 * consumer sets it aside: a truncated report would show a choice without the candidates it was
 * chosen from.
 */
final class CalibrationReports {
  /**
   * The calibration's budget allows ~20 retrainings; 1,000 candidates is far more than it tries.
   */
  static final int MAX_CANDIDATES = 1000;

  static final int MAX_CHOICES = 16;
  static final int MAX_SIMULATIONS = 100;

  /** Settings of one method (learning rate, steps, alpha …): a handful in practice. */
  static final int MAX_SETTINGS = 32;

  /** Longest name stored (scope, method, verdict, setting key) and setting value. */
  static final int MAX_NAME = 128;

  static final int MAX_SETTING_VALUE = 256;

  private CalibrationReports() {}

  static void check(CalibrationReport r) {
    if (r.getModelId() == null || r.getModelId().isBlank()) {
      throw new InvalidRecordException("a calibration report without a model id");
    }
    if (r.getGeneration() < 0) {
      throw new InvalidRecordException("generation " + r.getGeneration() + " is negative");
    }
    bound("candidates", r.getCandidates().size(), MAX_CANDIDATES);
    bound("choices", r.getChoices().size(), MAX_CHOICES);
    bound("simulations", r.getSimulations().size(), MAX_SIMULATIONS);
    IngestService.checkTime("calibratedAt", r.getCalibratedAt());
    finite("retrainingsUsed", r.getRetrainingsUsed());
    for (CalibratedChoice c : r.getChoices()) {
      bound("settings of a choice", c.getSettings().size(), MAX_SETTINGS);
    }
    for (CalibrationCandidate c : r.getCandidates()) {
      bound("settings of a candidate", c.getSettings().size(), MAX_SETTINGS);
      finite("avgGap", c.getAvgGap());
      finite("forgetAccuracy", c.getForgetAccuracy());
      finite("heldOutAccuracy", c.getHeldOutAccuracy());
      finite("oracleHeldOutAccuracy", c.getOracleHeldOutAccuracy());
      finite("costRetrainings", c.getCostRetrainings());
    }
  }

  static List<SimulationView> simulations(CalibrationReport r) {
    return r.getSimulations().stream()
        .map(
            (SimulatedDeletion s) ->
                new SimulationView(name(s.getName()), name(s.getScope()), s.getForgetSetSize()))
        .toList();
  }

  static List<ChoiceView> choices(CalibrationReport r) {
    return r.getChoices().stream()
        .map(
            c ->
                new ChoiceView(
                    name(c.getScope()),
                    name(c.getMethod()),
                    settings(c.getSettings()),
                    c.getPinned()))
        .toList();
  }

  static List<CandidateView> candidates(CalibrationReport r) {
    return r.getCandidates().stream()
        .map(
            c ->
                new CandidateView(
                    name(c.getScope()),
                    name(c.getMethod()),
                    settings(c.getSettings()),
                    c.getAvgGap(),
                    c.getForgetAccuracy(),
                    c.getHeldOutAccuracy(),
                    c.getOracleHeldOutAccuracy(),
                    c.getCostRetrainings(),
                    name(c.getVerdict()),
                    LogSafe.bounded(c.getReason(), IngestService.MAX_TEXT),
                    c.getChosen()))
        .toList();
  }

  private static void bound(String what, int size, int max) {
    if (size > max) {
      throw new InvalidRecordException(
          "a calibration report with " + size + " " + what + " (at most " + max + ")");
    }
  }

  private static void finite(String field, Double value) {
    if (value != null && !Double.isFinite(value)) {
      throw new InvalidRecordException(field + " is not a finite number: " + value);
    }
  }

  private static String name(String s) {
    return LogSafe.bounded(s, MAX_NAME);
  }

  /** Keys and values sanitized; two keys that only differ past the bound keep the first. */
  private static Map<String, String> settings(Map<String, String> settings) {
    Map<String, String> clean = new TreeMap<>();
    settings.forEach((k, v) -> clean.putIfAbsent(name(k), LogSafe.bounded(v, MAX_SETTING_VALUE)));
    return clean;
  }
}
