package io.lethe.registry.internals.web;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.lethe.registry.internals.service.Views;
import io.lethe.registry.internals.service.Views.MetricsView;
import io.lethe.registry.internals.service.Views.ReceiptView;
import io.lethe.registry.internals.service.Views.VersionView;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** Request and response bodies of the HTTP API. Field names of a version follow the Avro schema. */
public final class Dtos {
  private Dtos() {}

  /** The one error body: every 4xx and 5xx answer carries it, never a stack trace. */
  public record ErrorDto(int status, String error, String message, String path) {}

  public record PageDto<T>(List<T> items, int page, int size, long total) {
    static <R, T> PageDto<T> of(Views.Page<R> page, Function<R, T> map) {
      return new PageDto<>(
          page.items().stream().map(map).toList(), page.page(), page.size(), page.total());
    }
  }

  public record ArtifactDto(
      String uri,
      String sha256,
      long sizeBytes,
      boolean verified,
      String problem,
      Instant purgedAt,
      String downloadUrl) {}

  public record LineageDto(
      Integer parentVersion,
      List<Integer> ancestors,
      List<Integer> children,
      String batchId,
      List<String> requestIds) {}

  public record VersionDto(
      String modelId,
      int version,
      Integer parentVersion,
      String batchId,
      List<String> requestIds,
      io.lethe.avro.VerificationStatus status,
      String failureReason,
      String method,
      String device,
      ArtifactDto artifact,
      MetricsView metrics,
      Instant createdAt,
      Instant ingestedAt,
      Map<String, String> tags,
      List<String> heldRequests,
      @JsonInclude(JsonInclude.Include.NON_NULL) LineageDto lineage,
      @JsonInclude(JsonInclude.Include.NON_NULL) List<String> aliases) {

    static VersionDto of(VersionView v) {
      return of(v, null, null);
    }

    static VersionDto of(VersionView v, LineageDto lineage, List<String> aliases) {
      String download =
          v.purged() || !v.artifactVerified()
              ? null
              : "/api/models/" + v.modelId() + "/versions/" + v.version() + "/artifact";
      return new VersionDto(
          v.modelId(),
          v.version(),
          v.parentVersion(),
          v.batchId(),
          v.requestIds(),
          v.status(),
          v.failureReason(),
          v.method(),
          v.device(),
          new ArtifactDto(
              v.artifactUri(),
              v.artifactSha256(),
              v.artifactSizeBytes(),
              v.artifactVerified(),
              v.artifactProblem(),
              v.artifactPurgedAt(),
              download),
          v.metrics(),
          v.createdAt(),
          v.ingestedAt(),
          v.tags(),
          v.heldRequests(),
          lineage,
          aliases);
    }

    static VersionDto of(Views.VersionDetail d) {
      VersionView v = d.version();
      return of(
          v,
          new LineageDto(
              v.parentVersion(), d.ancestors(), d.children(), v.batchId(), v.requestIds()),
          d.aliases());
    }
  }

  public record ReceiptDto(
      String requestId,
      io.lethe.avro.ReceiptStatus status,
      String modelId,
      String batchId,
      Integer modelVersion,
      String reason,
      Instant at) {
    static ReceiptDto of(ReceiptView r) {
      return new ReceiptDto(
          r.requestId(),
          r.status(),
          r.modelId(),
          r.batchId(),
          r.modelVersion(),
          r.reason(),
          r.at());
    }
  }

  public record RequestDto(
      String requestId,
      io.lethe.avro.ReceiptStatus latestStatus,
      List<ReceiptDto> receipts,
      List<Views.ModelExclusion> models) {
    static RequestDto of(Views.RequestView v) {
      return new RequestDto(
          v.requestId(),
          v.latestStatus(),
          v.receipts().stream().map(ReceiptDto::of).toList(),
          v.models());
    }
  }

  /** Body of {@code PUT /api/models/{modelId}/aliases/{alias}}. */
  public record PromoteRequest(Integer version, String reason) {}

  /** Optional body of the tag endpoints' PUT; no body, or no value, sets a bare label. */
  public record TagRequest(String value) {}

  /** Optional body of the alias rollback and removal endpoints. */
  public record ReasonRequest(String reason) {}
}
