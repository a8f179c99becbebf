package io.lethe.processor.topology;

import io.lethe.avro.BatchCloseReason;
import io.lethe.avro.BatchedRequest;
import io.lethe.avro.ReceiptStatus;
import io.lethe.avro.RequestReceipt;
import io.lethe.avro.UnlearningBatch;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one open batch per model (in changelogged stores, so it survives restarts) and closes it on
 * size, on the age of its oldest request, or when its earliest deadline comes near. A wall-clock
 * punctuator checks age and deadlines even when no records arrive, which {@code suppress()} could
 * not. Each request is stored once under {@code modelId|index}; a small header per model carries
 * the batch's size, age and earliest deadline.
 */
final class BatchingProcessor implements Processor<String, BatchedRequest, String, Routed> {
  private static final Logger log = LoggerFactory.getLogger(BatchingProcessor.class);
  private static final StringSerializer KEYS = new StringSerializer();

  private final TopologySettings settings;
  private ProcessorContext<String, Routed> context;
  private KeyValueStore<String, OpenBatch> open;
  private KeyValueStore<String, BatchedRequest> pending;
  private KeyValueStore<String, Long> sequences;

  BatchingProcessor(TopologySettings settings) {
    this.settings = settings;
  }

  @Override
  public void init(ProcessorContext<String, Routed> context) {
    this.context = context;
    this.open = context.getStateStore(DeletionTopology.OPEN_BATCHES_STORE);
    this.pending = context.getStateStore(DeletionTopology.PENDING_REQUESTS_STORE);
    this.sequences = context.getStateStore(DeletionTopology.SEQUENCE_STORE);
    context.schedule(
        settings.punctuateInterval(), PunctuationType.WALL_CLOCK_TIME, this::closeDueBatches);
  }

  @Override
  public void process(Record<String, BatchedRequest> record) {
    String modelId = record.key();
    long now = context.currentSystemTimeMs();
    OpenBatch batch = open.get(modelId);
    BatchedRequest request = record.value();
    long bytes = IntakeLimits.sizeOf(request);
    if (batch != null
        && batch.size() > 0
        && batch.bytes() + bytes > settings.limits().maxBatchBytes()) {
      // Close before the batch would outgrow the producer's max.request.size, not after.
      close(modelId, batch, BatchCloseReason.SIZE, now);
      batch = null;
    }
    if (batch == null) {
      batch = OpenBatch.startedAt(now);
    }
    pending.put(OpenBatch.requestKey(modelId, batch.nextIndex()), request);
    Instant deadline = request.getDeadline();
    batch = batch.plus(deadline == null ? null : deadline.toEpochMilli(), bytes);
    BatchPolicy policy = settings.policyFor(modelId);
    if (batch.size() >= policy.maxRequests()) {
      close(modelId, batch, BatchCloseReason.SIZE, now);
    } else if (deadlineNear(batch, policy, now)) {
      close(modelId, batch, BatchCloseReason.DEADLINE, now);
    } else {
      open.put(modelId, batch);
      settings
          .events()
          .openBatchChanged(
              modelId,
              batch.size(),
              Instant.ofEpochMilli(batch.createdAt()),
              batch.hasDeadline() ? Instant.ofEpochMilli(batch.earliestDeadline()) : null);
    }
  }

  private void closeDueBatches(long now) {
    Map<String, OpenBatch> due = new java.util.LinkedHashMap<>();
    Map<String, BatchCloseReason> reasons = new java.util.HashMap<>();
    try (KeyValueIterator<String, OpenBatch> all = open.all()) {
      while (all.hasNext()) {
        KeyValue<String, OpenBatch> entry = all.next();
        BatchPolicy policy = settings.policyFor(entry.key);
        if (now - entry.value.createdAt() >= policy.maxAge().toMillis()) {
          due.put(entry.key, entry.value);
          reasons.put(entry.key, BatchCloseReason.AGE);
        } else if (deadlineNear(entry.value, policy, now)) {
          due.put(entry.key, entry.value);
          reasons.put(entry.key, BatchCloseReason.DEADLINE);
        }
      }
    }
    due.forEach((modelId, batch) -> close(modelId, batch, reasons.get(modelId), now));
  }

  private static boolean deadlineNear(OpenBatch batch, BatchPolicy policy, long now) {
    return batch.hasDeadline()
        && batch.earliestDeadline() - now <= policy.deadlineMargin().toMillis();
  }

  private void close(String modelId, OpenBatch header, BatchCloseReason reason, long now) {
    List<BatchedRequest> requests = new ArrayList<>(header.size());
    List<String> keys = new ArrayList<>(header.size());
    try (KeyValueIterator<String, BatchedRequest> it =
        pending.prefixScan(OpenBatch.requestPrefix(modelId), KEYS)) {
      while (it.hasNext()) {
        KeyValue<String, BatchedRequest> entry = it.next();
        keys.add(entry.key);
        requests.add(entry.value);
      }
    }
    // put(key, null) deletes like delete(key) but does not read and decode the old value back.
    keys.forEach(key -> pending.put(key, null));
    open.delete(modelId);
    Long last = sequences.get(modelId);
    long sequence = last == null ? 1 : last + 1;
    sequences.put(modelId, sequence);
    UnlearningBatch batch =
        UnlearningBatch.newBuilder()
            .setBatchId(batchId(modelId, sequence))
            .setModelId(modelId)
            .setSequence(sequence)
            .setRequests(requests)
            .setCreatedAt(Instant.ofEpochMilli(header.createdAt()))
            .setClosedAt(Instant.ofEpochMilli(now))
            .setCloseReason(reason)
            .build();
    log.info(
        "Closed batch {} with {} request(s) ({})", batch.getBatchId(), requests.size(), reason);
    settings.events().batchClosed(batch);
    settings.events().openBatchChanged(modelId, 0, null, null);
    context.forward(new Record<>(modelId, new Routed.Batch(batch), now, new RecordHeaders()));
    for (BatchedRequest request : requests) {
      RequestReceipt receipt = Receipts.of(request.getRequestId(), ReceiptStatus.BATCHED, now);
      receipt.setModelId(modelId);
      receipt.setBatchId(batch.getBatchId());
      context.forward(
          new Record<>(
              request.getRequestId(), new Routed.Receipt(receipt), now, new RecordHeaders()));
    }
  }

  /** Deterministic, so a re-run of the worker is idempotent by it. */
  static String batchId(String modelId, long sequence) {
    return String.format("%s-b%06d", modelId, sequence);
  }
}
