package io.lethe.processor.query;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lethe.avro.ModelSamples;
import io.lethe.avro.TrainingLineage;
import java.time.Instant;
import java.util.Optional;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.InvalidStateStoreException;

/**
 * The processor's read-only JSON endpoints over its stores, served beside {@code /metrics} (and
 * bound like it): {@code GET /api/pending} and {@code GET /api/lineage/{subjectId}}. Knows nothing
 * of HTTP beyond a path in and a status with a body out.
 */
public final class QueryRoutes {
  public static final String PREFIX = "/api/";
  static final String PENDING = PREFIX + "pending";
  static final String LINEAGE = PREFIX + "lineage/";

  /** At most this many sample ids are listed per model; the count is always whole. */
  public static final int MAX_LISTED_SAMPLES = 1000;

  private static final ObjectMapper JSON = new ObjectMapper();

  private final PendingQuery pending;
  private final LineageQuery lineage;

  public QueryRoutes(KafkaStreams streams) {
    this.pending = new PendingQuery(streams);
    this.lineage = new LineageQuery(streams);
  }

  /** An answer: the HTTP status and its JSON body. */
  public record Answer(int status, String json) {}

  /** Answers a GET of {@code path} (already URL-decoded). */
  public Answer get(String path) {
    try {
      if (path.equals(PENDING)) {
        return new Answer(200, pendingJson(pending.query()));
      }
      if (path.startsWith(LINEAGE) && path.length() > LINEAGE.length()) {
        String subject = path.substring(LINEAGE.length());
        return lineageJson(subject, lineage.of(subject));
      }
      return error(404, "no such endpoint: " + path);
    } catch (InvalidStateStoreException e) {
      // Rebalancing or restoring: the caller may ask again in a moment.
      return error(503, "stores not queryable now: " + e.getMessage());
    }
  }

  private static String pendingJson(PendingQuery.Answer answer) {
    ObjectNode root = JSON.createObjectNode();
    ArrayNode models = root.putArray("models");
    for (PendingQuery.ModelPending m : answer.models()) {
      ObjectNode model = models.addObject();
      model.put("modelId", m.modelId());
      model.put("requests", m.requests());
      model.put("openedAt", m.openedAt().toString());
      putInstant(model, "earliestDeadline", m.earliestDeadline());
      model.put("bytes", m.bytes());
      ArrayNode listed = model.putArray("pendingRequests");
      for (PendingQuery.PendingRequest r : m.listed()) {
        ObjectNode request = listed.addObject();
        request.put("requestId", r.requestId());
        request.put("scope", r.scope());
        putInstant(request, "deadline", r.deadline());
        request.put("sampleIds", r.sampleIds());
        request.put("classLabels", r.classLabels());
      }
    }
    ArrayNode unavailable = root.putArray("unavailable");
    answer.unavailable().forEach(unavailable::add);
    return root.toString();
  }

  private static Answer lineageJson(String subject, Optional<TrainingLineage> found) {
    if (found.isEmpty()) {
      return error(404, "no model holds data of this subject (unknown, or every erasure applied)");
    }
    TrainingLineage l = found.get();
    ObjectNode root = JSON.createObjectNode();
    root.put("subjectId", subject);
    root.put("updatedAt", l.getUpdatedAt().toString());
    ArrayNode models = root.putArray("models");
    for (ModelSamples m : l.getModels()) {
      ObjectNode model = models.addObject();
      model.put("modelId", m.getModelId());
      model.put("samples", m.getSampleIds().size());
      ArrayNode ids = model.putArray("sampleIds");
      m.getSampleIds().stream().limit(MAX_LISTED_SAMPLES).forEach(ids::add);
    }
    return new Answer(200, root.toString());
  }

  private static void putInstant(ObjectNode node, String field, Instant value) {
    if (value == null) {
      node.putNull(field);
    } else {
      node.put(field, value.toString());
    }
  }

  private static Answer error(int status, String message) {
    ObjectNode root = JSON.createObjectNode();
    root.put("status", status);
    root.put("message", message);
    return new Answer(status, root.toString());
  }
}
