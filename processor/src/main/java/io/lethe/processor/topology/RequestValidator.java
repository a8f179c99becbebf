package io.lethe.processor.topology;

import io.lethe.avro.DeletionRequest;
import java.util.Optional;

/** Checks a decoded request against its scope's rules and the known models. Pure and stateless. */
public final class RequestValidator {
  private final ModelDirectory models;

  public RequestValidator(ModelDirectory models) {
    this.models = models;
  }

  /** Returns the reason the request is invalid, or empty when it is valid. */
  public Optional<String> problem(String key, DeletionRequest request) {
    String id = request.getRequestId();
    if (id == null || id.isBlank()) {
      return Optional.of("requestId is empty");
    }
    if (key == null || !key.equals(id)) {
      // Deduplication is per partition: the key must be the request id so repeats meet.
      return Optional.of("record key '" + key + "' must be the request id '" + id + "'");
    }
    for (String modelId : request.getModelIds()) {
      if (models.find(modelId).isEmpty()) {
        return Optional.of("unknown model '" + modelId + "'");
      }
    }
    return switch (request.getScope()) {
      case SAMPLES -> samplesProblem(request);
      case CLASS -> classProblem(request);
      case SUBJECT ->
          request.getSubjectId() == null || request.getSubjectId().isBlank()
              ? Optional.of("SUBJECT request without subjectId")
              : Optional.empty();
      case UNKNOWN -> Optional.of("unknown scope");
    };
  }

  private static Optional<String> samplesProblem(DeletionRequest request) {
    if (request.getModelIds().isEmpty()) {
      return Optional.of("SAMPLES request names no model");
    }
    if (request.getSampleIds().isEmpty()) {
      return Optional.of("SAMPLES request names no sample ids");
    }
    if (request.getSampleIds().stream().anyMatch(id -> id < 0)) {
      return Optional.of("negative sample id");
    }
    return Optional.empty();
  }

  private Optional<String> classProblem(DeletionRequest request) {
    if (request.getModelIds().isEmpty()) {
      return Optional.of("CLASS request names no model");
    }
    if (request.getClassLabels().isEmpty()) {
      return Optional.of("CLASS request names no class label");
    }
    for (String modelId : request.getModelIds()) {
      int classes = models.find(modelId).orElseThrow().numClasses();
      for (int label : request.getClassLabels()) {
        if (label < 0 || label >= classes) {
          return Optional.of(
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
