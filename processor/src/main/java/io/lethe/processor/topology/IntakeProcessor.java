package io.lethe.processor.topology;

import static io.lethe.processor.topology.RejectionKind.MALFORMED;
import static io.lethe.processor.topology.RejectionKind.TOO_LARGE;
import static io.lethe.processor.topology.RejectionKind.UNKNOWN_SUBJECT;

import io.lethe.avro.BatchedRequest;
import io.lethe.avro.DeletionRequest;
import io.lethe.avro.DeletionScope;
import io.lethe.avro.ModelSamples;
import io.lethe.avro.ReceiptStatus;
import io.lethe.avro.RequestReceipt;
import io.lethe.avro.TrainingLineage;
import io.lethe.kafka.AvroLimitException;
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

  /** Key of the dedupe clock's high-water mark in its store (one per task). */
  private static final String CLOCK_KEY = "dedupe-clock";

  private final Deserializer<DeletionRequest> decoder;
  private final RequestValidator validator;
  private final TopologySettings settings;
  private final RecordFailures failures;
  private ProcessorContext<String, Routed> context;
  private WindowStore<String, Long> seen;
  private KeyValueStore<String, Long> clock;
  private KeyValueStore<String, TrainingLineage> lineage;
  private KeyValueStore<String, RequestReceipt> outcomes;
  private long clockHighWater = Long.MIN_VALUE;

  IntakeProcessor(
      Deserializer<DeletionRequest> decoder, TopologySettings settings, RecordFailures failures) {
    this.decoder = decoder;
    this.validator = new RequestValidator(settings.models(), settings.limits());
    this.settings = settings;
    this.failures = failures;
  }

  @Override
  public void init(ProcessorContext<String, Routed> context) {
    this.context = context;
    this.seen = context.getStateStore(DeletionTopology.DEDUPE_STORE);
    this.clock = context.getStateStore(DeletionTopology.DEDUPE_CLOCK_STORE);
    this.lineage = context.getStateStore(DeletionTopology.LINEAGE_STORE);
    this.outcomes = context.getStateStore(DeletionTopology.OUTCOMES_STORE);
    Long stored = clock.get(CLOCK_KEY);
    clockHighWater = stored == null ? Long.MIN_VALUE : stored;
  }

  @Override
  public void process(Record<String, byte[]> record) {
    RecordFailures.Coordinates at =
        context
            .recordMetadata()
            .map(m -> new RecordFailures.Coordinates(m.topic(), m.partition(), m.offset()))
            .orElse(null);
    String givenUp = at == null ? null : failures.givenUp(at);
    if (givenUp != null) {
      settings.events().received();
      reject(
          record,
          cleanKey(record.key()),
          "process",
          Rejection.of(RejectionKind.PROCESSING_FAILED, givenUp),
          context.currentSystemTimeMs());
      return;
    }
    if (at != null) {
      failures.processing(at);
    }
    try {
      intake(record);
    } catch (RuntimeException e) {
      failures.done(); // an exception is the processing handler's (dead-lettered at once)
      throw e;
    }
    // An Error skips this on purpose: the uncaught-exception handler counts it against the record.
    failures.done();
  }

  private void intake(Record<String, byte[]> record) {
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
    } catch (AvroLimitException e) {
      reject(
          record,
          cleanKey(record.key()),
          "deserialize",
          Rejection.of(TOO_LARGE, e.getMessage()),
          now);
      return;
    } catch (SerializationException e) {
      reject(
          record,
          cleanKey(record.key()),
          "deserialize",
          Rejection.of(MALFORMED, "malformed record: " + e.getMessage()),
          now);
      return;
    }
    Optional<Rejection> problem = validator.problem(record.key(), request);
    if (problem.isPresent()) {
      reject(record, cleanKey(request.getRequestId()), "validate", problem.get(), now);
      return;
    }
    String id = request.getRequestId();
    long dedupeNow = dedupeClock(now);
    Long acceptedAt = lastAccepted(id, dedupeNow);
    if (acceptedAt != null && failedSince(id, acceptedAt)) {
      log.info("Request {} failed before; this is a new attempt", id);
    } else if (acceptedAt != null) {
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
    } catch (Refused e) {
      reject(record, id, "resolve", e.rejection, now);
      return;
    }
    seen.put(id, dedupeNow, dedupeNow);
    forward(record, id, new Routed.Receipt(Receipts.of(id, ReceiptStatus.ACCEPTED, now)));
    for (Routed.Resolved r : resolved) {
      forward(record, id, r);
    }
  }

  /**
   * The time deduplication runs on: the wall clock, but never earlier than any time this task used
   * before (kept in a changelogged store, so it survives restarts). A clock stepped back would
   * otherwise look for earlier ids in a window that ends before they were stored, and miss them.
   */
  private long dedupeClock(long wallClock) {
    if (wallClock > clockHighWater) {
      clockHighWater = wallClock;
      clock.put(CLOCK_KEY, wallClock);
    }
    return clockHighWater;
  }

  /** When the request id was last accepted within the dedupe window, or null. */
  private Long lastAccepted(String requestId, long now) {
    long from = now - settings.dedupeRetention().toMillis();
    Long last = null;
    try (WindowStoreIterator<Long> hits = seen.fetch(requestId, Math.max(0, from), now)) {
      while (hits.hasNext()) {
        long at = hits.next().value;
        last = last == null ? at : Math.max(last, at);
      }
    }
    return last;
  }

  /**
   * Whether the request's latest receipt is FAILED and came after its last acceptance: then a
   * repeat is a new attempt, not a DUPLICATE. Pending and applied requests stay duplicates; a
   * repeat sent again before the new attempt's ACCEPTED reached the store is still refused, as the
   * FAILED receipt is older than that acceptance.
   */
  private boolean failedSince(String requestId, long acceptedAt) {
    RequestReceipt latest = outcomes.get(requestId);
    return latest != null
        && latest.getStatus() == ReceiptStatus.FAILED
        && latest.getAt().toEpochMilli() >= acceptedAt;
  }

  /** A request that resolves to nothing it may be applied to. */
  private static final class Refused extends Exception {
    final Rejection rejection;

    Refused(Rejection rejection) {
      super(rejection.message(), null, false, false);
      this.rejection = rejection;
    }
  }

  /** One {@link Routed.Resolved} per model the request concerns. */
  private List<Routed.Resolved> resolve(DeletionRequest request) throws Refused {
    List<Routed.Resolved> out = new ArrayList<>();
    if (request.getScope() != DeletionScope.SUBJECT) {
      for (String modelId : request.getModelIds()) {
        out.add(new Routed.Resolved(modelId, batched(request, request.getSampleIds())));
      }
    } else {
      TrainingLineage subject = lineage.get(request.getSubjectId());
      if (subject == null || subject.getModels().isEmpty()) {
        throw new Refused(
            Rejection.of(
                UNKNOWN_SUBJECT,
                "no training lineage for subject '" + request.getSubjectId() + "'"));
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
        throw new Refused(
            Rejection.of(
                UNKNOWN_SUBJECT,
                "subject '"
                    + request.getSubjectId()
                    + "' has no samples in the named, known models"));
      }
    }
    IntakeLimits limits = settings.limits();
    for (Routed.Resolved r : out) {
      int ids = r.request().getSampleIds().size();
      if (ids > limits.maxSampleIdsPerRequest()) {
        throw new Refused(
            Rejection.of(
                TOO_LARGE,
                "request resolves to "
                    + ids
                    + " sample ids of model '"
                    + r.modelId()
                    + "'; at most "
                    + limits.maxSampleIdsPerRequest()
                    + " are accepted"));
      }
      long bytes = IntakeLimits.sizeOf(r.request());
      if (bytes > limits.maxBatchBytes()) {
        throw new Refused(
            Rejection.of(
                TOO_LARGE,
                "request needs up to "
                    + bytes
                    + " bytes, more than a whole batch may carry ("
                    + limits.maxBatchBytes()
                    + ")"));
      }
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
        request.getDeadline(),
        request.getScope() == DeletionScope.SUBJECT ? request.getSubjectId() : null);
  }

  /**
   * {@code id} when it can be a receipt's request id as it is; otherwise null (no receipt): an id
   * with NULs or control characters, e.g. a key framed the Confluent way, is never copied.
   */
  private String cleanKey(String id) {
    return id != null && !id.isBlank() && SafeText.isClean(id, settings.limits().maxIdLength())
        ? id
        : null;
  }

  private void reject(
      Record<String, byte[]> record,
      String requestId,
      String stage,
      Rejection rejection,
      long now) {
    String where =
        context
            .recordMetadata()
            .map(m -> m.topic() + "-" + m.partition() + "@" + m.offset())
            .orElse("?");
    log.warn("Rejected record {} ({}): {}", where, rejection.kind().label(), rejection.message());
    settings.events().rejected(rejection.kind());
    Headers headers = new RecordHeaders(record.headers().toArray());
    headers.add(DeletionTopology.HEADER_STAGE, stage.getBytes(StandardCharsets.UTF_8));
    headers.add(
        DeletionTopology.HEADER_KIND, rejection.kind().name().getBytes(StandardCharsets.UTF_8));
    headers.add(
        DeletionTopology.HEADER_REASON, rejection.message().getBytes(StandardCharsets.UTF_8));
    headers.add(DeletionTopology.HEADER_ORIGIN, where.getBytes(StandardCharsets.UTF_8));
    context.forward(
        new Record<>(
            record.key(), new Routed.DeadLetter(record.value()), record.timestamp(), headers));
    if (requestId != null) {
      var receipt = Receipts.rejected(requestId, rejection.message(), now);
      forward(record, requestId, new Routed.Receipt(receipt));
    }
  }

  private void forward(Record<String, byte[]> in, String key, Routed value) {
    context.forward(new Record<>(key, value, in.timestamp(), new RecordHeaders()));
  }
}
