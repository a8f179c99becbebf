package io.lethe.processor.topology;

import io.lethe.avro.BatchedRequest;
import io.lethe.kafka.LetheTopics;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.Stores;

/**
 * The deletion-request topology (DESIGN §1): intake (decode · validate · dedupe · resolve) keyed by
 * request id, then a repartition by model id, then per-model batching. The application and the
 * {@code TopologyTestDriver} tests both build it with {@link #build}.
 */
public final class DeletionTopology {
  static final String DEDUPE_STORE = "request-ids";
  static final String DEDUPE_CLOCK_STORE = "dedupe-clock";

  /** The lineage of each subject (global), read by {@code lethe lineage}. */
  public static final String LINEAGE_STORE = "training-lineage";

  /** Each request's latest receipt (global): a FAILED request may be sent again. */
  static final String OUTCOMES_STORE = "request-outcomes";

  /** Each model's open batch header ({@link OpenBatch}), read by {@code lethe pending}. */
  public static final String OPEN_BATCHES_STORE = "open-batches";

  /**
   * The requests of the open batches, keyed {@code modelId|index}, read by {@code lethe pending}.
   */
  public static final String PENDING_REQUESTS_STORE = "pending-requests";

  static final String SEQUENCE_STORE = "batch-sequences";

  /** Dead-letter headers: which step refused the record, why, and where it came from. */
  public static final String HEADER_STAGE = "lethe.error.stage";

  public static final String HEADER_REASON = "lethe.error.reason";

  /** The {@link RejectionKind} of the refusal, by name. */
  public static final String HEADER_KIND = "lethe.error.kind";

  public static final String HEADER_ORIGIN = "lethe.error.origin";

  private DeletionTopology() {}

  public static Topology build(LetheTopics topics, TopologySettings settings) {
    return build(topics, settings, new RecordFailures());
  }

  /**
   * As {@link #build(LetheTopics, TopologySettings)}, with the {@link RecordFailures} that the
   * application's uncaught-exception handler reports to.
   */
  public static Topology build(
      LetheTopics topics, TopologySettings settings, RecordFailures failures) {
    StreamsBuilder builder = new StreamsBuilder();
    long retention = settings.dedupeRetention().toMillis();
    builder.addStateStore(
        Stores.windowStoreBuilder(
            Stores.persistentWindowStore(
                DEDUPE_STORE,
                settings.dedupeRetention(),
                java.time.Duration.ofMillis(Math.max(1, retention / 2)),
                false),
            Serdes.String(),
            Serdes.Long()));
    // The dedupe clock's high-water mark: one tiny entry per task, changelogged.
    builder.addStateStore(
        Stores.keyValueStoreBuilder(
                Stores.inMemoryKeyValueStore(DEDUPE_CLOCK_STORE), Serdes.String(), Serdes.Long())
            .withCachingEnabled());
    // The batch stores hold at most one open batch per model: in memory, changelogged (so restored
    // after a restart), with a record cache, so a request stored and removed again within one
    // commit
    // interval never reaches the changelog. The dedupe store grows with traffic: RocksDB.
    builder.addStateStore(
        Stores.keyValueStoreBuilder(
                Stores.inMemoryKeyValueStore(OPEN_BATCHES_STORE),
                Serdes.String(),
                new OpenBatch.StoreSerde())
            .withCachingEnabled());
    Serde<BatchedRequest> batched = topics.serdes.serde(BatchedRequest.class);
    builder.addStateStore(
        Stores.keyValueStoreBuilder(
                Stores.inMemoryKeyValueStore(PENDING_REQUESTS_STORE), Serdes.String(), batched)
            .withCachingEnabled());
    builder.addStateStore(
        Stores.keyValueStoreBuilder(
            Stores.inMemoryKeyValueStore(SEQUENCE_STORE), Serdes.String(), Serdes.Long()));
    builder.addGlobalStore(
        Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(LINEAGE_STORE),
                topics.trainingLineage.keySerde(),
                topics.trainingLineage.valueSerde())
            .withLoggingDisabled(),
        topics.trainingLineage.name(),
        Consumed.with(topics.trainingLineage.keySerde(), topics.trainingLineage.valueSerde())
            .withName("training-lineage"),
        () -> new GlobalStoreUpdater<>(LINEAGE_STORE));
    builder.addGlobalStore(
        Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(OUTCOMES_STORE),
                topics.requestReceipts.keySerde(),
                topics.requestReceipts.valueSerde())
            .withLoggingDisabled(),
        topics.requestReceipts.name(),
        Consumed.with(topics.requestReceipts.keySerde(), topics.requestReceipts.valueSerde())
            .withName("request-outcomes"),
        () -> new GlobalStoreUpdater<>(OUTCOMES_STORE));

    // Raw bytes in: decoding is a step of its own, so malformed input becomes a dead letter.
    KStream<String, Routed> intake =
        builder.stream(
                topics.deletionRequests.name(),
                Consumed.with(Serdes.String(), Serdes.ByteArray()).withName("deletion-requests"))
            .process(
                () ->
                    new IntakeProcessor(
                        topics.deletionRequests.valueSerde().deserializer(), settings, failures),
                Named.as("intake"),
                DEDUPE_STORE,
                DEDUPE_CLOCK_STORE);
    routeReceiptsAndDeadLetters(intake, topics, "intake");

    KStream<String, Routed> batching =
        intake
            .filter((k, v) -> v instanceof Routed.Resolved, Named.as("resolved"))
            .map(
                (k, v) -> {
                  Routed.Resolved r = (Routed.Resolved) v;
                  return KeyValue.pair(r.modelId(), r.request());
                },
                Named.as("key-by-model"))
            .repartition(Repartitioned.with(Serdes.String(), batched).withName("requests-by-model"))
            .process(
                () -> new BatchingProcessor(settings),
                Named.as("batching"),
                OPEN_BATCHES_STORE,
                PENDING_REQUESTS_STORE,
                SEQUENCE_STORE);
    routeReceiptsAndDeadLetters(batching, topics, "batching");
    batching
        .filter((k, v) -> v instanceof Routed.Batch, Named.as("batching-batches"))
        .mapValues(v -> ((Routed.Batch) v).batch(), Named.as("batching-unwrap-batch"))
        .to(
            topics.unlearningBatches.name(),
            Produced.with(
                    topics.unlearningBatches.keySerde(), topics.unlearningBatches.valueSerde())
                .withName("unlearning-batches"));
    return builder.build();
  }

  /** The one place that sends receipts and dead letters to their topics. */
  private static void routeReceiptsAndDeadLetters(
      KStream<String, Routed> stream, LetheTopics topics, String step) {
    stream
        .filter((k, v) -> v instanceof Routed.Receipt, Named.as(step + "-receipts"))
        .mapValues(v -> ((Routed.Receipt) v).receipt(), Named.as(step + "-unwrap-receipt"))
        .to(
            topics.requestReceipts.name(),
            Produced.with(topics.requestReceipts.keySerde(), topics.requestReceipts.valueSerde())
                .withName(step + "-request-receipts"));
    stream
        .filter((k, v) -> v instanceof Routed.DeadLetter, Named.as(step + "-dead-letters"))
        .mapValues(v -> ((Routed.DeadLetter) v).value(), Named.as(step + "-unwrap-dead-letter"))
        .to(
            topics.names.deadLetter(),
            Produced.with(Serdes.String(), Serdes.ByteArray()).withName(step + "-dlq"));
  }
}
