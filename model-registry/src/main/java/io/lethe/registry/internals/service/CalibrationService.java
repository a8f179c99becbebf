package io.lethe.registry.internals.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lethe.avro.CalibrationReport;
import io.lethe.registry.internals.artifact.ArtifactVerifier;
import io.lethe.registry.internals.db.AuditDao;
import io.lethe.registry.internals.db.AuditEntry;
import io.lethe.registry.internals.db.CalibrationDao;
import io.lethe.registry.internals.db.CalibrationRow;
import io.lethe.registry.internals.db.Database;
import io.lethe.registry.internals.service.Views.CalibrationView;
import io.lethe.registry.internals.service.Views.CandidateView;
import io.lethe.registry.internals.service.Views.ChoiceView;
import io.lethe.registry.internals.service.Views.Page;
import io.lethe.registry.internals.service.Views.SimulationView;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calibration reports (topic {@code lethe.calibrations}): stored as consumed, every one kept, and
 * read back as the model's latest or its history. A redelivered report (same content) is stored
 * once; a report out of bounds is refused ({@link CalibrationReports}) and set aside by the
 * consumer.
 */
public final class CalibrationService {
  private static final Logger log = LoggerFactory.getLogger(CalibrationService.class);

  private final Database db;
  private final CalibrationDao calibrations;
  private final AuditDao audit;
  private final RegistryMetrics metrics;
  private final ObjectMapper json;

  public CalibrationService(
      Database db,
      CalibrationDao calibrations,
      AuditDao audit,
      RegistryMetrics metrics,
      ObjectMapper json) {
    this.db = db;
    this.calibrations = calibrations;
    this.audit = audit;
    this.metrics = metrics;
    this.json = json;
  }

  /** Stores a consumed report; false when it was already stored. */
  public boolean ingest(CalibrationReport raw) {
    CalibrationReports.check(raw);
    // From the record as it came, so that a redelivery is recognised whatever sanitizing did.
    String fingerprint = ArtifactVerifier.sha256Hex(raw.toString());
    String modelId = LogSafe.bounded(raw.getModelId(), IngestService.MAX_ID);
    CalibrationRow row =
        new CalibrationRow(
            0,
            modelId,
            raw.getGeneration(),
            LogSafe.bounded(raw.getRequestId(), IngestService.MAX_ID),
            raw.getStatus(),
            LogSafe.bounded(raw.getReason(), IngestService.MAX_TEXT),
            raw.getSeed(),
            raw.getBudgetRetrainings(),
            raw.getRetrainingsUsed(),
            raw.getDurationMillis(),
            raw.getCalibratedAt() == null ? Instant.EPOCH : raw.getCalibratedAt(),
            write(CalibrationReports.simulations(raw)),
            write(CalibrationReports.choices(raw)),
            write(CalibrationReports.candidates(raw)),
            fingerprint,
            null);
    boolean stored =
        db.inTransaction(
            () -> {
              if (!calibrations.insert(row)) {
                return false;
              }
              audit.append(
                  AuditEntry.of(
                      IngestService.ACTOR,
                      "calibration.ingested",
                      modelId,
                      null,
                      row.requestId(),
                      Checks.details(
                          "generation",
                          row.generation(),
                          "status",
                          row.status().name(),
                          "candidates",
                          raw.getCandidates().size())));
              return true;
            });
    metrics.calibrationIngested(stored ? "stored" : "duplicate");
    if (stored) {
      log.info(
          "Stored the calibration of model {} generation {} ({}, {} candidates)",
          LogSafe.of(modelId),
          row.generation(),
          row.status(),
          raw.getCandidates().size());
    }
    return stored;
  }

  /** The model's latest report; 404 when it has none. */
  public CalibrationView latest(String modelId) {
    return calibrations
        .latest(modelId)
        .map(this::view)
        .orElseThrow(
            () -> RegistryException.notFound("model " + modelId + " has no calibration report"));
  }

  /** The model's reports, newest first; {@code generation} null for all. Empty when none. */
  public Page<CalibrationView> history(String modelId, Integer generation, int page, int size) {
    int offset = Checks.offset(page, size);
    if (generation != null && generation < 0) {
      throw RegistryException.invalid("generation must be >= 0");
    }
    return db.inTransaction(
        () ->
            new Page<>(
                    calibrations.list(modelId, generation, offset, size),
                    page,
                    size,
                    calibrations.count(modelId, generation))
                .map(this::view));
  }

  private CalibrationView view(CalibrationRow r) {
    return new CalibrationView(
        r.modelId(),
        r.generation(),
        r.requestId(),
        r.status(),
        r.reason(),
        r.seed(),
        r.budgetRetrainings(),
        r.retrainingsUsed(),
        r.durationMillis(),
        r.calibratedAt(),
        r.ingestedAt(),
        read(r.simulationsJson(), new TypeReference<List<SimulationView>>() {}),
        read(r.choicesJson(), new TypeReference<List<ChoiceView>>() {}),
        read(r.candidatesJson(), new TypeReference<List<CandidateView>>() {}));
  }

  private String write(List<?> items) {
    try {
      return json.writeValueAsString(items);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write a calibration report as JSON", e);
    }
  }

  private <T> T read(String text, TypeReference<T> type) {
    try {
      return json.readValue(text, type);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a stored calibration report is not valid JSON", e);
    }
  }
}
