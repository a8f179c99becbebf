package io.lethe.processor.topology;

import io.lethe.avro.BatchCloseReason;
import io.lethe.avro.BatchedRequest;
import io.lethe.avro.ReceiptStatus;
import io.lethe.avro.RequestReceipt;
import io.lethe.avro.UnlearningBatch;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.header.internals.RecordHeaders;
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
 * Keeps one open batch per model (keyed by model id, in a changelogged store so it survives
 * restarts) and closes it on size, on the age of its oldest request, or when its earliest deadline
 * comes near. A wall-clock punctuator checks age and deadlines even when no records arrive, which
 * {@code suppress()} could not.
 */
final class BatchingProcessor implements Processor<String, BatchedRequest, String, Routed> {
  private static final Logger log = LoggerFactory.getLogger(BatchingProcessor.class);

  private final TopologySettings settings;
  private ProcessorContext<String, Routed> context;
  private KeyValueStore<String, UnlearningBatch> open;
  private KeyValueStore<String, Long> sequences;

  BatchingProcessor(TopologySettings settings) {
    this.settings = settings;
  }

  @Override
  public void init(ProcessorContext<String, Routed> context) {
    this.context = context;
    this.open = context.getStateStore(DeletionTopology.OPEN_BATCHES_STORE);
    this.sequences = context.getStateStore(DeletionTopology.SEQUENCE_STORE);
    context.schedule(
        settings.punctuateInterval(), PunctuationType.WALL_CLOCK_TIME, this::closeDueBatches);
  }

  @Override
  public void process(Record<String, BatchedRequest> record) {
    String modelId = record.key();
    long now = context.currentSystemTimeMs();
    UnlearningBatch batch = open.get(modelId);
    if (batch == null) {
      batch =
          UnlearningBatch.newBuilder()
              .setBatchId("")
              .setModelId(modelId)
              .setRequests(new ArrayList<>())
              .setCreatedAt(Instant.ofEpochMilli(now))
              .build();
    }
    List<BatchedRequest> requests = new ArrayList<>(batch.getRequests());
    if (requests.stream().anyMatch(r -> r.getRequestId().equals(record.value().getRequestId()))) {
      return; // already in the open batch (a replay after a crash before the commit)
    }
    requests.add(record.value());
    batch.setRequests(requests);
    BatchPolicy policy = settings.policyFor(modelId);
    if (requests.size() >= policy.maxRequests()) {
      close(batch, BatchCloseReason.SIZE, now);
    } else if (deadlineNear(batch, policy, now)) {
      close(batch, BatchCloseReason.DEADLINE, now);
    } else {
      open.put(modelId, batch);
      settings.events().openBatchChanged(modelId, batch);
    }
  }

  private void closeDueBatches(long now) {
    List<UnlearningBatch> due = new ArrayList<>();
    List<BatchCloseReason> reasons = new ArrayList<>();
    try (KeyValueIterator<String, UnlearningBatch> all = open.all()) {
      while (all.hasNext()) {
        KeyValue<String, UnlearningBatch> entry = all.next();
        UnlearningBatch batch = entry.value;
        BatchPolicy policy = settings.policyFor(entry.key);
        if (now - batch.getCreatedAt().toEpochMilli() >= policy.maxAge().toMillis()) {
          due.add(batch);
          reasons.add(BatchCloseReason.AGE);
        } else if (deadlineNear(batch, policy, now)) {
          due.add(batch);
          reasons.add(BatchCloseReason.DEADLINE);
        }
      }
    }
    for (int i = 0; i < due.size(); i++) {
      close(due.get(i), reasons.get(i), now);
    }
  }

  private static boolean deadlineNear(UnlearningBatch batch, BatchPolicy policy, long now) {
    return batch.getRequests().stream()
        .map(BatchedRequest::getDeadline)
        .filter(java.util.Objects::nonNull)
        .anyMatch(d -> d.toEpochMilli() - now <= policy.deadlineMargin().toMillis());
  }

  private void close(UnlearningBatch batch, BatchCloseReason reason, long now) {
    String modelId = batch.getModelId();
    Long last = sequences.get(modelId);
    long sequence = last == null ? 1 : last + 1;
    batch.setSequence(sequence);
    batch.setBatchId(batchId(modelId, sequence));
    batch.setClosedAt(Instant.ofEpochMilli(now));
    batch.setCloseReason(reason);
    sequences.put(modelId, sequence);
    open.delete(modelId);
    log.info(
        "Closed batch {} with {} request(s) ({})",
        batch.getBatchId(),
        batch.getRequests().size(),
        reason);
    settings.events().batchClosed(batch);
    settings.events().openBatchChanged(modelId, null);
    context.forward(new Record<>(modelId, new Routed.Batch(batch), now, new RecordHeaders()));
    for (BatchedRequest request : batch.getRequests()) {
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
