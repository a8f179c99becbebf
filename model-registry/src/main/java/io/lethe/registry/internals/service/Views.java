package io.lethe.registry.internals.service;

import io.lethe.avro.AliasMoveKind;
import io.lethe.avro.ReceiptStatus;
import io.lethe.avro.VerificationStatus;
import io.lethe.registry.internals.db.AliasMove;
import io.lethe.registry.internals.db.AliasRow;
import io.lethe.registry.internals.db.AuditEntry;
import io.lethe.registry.internals.db.DeadLetterRow;
import io.lethe.registry.internals.db.Metrics;
import io.lethe.registry.internals.db.ModelSummary;
import io.lethe.registry.internals.db.ReceiptRow;
import io.lethe.registry.internals.db.VersionRow;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What the registry's services return; plain data, no HTTP. Database rows stay inside the services:
 * each row the web layer shows has its view here.
 */
public final class Views {
  private Views() {}

  /** One page of a listing; {@code page} counts from 0. */
  public record Page<T>(List<T> items, int page, int size, long total) {
    <R> Page<R> map(java.util.function.Function<T, R> f) {
      return new Page<>(items.stream().map(f).toList(), page, size, total);
    }
  }

  /** One model as listed: how many versions, the latest, and when. */
  public record ModelView(
      String modelId,
      int versionCount,
      int latestVersion,
      String latestStatus,
      Instant firstCreatedAt,
      Instant lastCreatedAt) {
    static ModelView of(ModelSummary m) {
      return new ModelView(
          m.modelId(),
          m.versionCount(),
          m.latestVersion(),
          m.latestStatus(),
          m.firstCreatedAt(),
          m.lastCreatedAt());
    }
  }

  /**
   * One model with what an engineer looks for first: its aliases (each with the erased data its
   * version still holds), its tags, and which versions still hold erased data.
   */
  public record ModelDetail(
      String modelId,
      int versionCount,
      int latestVersion,
      String latestStatus,
      Instant firstCreatedAt,
      Instant lastCreatedAt,
      String aliasPolicy,
      List<AliasView> aliases,
      Map<String, String> tags,
      List<Integer> versionsHoldingErasedData) {}

  /**
   * Verification metrics of a version; names follow the Avro {@code VerificationMetrics}. The
   * per-example, drift and re-anchor figures are null when they did not run (and for versions
   * stored before they existed).
   */
  public record MetricsView(
      Double forgetAccuracy,
      Double retainAccuracy,
      Double testAccuracy,
      Double mia,
      Double avgGap,
      Double jsDivergence,
      Double parameterDistance,
      int forgetSetSize,
      int retainSetSize,
      long durationMillis,
      Double speedup,
      String evidence,
      Integer perExampleReferenceModels,
      Double perExampleMeanScore,
      Double perExampleWorstScore,
      Double perExampleFlagged,
      Double perExamplePower,
      Double driftTestDrop,
      Double driftEarlierForgetAccuracy,
      Double driftDivergence,
      String reanchorReason) {
    static MetricsView of(Metrics m) {
      return new MetricsView(
          m.forgetAccuracy(),
          m.retainAccuracy(),
          m.testAccuracy(),
          m.mia(),
          m.avgGap(),
          m.jsDivergence(),
          m.parameterDistance(),
          m.forgetSetSize(),
          m.retainSetSize(),
          m.durationMillis(),
          m.speedup(),
          m.evidence(),
          m.perExampleReferenceModels(),
          m.perExampleMeanScore(),
          m.perExampleWorstScore(),
          m.perExampleFlagged(),
          m.perExamplePower(),
          m.driftTestDrop(),
          m.driftEarlierForgetAccuracy(),
          m.driftDivergence(),
          m.reanchorReason());
    }
  }

  /** A stored model version; see {@link VersionRow} for what each field means. */
  public record VersionView(
      String modelId,
      int version,
      Integer parentVersion,
      String batchId,
      List<String> requestIds,
      VerificationStatus status,
      String failureReason,
      String method,
      String device,
      String artifactUri,
      String artifactSha256,
      long artifactSizeBytes,
      boolean artifactVerified,
      String artifactProblem,
      Instant artifactPurgedAt,
      MetricsView metrics,
      Instant createdAt,
      Instant ingestedAt,
      Map<String, String> tags,
      List<String> heldRequests) {
    public boolean purged() {
      return artifactPurgedAt != null;
    }

    /** {@code held}: the erased requests whose data the version still holds (the ledger's). */
    static VersionView of(VersionRow v, List<String> held) {
      return new VersionView(
          v.modelId(),
          v.version(),
          v.parentVersion(),
          v.batchId(),
          v.requestIds(),
          v.status(),
          v.failureReason(),
          v.method(),
          v.device(),
          v.artifactUri(),
          v.artifactSha256(),
          v.artifactSizeBytes(),
          v.artifactVerified(),
          v.artifactProblem(),
          v.artifactPurgedAt(),
          MetricsView.of(v.metrics()),
          v.createdAt(),
          v.ingestedAt(),
          v.tags(),
          held);
    }
  }

  /** One step in a deletion request's life. */
  public record ReceiptView(
      String requestId,
      ReceiptStatus status,
      String modelId,
      String batchId,
      Integer modelVersion,
      String reason,
      Instant at) {
    static ReceiptView of(ReceiptRow r) {
      return new ReceiptView(
          r.requestId(),
          r.status(),
          r.modelId(),
          r.batchId(),
          r.modelVersion(),
          r.reason(),
          r.at());
    }
  }

  /** An entry of the audit log. */
  public record AuditView(
      Long id,
      Instant at,
      String actor,
      String action,
      String modelId,
      Integer version,
      String requestId,
      Map<String, Object> details) {
    static AuditView of(AuditEntry e) {
      return new AuditView(
          e.id(),
          e.at(),
          e.actor(),
          e.action(),
          e.modelId(),
          e.version(),
          e.requestId(),
          e.details());
    }
  }

  /** A record the consumer set aside, with where it is in Kafka and why. */
  public record DeadLetterView(
      long id,
      String topic,
      int partition,
      long offset,
      String key,
      String kind,
      String message,
      int attempts,
      Instant firstFailedAt,
      Instant lastFailedAt,
      Instant setAsideAt) {
    static DeadLetterView of(DeadLetterRow r) {
      return new DeadLetterView(
          r.id(),
          r.topic(),
          r.partition(),
          r.offset(),
          r.key(),
          r.errorKind(),
          r.errorMessage(),
          r.attempts(),
          r.firstFailedAt(),
          r.lastFailedAt(),
          r.setAsideAt());
    }
  }

  /** One move of an alias; {@code toVersion} null for a removal. */
  public record AliasMoveView(
      long id,
      String modelId,
      String alias,
      AliasMoveKind kind,
      Integer fromVersion,
      Integer toVersion,
      String reason,
      Instant movedAt,
      String actor) {
    static AliasMoveView of(AliasMove m) {
      return new AliasMoveView(
          m.id(),
          m.modelId(),
          m.alias(),
          m.kind(),
          m.fromVersion(),
          m.toVersion(),
          m.reason(),
          m.movedAt(),
          m.actor());
    }
  }

  /** A version with its place in the lineage and the aliases pointing at it. */
  public record VersionDetail(
      VersionView version, List<Integer> ancestors, List<Integer> children, List<String> aliases) {}

  /**
   * Where an alias points, and the erased requests whose data that version still holds (empty
   * unless the model's alias policy is HOLD, or no version excludes every erasure yet).
   */
  public record AliasView(
      String modelId,
      String alias,
      int version,
      Instant updatedAt,
      boolean servesErasedData,
      List<String> heldRequests) {
    static AliasView of(AliasRow row, List<String> held) {
      return new AliasView(
          row.modelId(), row.alias(), row.version(), row.updatedAt(), !held.isEmpty(), held);
    }
  }

  /** An alias now (null when unset), and every move it made, newest first. */
  public record AliasDetail(AliasView current, List<AliasMoveView> history) {}

  /** For one model a request concerns: the first version that no longer holds its data. */
  public record ModelExclusion(
      String modelId,
      Integer firstExcludingVersion,
      boolean versionIngested,
      io.lethe.avro.VerificationStatus versionStatus,
      Instant appliedAt) {}

  /** A request's receipt history and, per model, its first excluding version. */
  public record RequestView(
      String requestId,
      io.lethe.avro.ReceiptStatus latestStatus,
      List<ReceiptView> receipts,
      List<ModelExclusion> models) {}

  /** A version whose artifact a purge deleted (or, in a dry run, would delete). */
  public record PurgedVersion(
      int version, List<String> erasedRequests, String artifactSha256, boolean fileDeleted) {}

  /** A version that holds erased data but that the purge left alone, and why. */
  public record SkippedVersion(int version, List<String> erasedRequests, String reason) {}

  /** What a purge (manual or automatic) did. */
  public record PurgeReport(
      String modelId, boolean dryRun, List<PurgedVersion> purged, List<SkippedVersion> skipped) {}

  /**
   * A calibration report as consumed from {@code lethe.calibrations}; field names follow the Avro
   * {@code CalibrationReport}. {@code ingestedAt} is when the registry stored it.
   */
  public record CalibrationView(
      String modelId,
      int generation,
      String requestId,
      io.lethe.avro.CalibrationStatus status,
      String reason,
      long seed,
      int budgetRetrainings,
      double retrainingsUsed,
      long durationMillis,
      Instant calibratedAt,
      Instant ingestedAt,
      List<SimulationView> simulations,
      List<ChoiceView> choices,
      List<CandidateView> candidates) {}

  /** One deletion a calibration simulated on the training side. */
  public record SimulationView(String name, String scope, int forgetSetSize) {}

  /** The method and settings a calibration chose for one scope. */
  public record ChoiceView(
      String scope, String method, Map<String, String> settings, boolean pinned) {
    public ChoiceView {
      settings = sortedSettings(settings);
    }
  }

  /**
   * Settings sorted by key, so the API and the page list them in one order (JSONB, where they are
   * stored, orders an object's keys by length first).
   */
  static Map<String, String> sortedSettings(Map<String, String> settings) {
    return settings == null
        ? Map.of()
        : java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(settings));
  }

  /** One method with one setting, scored against the oracle over its scope's simulations. */
  public record CandidateView(
      String scope,
      String method,
      Map<String, String> settings,
      Double avgGap,
      Double forgetAccuracy,
      Double heldOutAccuracy,
      Double oracleHeldOutAccuracy,
      double costRetrainings,
      String verdict,
      String reason,
      boolean chosen) {
    public CandidateView {
      settings = sortedSettings(settings);
    }
  }

  /** Where an artifact's bytes are, for download. */
  public record ArtifactFile(
      String modelId, int version, java.nio.file.Path path, String sha256, long sizeBytes) {}
}
