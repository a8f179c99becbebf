package io.lethe.processor.calibration;

import io.lethe.avro.CalibratedChoice;
import io.lethe.avro.CalibrationCandidate;
import io.lethe.avro.CalibrationReport;
import io.lethe.avro.CalibrationStatus;
import io.lethe.processor.catalog.MethodChoice;
import io.lethe.processor.engine.calibrate.CalibrationResult;
import io.lethe.processor.engine.calibrate.CandidateScore;
import io.lethe.processor.engine.calibrate.Choice;
import io.lethe.processor.engine.calibrate.SimulatedDeletion;
import io.lethe.processor.engine.method.ForgetScope;
import io.lethe.processor.engine.method.Methods;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** A calibration's result as the record published on {@code lethe.calibrations}, and back. */
public final class CalibrationReports {

  private CalibrationReports() {}

  /**
   * The report of {@code result}, for the model's {@code generation}. A calibration that FAILED
   * chose nothing; its report carries the choices of {@code before} (the model's latest report, if
   * of the same generation), which stay in use: the topic keeps one report per model.
   */
  public static CalibrationReport toAvro(
      String modelId,
      int generation,
      String requestId,
      CalibrationResult result,
      CalibrationReport before) {
    CalibrationReport report = toAvro(modelId, generation, requestId, result);
    if (result.status() == CalibrationResult.Status.FAILED
        && before != null
        && before.getGeneration() == generation) {
      report.setChoices(before.getChoices());
    }
    return report;
  }

  /** The report of {@code result}, for the model's {@code generation}. */
  public static CalibrationReport toAvro(
      String modelId, int generation, String requestId, CalibrationResult result) {
    return CalibrationReport.newBuilder()
        .setModelId(modelId)
        .setGeneration(generation)
        .setRequestId(requestId)
        .setStatus(CalibrationStatus.valueOf(result.status().name()))
        .setReason(result.reason())
        .setSeed(result.seed())
        .setBudgetRetrainings(result.budgetRetrainings())
        .setRetrainingsUsed(result.retrainingsUsed())
        .setDurationMillis(result.durationMillis())
        .setSimulations(
            result.simulations().stream()
                .map(
                    (SimulatedDeletion s) ->
                        new io.lethe.avro.SimulatedDeletion(
                            s.name(), s.scope().name(), s.forgetSetSize()))
                .toList())
        .setChoices(
            result.choices().values().stream()
                .map(
                    (Choice c) ->
                        new CalibratedChoice(
                            c.scope().name(), c.method(), new TreeMap<>(c.settings()), c.pinned()))
                .toList())
        .setCandidates(
            result.candidates().stream()
                .map(
                    (CandidateScore c) ->
                        CalibrationCandidate.newBuilder()
                            .setScope(c.scope().name())
                            .setMethod(c.method())
                            .setSettings(new TreeMap<>(c.settings()))
                            .setAvgGap(c.avgGap())
                            .setForgetAccuracy(c.forgetAccuracy())
                            .setHeldOutAccuracy(c.heldOutAccuracy())
                            .setOracleHeldOutAccuracy(c.oracleHeldOutAccuracy())
                            .setCostRetrainings(c.costRetrainings())
                            .setVerdict(c.verdict())
                            .setReason(c.reason())
                            .setChosen(c.chosen())
                            .build())
                .toList())
        .setCalibratedAt(Instant.now())
        .build();
  }

  /**
   * A report for a calibration that could not run (no such model, a bad request, an error). The
   * topic keeps one report per model, so a failure carries the choices of the report before it (for
   * the same generation): a failed recalibration leaves the model's methods as they were.
   */
  public static CalibrationReport failed(
      String modelId, int generation, String requestId, String reason, CalibrationReport before) {
    boolean keep = before != null && before.getGeneration() == generation;
    return CalibrationReport.newBuilder()
        .setModelId(modelId)
        .setGeneration(generation)
        .setRequestId(requestId)
        .setStatus(CalibrationStatus.FAILED)
        .setReason(reason)
        .setChoices(keep ? before.getChoices() : List.of())
        .setCalibratedAt(Instant.now())
        .build();
  }

  /**
   * The choice a report makes for {@code scope} (CLASS, or SAMPLES for samples and subjects), if it
   * makes a usable one (a FAILED report carries the choices still in use): a searched (not pinned)
   * choice of a known method supporting the scope, whose settings that method accepts. Anything
   * else on the topic is ignored: a report is input.
   */
  public static Optional<MethodChoice> choice(CalibrationReport report, ForgetScope scope) {
    for (CalibratedChoice c : report.getChoices()) {
      if (c.getPinned() || !scope.name().equals(c.getScope().toUpperCase(Locale.ROOT))) {
        continue;
      }
      try {
        var method = Methods.byName(c.getMethod());
        Map<String, String> settings = new TreeMap<>();
        c.getSettings().forEach((k, v) -> settings.put(k, v));
        if (!method.scopes().contains(scope) || settings.size() > 64) {
          return Optional.empty();
        }
        method.checkSettings(settings);
        return Optional.of(new MethodChoice(c.getMethod(), settings));
      } catch (IllegalArgumentException e) {
        return Optional.empty();
      }
    }
    return Optional.empty();
  }
}
