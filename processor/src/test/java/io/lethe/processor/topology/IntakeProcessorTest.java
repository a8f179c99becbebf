package io.lethe.processor.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lethe.avro.DeletionRequest;
import io.lethe.avro.ReceiptStatus;
import io.lethe.kafka.AvroSerdes;
import io.lethe.kafka.LetheTopics;
import io.lethe.kafka.TopicNames;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The intake step alone, on a {@code MockProcessorContext} whose clock and offsets we control. */
class IntakeProcessorTest {
  private static final long HOUR = Duration.ofHours(1).toMillis();
  private static final long T0 = 1_800_000_000_000L;
  private static final ModelDirectory MODELS =
      id ->
          id.equals("mnist-mlp")
              ? Optional.of(new ModelDirectory.ModelInfo(id, 10))
              : Optional.empty();

  private final LetheTopics topics = new LetheTopics(TopicNames.DEFAULTS, AvroSerdes.embedded());
  private final Deserializer<DeletionRequest> real =
      topics.deletionRequests.valueSerde().deserializer();
  @TempDir java.nio.file.Path stateDir;
  private MockProcessorContext<String, Routed> context;
  private RecordFailures failures;
  private IntakeProcessor intake;

  @BeforeEach
  void start() {
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "intake-test");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    context = new MockProcessorContext<>(props);
    WindowStore<String, Long> seen =
        Stores.windowStoreBuilder(
                Stores.inMemoryWindowStore(
                    DeletionTopology.DEDUPE_STORE, Duration.ofDays(7), Duration.ofDays(7), false),
                Serdes.String(),
                Serdes.Long())
            .withLoggingDisabled()
            .build();
    KeyValueStore<String, Long> clock =
        Stores.keyValueStoreBuilder(
                Stores.inMemoryKeyValueStore(DeletionTopology.DEDUPE_CLOCK_STORE),
                Serdes.String(),
                Serdes.Long())
            .withLoggingDisabled()
            .build();
    KeyValueStore<String, io.lethe.avro.TrainingLineage> lineage =
        Stores.keyValueStoreBuilder(
                Stores.inMemoryKeyValueStore(DeletionTopology.LINEAGE_STORE),
                Serdes.String(),
                topics.trainingLineage.valueSerde())
            .withLoggingDisabled()
            .build();
    outcomes =
        Stores.keyValueStoreBuilder(
                Stores.inMemoryKeyValueStore(DeletionTopology.OUTCOMES_STORE),
                Serdes.String(),
                topics.requestReceipts.valueSerde())
            .withLoggingDisabled()
            .build();
    for (var store : List.of(seen, clock, lineage, outcomes)) {
      store.init(context.getStateStoreContext(), store);
      context.addStateStore(store);
    }
    failures = new RecordFailures();
    // A decoder that overflows the stack on a payload starting with '!', as a deeply nested
    // record could: an Error, which no exception handler catches.
    Deserializer<DeletionRequest> decoder =
        (topic, data) -> {
          if (data.length > 0 && data[0] == '!') {
            throw new StackOverflowError();
          }
          return real.deserialize(topic, data);
        };
    TopologySettings settings =
        new TopologySettings(
            MODELS,
            BatchPolicy.DEFAULT,
            Map.of(),
            Duration.ofDays(7),
            Duration.ofSeconds(1),
            TopologyEvents.NONE);
    intake = new IntakeProcessor(decoder, settings, failures);
    intake.init(context);
  }

  private KeyValueStore<String, io.lethe.avro.RequestReceipt> outcomes;

  /** What the global store holds once the worker's receipt for {@code id} was read. */
  private void outcome(String id, ReceiptStatus status, long at) {
    outcomes.put(id, Receipts.of(id, status, at));
  }

  private void process(String key, byte[] value, long offset, long wallClock) {
    context.setRecordMetadata(topics.names.deletionRequests(), 0, offset);
    context.setCurrentSystemTimeMs(wallClock);
    intake.process(new Record<>(key, value, wallClock));
  }

  private byte[] request(String id) {
    return topics
        .deletionRequests
        .valueSerde()
        .serializer()
        .serialize("t", DeletionTopologyTest.samples(id, "mnist-mlp", 1));
  }

  private List<ReceiptStatus> receipts(String id) {
    return context.forwarded().stream()
        .map(f -> f.record())
        .filter(r -> r.value() instanceof Routed.Receipt && id.equals(r.key()))
        .map(r -> ((Routed.Receipt) r.value()).receipt().getStatus())
        .toList();
  }

  @Test
  void aRepeatIsADuplicateEvenAfterTheClockSteppedBack() {
    process("r1", request("r1"), 0, T0 + 10 * HOUR);
    // Control: with the clock going forward a repeat is a duplicate.
    process("r1", request("r1"), 1, T0 + 11 * HOUR);
    assertEquals(List.of(ReceiptStatus.ACCEPTED, ReceiptStatus.DUPLICATE), receipts("r1"));
    // The wall clock steps back two hours (NTP correction, a VM restored from a snapshot).
    process("r1", request("r1"), 2, T0 + 9 * HOUR);
    assertEquals(
        List.of(ReceiptStatus.ACCEPTED, ReceiptStatus.DUPLICATE, ReceiptStatus.DUPLICATE),
        receipts("r1"));
    // A new id after the step is still accepted once.
    process("r2", request("r2"), 3, T0 + 9 * HOUR);
    process("r2", request("r2"), 4, T0 + 9 * HOUR + 1);
    assertEquals(List.of(ReceiptStatus.ACCEPTED, ReceiptStatus.DUPLICATE), receipts("r2"));
  }

  @Test
  void aRequestSentAgainAfterFailedIsANewAttemptButNotWhilePendingOrApplied() {
    process("f1", request("f1"), 0, T0);
    // Control: pending (its latest receipt is its own BATCHED), a repeat is a duplicate.
    outcome("f1", ReceiptStatus.BATCHED, T0 + 1);
    process("f1", request("f1"), 1, T0 + 2);
    assertEquals(List.of(ReceiptStatus.ACCEPTED, ReceiptStatus.DUPLICATE), receipts("f1"));
    // The worker published it FAILED: the same id is accepted as a new attempt.
    outcome("f1", ReceiptStatus.FAILED, T0 + 3);
    process("f1", request("f1"), 2, T0 + 4);
    assertEquals(
        List.of(ReceiptStatus.ACCEPTED, ReceiptStatus.DUPLICATE, ReceiptStatus.ACCEPTED),
        receipts("f1"));
    // Sent again before the new attempt's receipts reached the store: the FAILED is older than
    // the new acceptance, so it is a duplicate.
    process("f1", request("f1"), 3, T0 + 5);
    assertEquals(ReceiptStatus.DUPLICATE, receipts("f1").get(3));
    // Applied: duplicates from then on.
    process("a1", request("a1"), 4, T0);
    outcome("a1", ReceiptStatus.APPLIED, T0 + 1);
    process("a1", request("a1"), 5, T0 + 2);
    assertEquals(List.of(ReceiptStatus.ACCEPTED, ReceiptStatus.DUPLICATE), receipts("a1"));
  }

  @Test
  void aRecordThatEndsStreamThreadsIsSetAsideToTheDeadLetterTopic() {
    byte[] poison = "!deep".getBytes(StandardCharsets.UTF_8);
    // Each time the thread dies, its uncaught-exception handler reports it (as in
    // DeletionStreamsApp) and the replacement thread reads the same offset again.
    for (int attempt = 1; attempt <= RecordFailures.MAX_ATTEMPTS; attempt++) {
      StackOverflowError e =
          assertThrows(StackOverflowError.class, () -> process("p1", poison, 7, T0));
      failures.threadFailed(Thread.currentThread(), e);
      assertTrue(context.forwarded().isEmpty(), "nothing forwarded while it may still be tried");
    }
    process("p1", poison, 7, T0);
    var dead =
        context.forwarded().stream()
            .map(f -> f.record())
            .filter(r -> r.value() instanceof Routed.DeadLetter)
            .toList();
    assertEquals(1, dead.size());
    assertEquals(
        "PROCESSING_FAILED",
        new String(
            dead.get(0).headers().lastHeader(DeletionTopology.HEADER_KIND).value(),
            StandardCharsets.UTF_8));
    assertEquals(List.of(ReceiptStatus.REJECTED), receipts("p1"));
    // The next record is processed as usual.
    process("ok", request("ok"), 8, T0);
    assertEquals(List.of(ReceiptStatus.ACCEPTED), receipts("ok"));
  }
}
