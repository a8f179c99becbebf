package io.lethe.processor.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lethe.avro.DeletionRequest;
import io.lethe.avro.DeletionScope;
import io.lethe.avro.UnlearningBatch;
import io.lethe.kafka.AvroSerdes;
import io.lethe.kafka.EmbeddedKafka;
import io.lethe.kafka.LetheTopics;
import io.lethe.kafka.Topic;
import io.lethe.kafka.TopicNames;
import io.lethe.kafka.TopicReader;
import io.lethe.processor.topology.BatchPolicy;
import io.lethe.processor.topology.DeletionStreamsApp;
import io.lethe.processor.topology.DeletionTopology;
import io.lethe.processor.topology.ModelDirectory;
import io.lethe.processor.topology.TopologySettings;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.LongStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Poison input against the real exactly-once topology on a real broker: each record here stalled
 * the pipeline for good on main, and the valid request sent after it must still be batched.
 *
 * <p>A batch the broker would refuse as too large (its topic's {@code max.message.bytes} is below
 * what the producer allows) crash-looped the exactly-once topology on main: the aborted transaction
 * made the task re-read its input and build the same batch again, and nothing behind it was
 * batched. The batch cap is fitted to the topic at start, so the request that cannot fit is
 * rejected as {@code TOO_LARGE} and the pipeline goes on.
 */
class PoisonInputIntegrationTest {
  private static EmbeddedKafka kafka;

  @BeforeAll
  static void startBroker() {
    kafka = EmbeddedKafka.start();
  }

  @AfterAll
  static void stopBroker() {
    kafka.close();
  }

  private static final ModelDirectory MODELS =
      id -> id.equals("m") ? Optional.of(new ModelDirectory.ModelInfo(id, 10)) : Optional.empty();

  private static DeletionRequest request(String id, int sampleIds) {
    return DeletionRequest.newBuilder()
        .setRequestId(id)
        .setScope(DeletionScope.SAMPLES)
        .setModelIds(List.of("m"))
        .setSampleIds(LongStream.range(100_000, 100_000 + sampleIds).boxed().toList())
        .setRequestedAt(Instant.now())
        .build();
  }

  @Test
  void aBatchTheBrokerRefusesIsDeadLetteredAndThePipelineGoesOn(@TempDir Path dir)
      throws Exception {
    {
      TopicNames names = TopicNames.DEFAULTS.withPrefix("oversized.");
      kafka.createTopics(names, 1);
      try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
        admin
            .incrementalAlterConfigs(
                Map.of(
                    new ConfigResource(ConfigResource.Type.TOPIC, names.unlearningBatches()),
                    List.of(
                        new AlterConfigOp(
                            new ConfigEntry(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, "4000"),
                            AlterConfigOp.OpType.SET))))
            .all()
            .get();
      }
      LetheTopics topics = new LetheTopics(names, AvroSerdes.embedded());
      TopologySettings settings =
          TopologySettings.defaults(MODELS)
              .withDefaultPolicy(new BatchPolicy(1, Duration.ofSeconds(1), Duration.ofMinutes(5)));
      try (DeletionStreamsApp app =
              new DeletionStreamsApp(
                  kafka.bootstrapServers(),
                  "oversized-app",
                  dir.resolve("streams"),
                  topics,
                  settings,
                  Map.of());
          var producer =
              new KafkaProducer<String, byte[]>(
                  Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
                  new StringSerializer(),
                  new ByteArraySerializer())) {
        app.start(Duration.ofSeconds(60));
        var values = topics.deletionRequests.valueSerde().serializer();
        // 2,000 sample ids: about 6 kB as a batch, over the topic's 4,000 bytes.
        producer.send(
            new ProducerRecord<>(
                names.deletionRequests(), "big", values.serialize("t", request("big", 2_000))));
        producer.send(
            new ProducerRecord<>(
                names.deletionRequests(), "small", values.serialize("t", request("small", 1))));
        producer.flush();

        try (var batches = new TopicReader<>(kafka.bootstrapServers(), topics.unlearningBatches);
            var dead =
                new TopicReader<>(
                    kafka.bootstrapServers(),
                    new Topic<>(names.deadLetter(), Serdes.String(), Serdes.ByteArray()))) {
          List<ConsumerRecord<String, UnlearningBatch>> closed =
              batches.readUntil(
                  all ->
                      all.stream()
                          .anyMatch(
                              r -> r.value().getRequests().get(0).getRequestId().equals("small")),
                  Duration.ofSeconds(60));
          assertEquals(
              List.of("small"),
              closed.stream().map(r -> r.value().getRequests().get(0).getRequestId()).toList(),
              "the pipeline went on past the refused batch");
          List<ConsumerRecord<String, byte[]>> letters =
              dead.readUntil(all -> !all.isEmpty(), Duration.ofSeconds(30));
          assertEquals(1, letters.size());
          assertEquals("big", letters.get(0).key());
          var kind = letters.get(0).headers().lastHeader(DeletionTopology.HEADER_KIND);
          assertEquals("TOO_LARGE", new String(kind.value(), StandardCharsets.UTF_8));
          assertEquals(
              "resolve",
              new String(
                  letters.get(0).headers().lastHeader(DeletionTopology.HEADER_STAGE).value(),
                  StandardCharsets.UTF_8));
        }
        assertTrue(app.state().isRunningOrRebalancing(), "still running: " + app.state());
        assertEquals(KafkaStreams.State.RUNNING, app.state());
      }
    }
  }

  /**
   * On main the first record (42 bytes whose sample-id array claims two billion longs) threw
   * OutOfMemoryError in the stream thread, which was replaced, read it again and died again; the
   * second (a key framed the Confluent way) had its NULs copied into the receipt and the headers.
   */
  @Test
  void aTwoBillionItemRecordAndAConfluentFramedKeyAreQuarantined(@TempDir Path dir)
      throws Exception {
    TopicNames names = TopicNames.DEFAULTS.withPrefix("poison.");
    kafka.createTopics(names, 1);
    LetheTopics topics = new LetheTopics(names, AvroSerdes.embedded());
    var values = topics.deletionRequests.valueSerde().serializer();
    byte[] header = java.util.Arrays.copyOf(values.serialize("t", request("x", 1)), 10);
    java.io.ByteArrayOutputStream poison = new java.io.ByteArrayOutputStream();
    poison.write(header);
    var enc = org.apache.avro.io.EncoderFactory.get().directBinaryEncoder(poison, null);
    enc.writeString("poison");
    enc.writeEnum(DeletionScope.SAMPLES.ordinal());
    enc.writeIndex(0);
    enc.writeArrayStart();
    enc.setItemCount(1);
    enc.startItem();
    enc.writeString("m");
    enc.writeArrayEnd();
    enc.writeLong(2_000_000_000L);
    enc.flush();
    poison.write(new byte[14]);
    assertEquals(42, poison.size());
    String framedKey = "\u0000\u0000\u0000\u0000\u0007\u0004k1";

    TopologySettings settings =
        TopologySettings.defaults(MODELS)
            .withDefaultPolicy(new BatchPolicy(1, Duration.ofSeconds(1), Duration.ofMinutes(5)));
    try (DeletionStreamsApp app =
            new DeletionStreamsApp(
                kafka.bootstrapServers(),
                "poison-app",
                dir.resolve("streams"),
                topics,
                settings,
                Map.of());
        var producer =
            new KafkaProducer<String, byte[]>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
                new StringSerializer(),
                new ByteArraySerializer())) {
      app.start(Duration.ofSeconds(60));
      producer.send(new ProducerRecord<>(names.deletionRequests(), "poison", poison.toByteArray()));
      producer.send(
          new ProducerRecord<>(
              names.deletionRequests(), framedKey, values.serialize("t", request("k1", 1))));
      producer.send(
          new ProducerRecord<>(
              names.deletionRequests(), "after", values.serialize("t", request("after", 1))));
      producer.flush();
      try (var batches = new TopicReader<>(kafka.bootstrapServers(), topics.unlearningBatches);
          var receipts = new TopicReader<>(kafka.bootstrapServers(), topics.requestReceipts);
          var dead =
              new TopicReader<>(
                  kafka.bootstrapServers(),
                  new Topic<>(names.deadLetter(), Serdes.String(), Serdes.ByteArray()))) {
        var closed = batches.readUntil(all -> !all.isEmpty(), Duration.ofSeconds(60));
        assertEquals(
            List.of("after"),
            closed.stream().map(r -> r.value().getRequests().get(0).getRequestId()).toList());
        var letters = dead.readUntil(all -> all.size() >= 2, Duration.ofSeconds(30));
        assertEquals(
            List.of("TOO_LARGE", "INVALID"),
            letters.stream()
                .map(
                    r ->
                        new String(
                            r.headers().lastHeader(DeletionTopology.HEADER_KIND).value(),
                            StandardCharsets.UTF_8))
                .toList());
        for (var letter : letters) {
          for (var h : letter.headers()) {
            if (h.key().startsWith("lethe.error.")) {
              for (byte b : h.value()) {
                assertTrue(b >= 0x20 || b < 0, h.key() + " carries a control byte");
              }
            }
          }
        }
        var all =
            receipts.readUntil(
                list -> list.stream().anyMatch(r -> r.key().equals("after")),
                Duration.ofSeconds(30));
        for (var r : all) {
          assertTrue(SafeTextFree.clean(r.key()), "receipt key " + r.key());
          String reason = r.value().getReason();
          assertTrue(reason == null || SafeTextFree.clean(reason), "reason " + reason);
        }
        assertTrue(
            all.stream()
                .anyMatch(
                    r ->
                        r.key().equals("poison")
                            && r.value().getStatus() == io.lethe.avro.ReceiptStatus.REJECTED));
      }
      assertEquals(KafkaStreams.State.RUNNING, app.state());
    }
  }

  /** No control characters (NUL included). */
  private static final class SafeTextFree {
    static boolean clean(String s) {
      return s.chars().noneMatch(Character::isISOControl);
    }
  }
}
