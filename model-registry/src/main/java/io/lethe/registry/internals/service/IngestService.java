package io.lethe.registry.internals.service;

import io.lethe.avro.Artifact;
import io.lethe.avro.ModelVersion;
import io.lethe.avro.ReceiptStatus;
import io.lethe.avro.RequestReceipt;
import io.lethe.avro.VerificationMetrics;
import io.lethe.registry.internals.artifact.ArtifactVerifier;
import io.lethe.registry.internals.db.AuditDao;
import io.lethe.registry.internals.db.AuditEntry;
import io.lethe.registry.internals.db.Database;
import io.lethe.registry.internals.db.Metrics;
import io.lethe.registry.internals.db.ReceiptDao;
import io.lethe.registry.internals.db.ReceiptRow;
import io.lethe.registry.internals.db.VersionDao;
import io.lethe.registry.internals.db.VersionRow;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns consumed records into stored rows. Idempotent: a redelivered version or receipt changes
 * nothing; a version that conflicts with the stored one is audited and never overwrites it.
 *
 * <p>Text copied from a record into the database is sanitized first ({@link LogSafe#bounded}: no
 * NUL or other control character, which PostgreSQL refuses or a reader could be fooled by, and
 * bounded in length); the fingerprint and receipt key are computed from the record as it came, so a
 * redelivery is still recognised. A time outside years 1..9999 is refused with {@link
 * InvalidRecordException} (bad data: the consumer sets the record aside) rather than clamped, so
 * that no stored receipt carries a time its producer never wrote.
 */
public final class IngestService {
  private static final Logger log = LoggerFactory.getLogger(IngestService.class);
  static final String ACTOR = "consumer";

  /** Longest id (model, request, batch) stored; ids are far shorter in practice. */
  static final int MAX_ID = 512;

  /** Longest free text (a reason, a URI, a method) stored. */
  static final int MAX_TEXT = 2000;

  /** The range of times stored: four-digit years, as every ISO-8601 reader expects. */
  static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");

  static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999Z");

  /** What happened to a consumed version. */
  public enum Outcome {
    STORED,
    DUPLICATE,
    CONFLICT,
    REJECTED;

    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private final Database db;
  private final VersionDao versions;
  private final ReceiptDao receipts;
  private final AuditDao audit;
  private final ArtifactVerifier verifier;
  private final RegistryMetrics metrics;
  private final AliasService aliases;

  public IngestService(
      Database db,
      VersionDao versions,
      ReceiptDao receipts,
      AuditDao audit,
      ArtifactVerifier verifier,
      RegistryMetrics metrics,
      AliasService aliases) {
    this.aliases = aliases;
    this.db = db;
    this.versions = versions;
    this.receipts = receipts;
    this.audit = audit;
    this.verifier = verifier;
    this.metrics = metrics;
  }

  /**
   * Stores a version, then applies the model's alias policy: the version may be the one an alias
   * should follow to, or the first to erase a request an alias still serves. A failure of either
   * step is retried with the record, and both are idempotent.
   */
  public Outcome ingestVersion(ModelVersion raw) {
    checkTime("createdAt", raw.getCreatedAt());
    String fingerprint = fingerprint(raw);
    ModelVersion record = sanitized(raw);
    Outcome outcome = store(record, fingerprint);
    if (outcome != Outcome.REJECTED) {
      aliases.reconcile(record.getModelId());
    }
    metrics.versionIngested(outcome.label());
    return outcome;
  }

  private Outcome store(ModelVersion record, String fingerprint) {
    String modelId = record.getModelId();
    if (modelId == null || modelId.isBlank() || record.getVersion() < 1) {
      log.warn(
          "Rejected a model version without a model id or with version < 1 (model {}, version {})",
          LogSafe.of(modelId),
          record.getVersion());
      audit.append(
          AuditEntry.of(
              ACTOR,
              "version.rejected",
              blankToNull(modelId),
              null,
              null,
              Map.of("reason", "missing model id or version < 1")));
      return Outcome.REJECTED;
    }
    int version = record.getVersion();
    Optional<String> stored = versions.findFingerprint(modelId, version);
    if (stored.isPresent()) {
      return sameOrConflict(modelId, version, stored.get(), fingerprint);
    }
    ArtifactVerifier.Result check =
        verifier.verify(
            record.getArtifact().getUri(),
            record.getArtifact().getSha256(),
            record.getArtifact().getSizeBytes());
    VersionRow row = toRow(record, check, fingerprint);
    return db.inTransaction(
        () -> {
          if (!versions.insert(row)) {
            // Another delivery won the race; compare with what it stored.
            return sameOrConflict(
                modelId,
                version,
                versions.findFingerprint(modelId, version).orElse(""),
                fingerprint);
          }
          Map<String, Object> details = new LinkedHashMap<>();
          details.put("status", row.status());
          details.put("sha256", row.artifactSha256());
          details.put("artifactVerified", row.artifactVerified());
          details.put("requestIds", row.requestIds());
          audit.append(AuditEntry.of(ACTOR, "version.ingested", modelId, version, null, details));
          if (!check.verified()) {
            metrics.artifactUnverified();
            log.warn(
                "Model {} version {} stored with an unverified artifact: {}",
                LogSafe.of(modelId),
                version,
                check.problem());
            audit.append(
                AuditEntry.of(
                    ACTOR,
                    "artifact.unverified",
                    modelId,
                    version,
                    null,
                    Map.of("problem", check.problem(), "uri", row.artifactUri())));
          }
          log.info("Stored model {} version {} ({})", LogSafe.of(modelId), version, row.status());
          return Outcome.STORED;
        });
  }

  private Outcome sameOrConflict(String modelId, int version, String stored, String incoming) {
    if (stored.equals(incoming)) {
      log.debug("Model {} version {} redelivered; already stored", LogSafe.of(modelId), version);
      return Outcome.DUPLICATE;
    }
    log.warn(
        "Model {} version {} redelivered with different content; the stored version is kept",
        LogSafe.of(modelId),
        version);
    if (!audit.exists("version.conflict", modelId, version, "incomingFingerprint", incoming)) {
      audit.append(
          AuditEntry.of(
              ACTOR,
              "version.conflict",
              modelId,
              version,
              null,
              Map.of("storedFingerprint", stored, "incomingFingerprint", incoming)));
    }
    return Outcome.CONFLICT;
  }

  /** Stores a receipt; false when the same receipt was already stored. */
  public boolean ingestReceipt(RequestReceipt record) {
    checkTime("at", record.getAt());
    if (record.getRequestId() == null || record.getRequestId().isBlank()) {
      metrics.receiptIngested("rejected");
      audit.append(
          AuditEntry.of(
              ACTOR, "receipt.rejected", null, null, null, Map.of("reason", "missing request id")));
      return false;
    }
    ReceiptRow row =
        new ReceiptRow(
            receiptKey(record),
            LogSafe.bounded(record.getRequestId(), MAX_ID),
            record.getStatus(),
            LogSafe.bounded(record.getModelId(), MAX_ID),
            LogSafe.bounded(record.getBatchId(), MAX_ID),
            record.getModelVersion(),
            LogSafe.bounded(record.getReason(), MAX_TEXT),
            record.getAt(),
            null);
    boolean stored = receipts.insert(row);
    if (row.status() == ReceiptStatus.APPLIED && row.modelId() != null) {
      // An erasure was applied: an alias may now serve data it must not.
      aliases.reconcile(row.modelId());
    }
    metrics.receiptIngested(stored ? "stored" : "duplicate");
    return stored;
  }

  /** Records that a consumed record could not be decoded; it is skipped, never retried. */
  public void recordUndecodable(String topic, int partition, long offset, String error) {
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("topic", topic);
    details.put("partition", partition);
    details.put("offset", offset);
    details.put("error", LogSafe.bounded(error, MAX_TEXT));
    audit.append(AuditEntry.of(ACTOR, "record.undecodable", null, null, null, details));
  }

  static void checkTime(String field, Instant at) {
    if (at != null && (at.isBefore(EARLIEST) || at.isAfter(LATEST))) {
      throw new InvalidRecordException(
          field + " " + at + " is outside the years 1 to 9999 the registry stores");
    }
  }

  /** {@code r} with every text field the database receives sanitized. */
  static ModelVersion sanitized(ModelVersion r) {
    Artifact a = r.getArtifact();
    VerificationMetrics m = r.getMetrics();
    return ModelVersion.newBuilder(r)
        .setMetrics(
            m == null
                ? null
                : VerificationMetrics.newBuilder(m)
                    .setEvidence(LogSafe.bounded(m.getEvidence(), MAX_ID))
                    .setReanchorReason(LogSafe.bounded(m.getReanchorReason(), MAX_TEXT))
                    .build())
        .setModelId(LogSafe.bounded(r.getModelId(), MAX_ID))
        .setBatchId(LogSafe.bounded(r.getBatchId(), MAX_ID))
        .setRequestIds(r.getRequestIds().stream().map(id -> LogSafe.bounded(id, MAX_ID)).toList())
        .setFailureReason(LogSafe.bounded(r.getFailureReason(), MAX_TEXT))
        .setMethod(LogSafe.bounded(r.getMethod(), MAX_TEXT))
        .setDevice(LogSafe.bounded(r.getDevice(), MAX_TEXT))
        .setArtifact(
            a == null
                ? null
                : new Artifact(
                    LogSafe.bounded(a.getUri(), MAX_TEXT),
                    LogSafe.bounded(a.getSha256(), MAX_TEXT),
                    a.getSizeBytes()))
        .build();
  }

  static VersionRow toRow(ModelVersion r, ArtifactVerifier.Result check, String fingerprint) {
    VerificationMetrics m = r.getMetrics();
    return new VersionRow(
        r.getModelId(),
        r.getVersion(),
        r.getParentVersion(),
        r.getBatchId(),
        List.copyOf(r.getRequestIds()),
        r.getStatus(),
        r.getFailureReason(),
        r.getMethod(),
        r.getDevice(),
        r.getArtifact().getUri(),
        r.getArtifact().getSha256().toLowerCase(Locale.ROOT),
        r.getArtifact().getSizeBytes(),
        check.verified(),
        check.problem(),
        null,
        new Metrics(
            m.getForgetAccuracy(),
            m.getRetainAccuracy(),
            m.getTestAccuracy(),
            m.getMia(),
            m.getAvgGap(),
            m.getJsDivergence(),
            m.getParameterDistance(),
            m.getForgetSetSize(),
            m.getRetainSetSize(),
            m.getDurationMillis(),
            m.getSpeedup(),
            m.getEvidence(),
            m.getPerExampleReferenceModels(),
            m.getPerExampleMeanScore(),
            m.getPerExampleWorstScore(),
            m.getPerExampleFlagged(),
            m.getPerExamplePower(),
            m.getDriftTestDrop(),
            m.getDriftEarlierForgetAccuracy(),
            m.getDriftDivergence(),
            m.getReanchorReason()),
        r.getCreatedAt() == null ? Instant.EPOCH : r.getCreatedAt(),
        null,
        fingerprint,
        Map.of());
  }

  /** Content fingerprint of a version: sha256 of Avro's JSON rendering of the record. */
  static String fingerprint(ModelVersion record) {
    return ArtifactVerifier.sha256Hex(record.toString());
  }

  static String receiptKey(RequestReceipt r) {
    return ArtifactVerifier.sha256Hex(
        String.join(
            "\u0000",
            r.getRequestId(),
            r.getStatus().name(),
            Objects.toString(r.getModelId(), ""),
            Objects.toString(r.getBatchId(), ""),
            Objects.toString(r.getModelVersion(), ""),
            Objects.toString(r.getReason(), ""),
            Objects.toString(r.getAt() == null ? null : r.getAt().toEpochMilli(), "")));
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }
}
