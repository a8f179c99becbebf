package io.lethe.registry;

import static org.junit.jupiter.api.Assertions.fail;

import io.lethe.avro.ModelVersion;
import io.lethe.avro.RequestReceipt;
import io.lethe.kafka.AvroSerdes;
import io.lethe.kafka.EmbeddedKafka;
import io.lethe.kafka.LetheTopics;
import io.lethe.kafka.TopicNames;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * One in-JVM Kafka broker and one registry (embedded PostgreSQL) for a test class, with a producer
 * that publishes real Avro records on a topic prefix of its own.
 */
final class RegistryFixture implements AutoCloseable {
  static final String TOKEN = "test-admin-token";

  final EmbeddedKafka kafka;
  final LetheTopics topics;
  final ModelRegistryApp app;
  final Http http;
  final Artifacts artifacts;
  private final KafkaProducer<String, byte[]> producer;

  RegistryFixture(Path tempDir, String signingKey) {
    this(tempDir, signingKey, null);
  }

  /** With {@code jdbcUrl} set, the registry uses that (external) database instead of its own. */
  RegistryFixture(Path tempDir, String signingKey, String jdbcUrl) {
    this(tempDir, signingKey, jdbcUrl, b -> b);
  }

  /** {@code customize} adjusts the registry's configuration (policies, deadlines, data dir). */
  RegistryFixture(
      Path tempDir,
      String signingKey,
      String jdbcUrl,
      java.util.function.UnaryOperator<RegistryConfig.Builder> customize) {
    this(tempDir, signingKey, jdbcUrl, customize, ModelRegistryApp::start);
  }

  /**
   * {@code starter} starts the registry from its configuration (e.g. on a data source of its own).
   */
  RegistryFixture(
      Path tempDir,
      String signingKey,
      String jdbcUrl,
      java.util.function.UnaryOperator<RegistryConfig.Builder> customize,
      java.util.function.Function<RegistryConfig, ModelRegistryApp> starter) {
    kafka = EmbeddedKafka.start();
    try {
      TopicNames names =
          TopicNames.DEFAULTS.withPrefix("t" + UUID.randomUUID().toString().substring(0, 8) + ".");
      kafka.createTopics(names, 1);
      topics = new LetheTopics(names, AvroSerdes.embedded());
      app =
          starter.apply(
              customize
                  .apply(
                      RegistryConfig.builder()
                          .bootstrapServers(kafka.bootstrapServers())
                          .topics(names)
                          .serdes(AvroSerdes.embedded())
                          .httpHost("127.0.0.1")
                          .httpPort(0)
                          .adminToken(TOKEN)
                          .signingKey(signingKey)
                          .jdbcUrl(jdbcUrl)
                          .artifactRoot(tempDir.resolve("artifacts"))
                          .consumerGroupId("registry-test-" + UUID.randomUUID()))
                  .build());
      http = new Http(app.baseUrl());
      artifacts = new Artifacts(tempDir.resolve("artifacts"));
      producer =
          new KafkaProducer<>(
              Map.of(
                  ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                  kafka.bootstrapServers(),
                  ProducerConfig.ACKS_CONFIG,
                  "all"),
              new StringSerializer(),
              new ByteArraySerializer());
    } catch (RuntimeException e) {
      kafka.close();
      throw e;
    }
  }

  void publish(ModelVersion version) {
    publishAt(version, null);
  }

  /** Publishes with the given Kafka timestamp (epoch millis; null for now). */
  void publishAt(ModelVersion version, Long timestamp) {
    byte[] bytes =
        topics
            .modelVersions
            .valueSerde()
            .serializer()
            .serialize(topics.names.modelVersions(), version);
    send(
        new ProducerRecord<>(
            topics.names.modelVersions(), null, timestamp, version.getModelId(), bytes));
  }

  /** Alias events published so far on this fixture's topic, in order (reads from the start). */
  java.util.List<io.lethe.avro.AliasEvent> aliasEvents() {
    java.util.List<io.lethe.avro.AliasEvent> events = new java.util.ArrayList<>();
    try (var consumer =
        new org.apache.kafka.clients.consumer.KafkaConsumer<String, byte[]>(
            Map.of(
                "bootstrap.servers",
                kafka.bootstrapServers(),
                "group.id",
                "alias-events-" + UUID.randomUUID(),
                "auto.offset.reset",
                "earliest"),
            new org.apache.kafka.common.serialization.StringDeserializer(),
            new org.apache.kafka.common.serialization.ByteArrayDeserializer())) {
      consumer.subscribe(java.util.List.of(topics.names.aliasEvents()));
      long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
      int emptyPolls = 0;
      while (System.nanoTime() < deadline && emptyPolls < 3) {
        var records = consumer.poll(Duration.ofMillis(500));
        if (records.isEmpty() && !consumer.assignment().isEmpty()) {
          emptyPolls++;
        }
        for (var r : records) {
          events.add(
              topics
                  .aliasEvents
                  .valueSerde()
                  .deserializer()
                  .deserialize(topics.names.aliasEvents(), r.value()));
        }
      }
    }
    return events;
  }

  void publish(RequestReceipt receipt) {
    byte[] bytes =
        topics
            .requestReceipts
            .valueSerde()
            .serializer()
            .serialize(topics.names.requestReceipts(), receipt);
    publishRaw(topics.names.requestReceipts(), receipt.getRequestId(), bytes);
  }

  void publish(io.lethe.avro.CalibrationReport report) {
    byte[] bytes =
        topics
            .calibrations
            .valueSerde()
            .serializer()
            .serialize(topics.names.calibrations(), report);
    publishRaw(topics.names.calibrations(), report.getModelId(), bytes);
  }

  void publishRaw(String topic, String key, byte[] value) {
    send(new ProducerRecord<>(topic, key, value));
  }

  private void send(ProducerRecord<String, byte[]> record) {
    try {
      producer.send(record).get();
    } catch (Exception e) {
      throw new IllegalStateException("cannot publish to " + record.topic(), e);
    }
  }

  /** Waits until the registry serves {@code version} of {@code modelId}. */
  void awaitVersion(String modelId, int version) {
    await(
        "version " + version + " of " + modelId,
        () -> http.get("/api/models/" + modelId + "/versions/" + version).status() == 200);
  }

  static void await(String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      if (condition.getAsBoolean()) {
        return;
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        fail("interrupted waiting for " + what);
      }
    }
    fail("timed out waiting for " + what);
  }

  @Override
  public void close() {
    try {
      producer.close(Duration.ofSeconds(5));
      app.close();
    } finally {
      kafka.close();
    }
  }
}
