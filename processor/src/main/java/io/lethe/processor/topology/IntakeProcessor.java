package io.lethe.processor.topology;

import io.lethe.avro.BatchedRequest;
import io.lethe.avro.DeletionRequest;
import io.lethe.avro.DeletionScope;
import io.lethe.avro.ModelSamples;
import io.lethe.avro.ReceiptStatus;
import io.lethe.avro.TrainingLineage;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first step for every input record, keyed by request id: decode, validate, deduplicate, and
 * resolve to (model, samples). Every outcome is forwarded as a {@link Routed} value; nothing is
 * dropped silently.
 */
final class IntakeProcessor implements Processor<String, byte[], String, Routed> {
  private static final Logger log = LoggerFactory.getLogger(IntakeProcessor.class);

  private final Deserializer<DeletionRequest> decoder;
  private final RequestValidator validator;
  private final TopologySettings settings;
  private ProcessorContext<String, Routed> context;
  private WindowStore<String, Long> seen;
  private KeyValueStore<String, TrainingLineage> lineage;

  IntakeProcessor(Deserializer<DeletionRequest> decoder, TopologySettings settings) {
    this.decoder = decoder;
    this.validator = new RequestValidator(settings.models());
    this.settings = settings;
  }

  @Override
  public void init(ProcessorContext<String, Routed> context) {
    this.context = context;
    this.seen = context.getStateStore(DeletionTopology.DEDUPE_STORE);
    this.lineage = context.getStateStore(DeletionTopology.LINEAGE_STORE);
  }

  @Override
  public void process(Record<String, byte[]> record) {
    long now = context.currentSystemTimeMs();
    settings.events().received();
    DeletionRequest request;
    try {
      if (record.value() == null) {
        throw new SerializationException("empty record value");
      }
      request =
          decoder.deserialize(
              context.recordMetadata().map(m -> m.topic()).orElse(""), record.value());
    } catch (SerializationException e) {
      reject(record, record.key(), "deserialize", "malformed record: " + e.getMessage(), now);
      return;
    }
    Optional<String> problem = validator.problem(record.key(), request);
    if (problem.isPresent()) {
      reject(record, request.getRequestId(), "validate", problem.get(), now);
      return;
    }
    String id = request.getRequestId();
    if (alreadySeen(id, now)) {
      log.info("Request {} is a duplicate; not applied again", id);
      settings.events().duplicate();
      var receipt = Receipts.of(id, ReceiptStatus.DUPLICATE, now);
      receipt.setReason("request id already accepted");
      forward(record, id, new Routed.Receipt(receipt));
      return;
    }
    List<Routed.Resolved> resolved;
    try {
      resolved = resolve(request);
    } catch (IllegalArgumentException e) {
      reject(record, id, "resolve", e.getMessage(), now);
      return;
    }
    seen.put(id, now, now);
    forward(record, id, new Routed.Receipt(Receipts.of(id, ReceiptStatus.ACCEPTED, now)));
    for (Routed.Resolved r : resolved) {
      forward(record, id, r);
    }
  }

  private boolean alreadySeen(String requestId, long now) {
    long from = now - settings.dedupeRetention().toMillis();
    try (WindowStoreIterator<Long> hits = seen.fetch(requestId, Math.max(0, from), now)) {
      return hits.hasNext();
    }
  }

  /** One {@link Routed.Resolved} per model the request concerns. */
  private List<Routed.Resolved> resolve(DeletionRequest request) {
    List<Routed.Resolved> out = new ArrayList<>();
    if (request.getScope() != DeletionScope.SUBJECT) {
      for (String modelId : request.getModelIds()) {
        out.add(new Routed.Resolved(modelId, batched(request, request.getSampleIds())));
      }
      return out;
    }
    TrainingLineage subject = lineage.get(request.getSubjectId());
    if (subject == null || subject.getModels().isEmpty()) {
      throw new IllegalArgumentException(
          "no training lineage for subject '" + request.getSubjectId() + "'");
    }
    for (ModelSamples samples : subject.getModels()) {
      boolean wanted =
          request.getModelIds().isEmpty() || request.getModelIds().contains(samples.getModelId());
      if (wanted
          && settings.models().find(samples.getModelId()).isPresent()
          && !samples.getSampleIds().isEmpty()) {
        out.add(
            new Routed.Resolved(samples.getModelId(), batched(request, samples.getSampleIds())));
      }
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException(
          "subject '" + request.getSubjectId() + "' has no samples in the named, known models");
    }
    return out;
  }

  private static BatchedRequest batched(DeletionRequest request, List<Long> sampleIds) {
    // The all-fields constructor rather than the builder, which copies defaults on every call.
    return new BatchedRequest(
        request.getRequestId(),
        request.getScope(),
        request.getScope() == DeletionScope.CLASS ? List.of() : sampleIds,
        request.getClassLabels(),
        request.getDeadline());
  }

  private void reject(
      Record<String, byte[]> record, String requestId, String stage, String reason, long now) {
    String where =
        context
            .recordMetadata()
            .map(m -> m.topic() + "-" + m.partition() + "@" + m.offset())
            .orElse("?");
    log.warn("Rejected record {} (key {}): {}", where, record.key(), reason);
    settings.events().rejected(reason);
    Headers headers = new RecordHeaders(record.headers().toArray());
    headers.add(DeletionTopology.HEADER_STAGE, stage.getBytes(StandardCharsets.UTF_8));
    headers.add(DeletionTopology.HEADER_REASON, reason.getBytes(StandardCharsets.UTF_8));
    headers.add(DeletionTopology.HEADER_ORIGIN, where.getBytes(StandardCharsets.UTF_8));
    context.forward(
        new Record<>(
            record.key(), new Routed.DeadLetter(record.value()), record.timestamp(), headers));
    if (requestId != null && !requestId.isBlank()) {
      forward(record, requestId, new Routed.Receipt(Receipts.rejected(requestId, reason, now)));
    }
  }

  private void forward(Record<String, byte[]> in, String key, Routed value) {
    context.forward(new Record<>(key, value, in.timestamp(), new RecordHeaders()));
  }
}
