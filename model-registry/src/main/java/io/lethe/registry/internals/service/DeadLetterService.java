package io.lethe.registry.internals.service;

import io.lethe.registry.internals.db.AuditDao;
import io.lethe.registry.internals.db.AuditEntry;
import io.lethe.registry.internals.db.Database;
import io.lethe.registry.internals.db.DeadLetterDao;
import io.lethe.registry.internals.db.DeadLetterRow;
import io.lethe.registry.internals.service.Views.Page;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** Records the consumer set aside: stored, audited and counted once each, and listed. */
public final class DeadLetterService {
  /** Longest key kept (keys are ids; the record itself stays in Kafka). */
  static final int MAX_KEY = 256;

  /** Longest error message kept. */
  static final int MAX_MESSAGE = 1000;

  private final Database db;
  private final DeadLetterDao deadLetters;
  private final AuditDao audit;
  private final RegistryMetrics metrics;

  public DeadLetterService(
      Database db, DeadLetterDao deadLetters, AuditDao audit, RegistryMetrics metrics) {
    this.db = db;
    this.deadLetters = deadLetters;
    this.audit = audit;
    this.metrics = metrics;
  }

  /** A record to set aside, as the consumer saw it fail; text is sanitized when stored. */
  public record Letter(
      String topic,
      int partition,
      long offset,
      String key,
      FailureKind kind,
      String message,
      int attempts,
      Instant firstFailedAt,
      Instant lastFailedAt) {}

  /**
   * Stores, audits ({@code record.set-aside}) and counts {@code letter}, in one transaction; false
   * (and nothing written) when the same record was already set aside, e.g. on a redelivery after a
   * lost offset commit.
   */
  public boolean setAside(Letter letter) {
    DeadLetterRow row =
        new DeadLetterRow(
            null,
            LogSafe.bounded(letter.topic(), MAX_KEY),
            letter.partition(),
            letter.offset(),
            LogSafe.bounded(letter.key(), MAX_KEY),
            letter.kind().label(),
            LogSafe.bounded(letter.message() == null ? "" : letter.message(), MAX_MESSAGE),
            letter.attempts(),
            letter.firstFailedAt(),
            letter.lastFailedAt(),
            null);
    boolean stored =
        db.inTransaction(
            () -> {
              if (!deadLetters.insert(row)) {
                return false;
              }
              Map<String, Object> details = new LinkedHashMap<>();
              details.put("topic", row.topic());
              details.put("partition", row.partition());
              details.put("offset", row.offset());
              details.put("kind", row.errorKind());
              details.put("attempts", row.attempts());
              details.put("error", row.errorMessage());
              audit.append(
                  AuditEntry.of(
                      IngestService.ACTOR, "record.set-aside", null, null, null, details));
              return true;
            });
    if (stored) {
      metrics.deadLettered(letter.kind());
    }
    return stored;
  }

  public Page<Views.DeadLetterView> list(String topic, int page, int size) {
    int offset = Checks.offset(page, size);
    String t = Checks.blankToNull(topic);
    return db.inTransaction(
        () ->
            new Page<>(deadLetters.list(t, size, offset), page, size, deadLetters.count(t))
                .map(Views.DeadLetterView::of));
  }
}
