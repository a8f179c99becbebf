package io.lethe.processor.query;

import io.lethe.avro.BatchedRequest;
import io.lethe.processor.topology.DeletionTopology;
import io.lethe.processor.topology.OpenBatch;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.query.QueryResult;
import org.apache.kafka.streams.query.RangeQuery;
import org.apache.kafka.streams.query.StateQueryRequest;
import org.apache.kafka.streams.query.StateQueryResult;
import org.apache.kafka.streams.state.KeyValueIterator;

/**
 * The open batches and their pending requests, read with interactive queries (KIP-796, IQv2) from
 * the topology's own stores on this instance: the active tasks only, so a standby replica never
 * counts a request twice. With several processors each one answers for the partitions it owns.
 */
public final class PendingQuery {
  /** At most this many request ids are listed per model; the count is always whole. */
  public static final int MAX_LISTED_REQUESTS = 100;

  private final KafkaStreams streams;

  public PendingQuery(KafkaStreams streams) {
    this.streams = streams;
  }

  /** One model's open batch and (up to {@link #MAX_LISTED_REQUESTS} of) its requests. */
  public record ModelPending(
      String modelId,
      int requests,
      Instant openedAt,
      Instant earliestDeadline,
      long bytes,
      List<PendingRequest> listed) {}

  /** A request waiting in an open batch. */
  public record PendingRequest(
      String requestId, String scope, Instant deadline, int sampleIds, int classLabels) {}

  /**
   * What this instance holds, and the partitions it could not answer for (a task restoring or
   * migrating): their batches are missing from the answer.
   */
  public record Answer(List<ModelPending> models, List<String> unavailable) {}

  public Answer query() {
    List<String> unavailable = new ArrayList<>();
    Map<String, OpenBatch> headers = new TreeMap<>();
    this.<OpenBatch>scan(DeletionTopology.OPEN_BATCHES_STORE, unavailable)
        .forEach(kv -> headers.put(kv.key, kv.value));
    Map<String, List<PendingRequest>> listed = new TreeMap<>();
    for (KeyValue<String, BatchedRequest> kv :
        this.<BatchedRequest>scan(DeletionTopology.PENDING_REQUESTS_STORE, unavailable)) {
      List<PendingRequest> list =
          listed.computeIfAbsent(OpenBatch.modelOfRequestKey(kv.key), m -> new ArrayList<>());
      if (list.size() < MAX_LISTED_REQUESTS) {
        BatchedRequest r = kv.value;
        list.add(
            new PendingRequest(
                r.getRequestId(),
                r.getScope().name(),
                r.getDeadline(),
                r.getSampleIds().size(),
                r.getClassLabels().size()));
      }
    }
    List<ModelPending> models = new ArrayList<>();
    headers.forEach(
        (modelId, b) ->
            models.add(
                new ModelPending(
                    modelId,
                    b.size(),
                    Instant.ofEpochMilli(b.createdAt()),
                    b.hasDeadline() ? Instant.ofEpochMilli(b.earliestDeadline()) : null,
                    b.bytes(),
                    listed.getOrDefault(modelId, List.of()))));
    return new Answer(models, unavailable);
  }

  /**
   * Every entry of a key-value store on this instance's active partitions. The iterators are
   * drained and closed here: a store iterator left open pins the store's resources.
   */
  private <V> List<KeyValue<String, V>> scan(String store, List<String> unavailable) {
    StateQueryRequest<KeyValueIterator<String, V>> request =
        StateQueryRequest.inStore(store)
            .withQuery(RangeQuery.<String, V>withNoBounds())
            .requireActive();
    StateQueryResult<KeyValueIterator<String, V>> result = streams.query(request);
    List<KeyValue<String, V>> entries = new ArrayList<>();
    for (Map.Entry<Integer, QueryResult<KeyValueIterator<String, V>>> partition :
        new TreeMap<>(result.getPartitionResults()).entrySet()) {
      QueryResult<KeyValueIterator<String, V>> r = partition.getValue();
      if (r.isFailure()) {
        unavailable.add(store + "-" + partition.getKey() + ": " + r.getFailureReason());
        continue;
      }
      try (KeyValueIterator<String, V> it = r.getResult()) {
        while (it.hasNext()) {
          entries.add(it.next());
        }
      }
    }
    return entries;
  }
}
