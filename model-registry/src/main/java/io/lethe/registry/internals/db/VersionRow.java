package io.lethe.registry.internals.db;

import io.lethe.avro.VerificationStatus;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A stored model version. {@code artifactVerified} is true only when the artifact's bytes were read
 * at ingest and matched the published sha256 and size; {@code artifactProblem} says why not.
 */
public record VersionRow(
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
    Metrics metrics,
    Instant createdAt,
    Instant ingestedAt,
    String fingerprint,
    Map<String, String> tags) {

  public VersionRow {
    requestIds = List.copyOf(requestIds);
    // Tag name to value (null for a bare label), sorted by name; nulls rule out Map.copyOf.
    tags = tags == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(tags));
  }

  public boolean passed() {
    return status == VerificationStatus.PASSED;
  }

  /**
   * Whether this version applied its batch: PASSED, or NOT_VERIFIED (built without the batch's
   * data, but its checks had too little evidence to say it forgot). Both may serve; the certificate
   * says which.
   */
  public boolean applied() {
    return status == VerificationStatus.PASSED || status == VerificationStatus.NOT_VERIFIED;
  }

  public boolean failed() {
    return status == VerificationStatus.FAILED;
  }

  public boolean purged() {
    return artifactPurgedAt != null;
  }
}
