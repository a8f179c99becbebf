package io.lethe.registry;

import io.lethe.avro.Artifact;
import io.lethe.avro.ModelVersion;
import io.lethe.avro.VerificationMetrics;
import io.lethe.avro.VerificationStatus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

/** Test data: real artifact files and the ModelVersion records that point at them. */
final class Artifacts {
  private final Path dir;
  private final Random random = new Random(42);

  Artifacts(Path dir) {
    this.dir = dir;
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Writes random bytes to a content-addressed file and returns its Artifact record. */
  Artifact write(int size) {
    byte[] bytes = new byte[size];
    random.nextBytes(bytes);
    String sha = sha256(bytes);
    Path file = dir.resolve(sha + ".params");
    try {
      Files.write(file, bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new Artifact(file.toUri().toString(), sha, (long) size);
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static Path path(Artifact artifact) {
    return Path.of(java.net.URI.create(artifact.getUri()));
  }

  /** A version with a fresh artifact; metrics derived from the version number. */
  ModelVersion version(
      String modelId, int version, VerificationStatus status, List<String> requestIds) {
    return version(modelId, version, status, requestIds, write(256 + version));
  }

  ModelVersion version(
      String modelId,
      int version,
      VerificationStatus status,
      List<String> requestIds,
      Artifact artifact) {
    return ModelVersion.newBuilder()
        .setModelId(modelId)
        .setVersion(version)
        .setParentVersion(version == 1 ? null : version - 1)
        .setBatchId(version == 1 ? null : "batch-" + modelId + "-" + version)
        .setRequestIds(requestIds)
        .setStatus(status)
        .setFailureReason(status == VerificationStatus.FAILED ? "forget accuracy too high" : null)
        .setMethod(version == 1 ? "train" : "famr")
        .setDevice("cpu")
        .setArtifact(artifact)
        .setMetrics(
            VerificationMetrics.newBuilder()
                .setForgetAccuracy(version == 1 ? null : 0.10 + 0.01 * version)
                .setRetainAccuracy(0.95 - 0.005 * version)
                .setTestAccuracy(0.93 - 0.004 * version)
                .setMia(version == 1 ? null : 0.51)
                .setForgetSetSize(requestIds.size() * 10)
                .setRetainSetSize(9000)
                .setDurationMillis(1200L * version)
                .setSpeedup(version == 1 ? null : 12.5)
                .build())
        .setCreatedAt(Instant.parse("2026-01-01T00:00:00Z").plusSeconds(3600L * version))
        .build();
  }
}
