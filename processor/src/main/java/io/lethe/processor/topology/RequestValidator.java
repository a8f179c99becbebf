package io.lethe.processor.topology;

import static io.lethe.processor.topology.RejectionKind.INVALID;
import static io.lethe.processor.topology.RejectionKind.TOO_LARGE;
import static io.lethe.processor.topology.RejectionKind.UNKNOWN_MODEL;

import io.lethe.avro.DeletionRequest;
import java.util.Optional;

/** Checks a decoded request against its scope's rules and the known models. Pure and stateless. */
public final class RequestValidator {
  private final ModelDirectory models;
  private final IntakeLimits limits;

  public RequestValidator(ModelDirectory models) {
    this(models, IntakeLimits.DEFAULT);
  }

  public RequestValidator(ModelDirectory models, IntakeLimits limits) {
    this.models = models;
    this.limits = limits;
  }

  /** Returns why the request is refused, or empty when it is valid. */
  public Optional<Rejection> problem(String key, DeletionRequest request) {
    String id = request.getRequestId();
    if (id == null || id.isBlank()) {
      return reject(INVALID, "requestId is empty");
    }
    if (!SafeText.isClean(id, limits.maxIdLength())) {
      // The id travels into receipts, headers and the registry's database as it is.
      return reject(
          INVALID,
          "requestId '"
              + id
              + "' has control characters or is longer than "
              + limits.maxIdLength()
              + " characters");
    }
    if (key == null || !key.equals(id)) {
      // Deduplication is per partition: the key must be the request id so repeats meet.
      return reject(INVALID, "record key '" + key + "' must be the request id '" + id + "'");
    }
    int ids = request.getSampleIds().size() + request.getClassLabels().size();
    if (ids > limits.maxSampleIdsPerRequest()) {
      return reject(
          TOO_LARGE,
          "request names "
              + ids
              + " sample ids and class labels; at most "
              + limits.maxSampleIdsPerRequest()
              + " are accepted (lethe.processor.max-sample-ids-per-request)");
    }
    for (String modelId : request.getModelIds()) {
      if (models.find(modelId).isEmpty()) {
        return reject(UNKNOWN_MODEL, "unknown model '" + modelId + "'");
      }
    }
    return switch (request.getScope()) {
      case SAMPLES -> samplesProblem(request);
      case CLASS -> classProblem(request);
      case SUBJECT ->
          request.getSubjectId() == null || request.getSubjectId().isBlank()
              ? reject(INVALID, "SUBJECT request without subjectId")
              : Optional.empty();
      case UNKNOWN -> reject(INVALID, "unknown scope");
    };
  }

  private static Optional<Rejection> reject(RejectionKind kind, String message) {
    return Optional.of(Rejection.of(kind, message));
  }

  private static Optional<Rejection> samplesProblem(DeletionRequest request) {
    if (request.getModelIds().isEmpty()) {
      return reject(INVALID, "SAMPLES request names no model");
    }
    if (request.getSampleIds().isEmpty()) {
      return reject(INVALID, "SAMPLES request names no sample ids");
    }
    if (request.getSampleIds().stream().anyMatch(id -> id < 0)) {
      return reject(INVALID, "negative sample id");
    }
    return Optional.empty();
  }

  private Optional<Rejection> classProblem(DeletionRequest request) {
    if (request.getModelIds().isEmpty()) {
      return reject(INVALID, "CLASS request names no model");
    }
    if (request.getClassLabels().isEmpty()) {
      return reject(INVALID, "CLASS request names no class label");
    }
    for (String modelId : request.getModelIds()) {
      int classes = models.find(modelId).orElseThrow().numClasses();
      for (int label : request.getClassLabels()) {
        if (label < 0 || label >= classes) {
          return reject(
              INVALID,
              "class "
                  + label
                  + " out of range for model '"
                  + modelId
                  + "' (0.."
                  + (classes - 1)
                  + ")");
        }
      }
    }
    return Optional.empty();
  }
}
