package io.lethe.registry.internals.service;

import io.lethe.registry.internals.db.AliasMove;
import io.lethe.registry.internals.db.AliasRow;
import io.lethe.registry.internals.db.ReceiptRow;
import io.lethe.registry.internals.db.VersionRow;
import java.time.Instant;
import java.util.List;

/** What the registry's services return; plain data, no HTTP. */
public final class Views {
  private Views() {}

  /** One page of a listing; {@code page} counts from 0. */
  public record Page<T>(List<T> items, int page, int size, long total) {}

  /** A version with its place in the lineage and the aliases pointing at it. */
  public record VersionDetail(
      VersionRow version, List<Integer> ancestors, List<Integer> children, List<String> aliases) {}

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
  public record AliasDetail(AliasView current, List<AliasMove> history) {}

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
      List<ReceiptRow> receipts,
      List<ModelExclusion> models) {}

  /** A version whose artifact a purge deleted (or, in a dry run, would delete). */
  public record PurgedVersion(
      int version, List<String> erasedRequests, String artifactSha256, boolean fileDeleted) {}

  /** A version that holds erased data but that the purge left alone, and why. */
  public record SkippedVersion(int version, List<String> erasedRequests, String reason) {}

  /** What a purge (manual or automatic) did. */
  public record PurgeReport(
      String modelId, boolean dryRun, List<PurgedVersion> purged, List<SkippedVersion> skipped) {}

  /** Where an artifact's bytes are, for download. */
  public record ArtifactFile(
      String modelId, int version, java.nio.file.Path path, String sha256, long sizeBytes) {}
}
