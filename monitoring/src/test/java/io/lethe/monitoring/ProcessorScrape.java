package io.lethe.monitoring;

import io.lethe.avro.Artifact;
import io.lethe.avro.DeletionRequest;
import io.lethe.avro.DeletionScope;
import io.lethe.avro.ModelVersion;
import io.lethe.avro.UnlearningBatch;
import io.lethe.avro.VerificationMetrics;
import io.lethe.avro.VerificationStatus;
import io.lethe.kafka.AvroSerdes;
import io.lethe.kafka.EmbeddedKafka;
import io.lethe.kafka.LetheTopics;
import io.lethe.kafka.TopicNames;
import io.lethe.processor.metrics.LetheMetrics;
import io.lethe.processor.metrics.MetricsServer;
import io.lethe.processor.topology.BatchPolicy;
import io.lethe.processor.topology.DeletionTopology;
import io.lethe.processor.topology.ModelDirectory;
import io.lethe.processor.topology.TopologySettings;
import io.micrometer.core.instrument.Tags;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Runs the real deletion topology on a broker with a worker-shaped consumer and transactional
 * producer, binds every meter the processor exposes (Lethe's own, JVM and process, Kafka Streams
 * and Kafka clients), lets requests flow (one of them malformed, so the dead-letter topic is
 * written), publishes a real model version (with its artifact) as the worker does, and returns what
 * {@code GET /metrics} answers.
 */
final class ProcessorScrape {
  static final String MODEL = "mnist-mlp";

  private ProcessorScrape() {}

  static String run(EmbeddedKafka kafka, Path stateDir) throws Exception {
    TopicNames names = TopicNames.DEFAULTS;
    LetheTopics topics = new LetheTopics(names, AvroSerdes.embedded());
    ModelDirectory models =
        id ->
            MODEL.equals(id) ? Optional.of(new ModelDirectory.ModelInfo(id, 10)) : Optional.empty();
    TopologySettings settings =
        TopologySettings.defaults(models)
            .withDefaultPolicy(new BatchPolicy(1, Duration.ofSeconds(5), Duration.ofMinutes(1)));

    PrometheusMeterRegistry registry = MetricsServer.newRegistry();
    LetheMetrics metrics = new LetheMetrics(registry);
    metrics.modelKnown(MODEL);

    try (AutoCloseable jvm = MetricsServer.bindJvmMetrics(registry);
        MetricsServer server = MetricsServer.start(registry, 0)) {
      String bootstrap = kafka.bootstrapServers();

      Properties props = new Properties();
      props.put(StreamsConfig.APPLICATION_ID_CONFIG, "lethe-processor");
      props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
      props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
      props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
      props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, -1);
      props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
      props.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");

      try (KafkaStreams streams =
              new KafkaStreams(DeletionTopology.build(topics, settings), props);
          KafkaConsumer<String, UnlearningBatch> worker = workerConsumer(bootstrap, topics);
          KafkaProducer<String, ModelVersion> workerProducer = workerProducer(bootstrap, topics);
          KafkaProducer<String, byte[]> producer = plainProducer(bootstrap)) {
        streams.start();
        await(() -> streams.state() == KafkaStreams.State.RUNNING, "streams RUNNING");

        DeletionRequest request =
            DeletionRequest.newBuilder()
                .setRequestId("r-1")
                .setScope(DeletionScope.SAMPLES)
                .setModelIds(List.of(MODEL))
                .setSampleIds(List.of(1L, 2L, 3L))
                .setRequestedAt(Instant.now())
                .setDeadline(Instant.now().plus(Duration.ofDays(30)))
                .build();
        byte[] encoded =
            topics
                .deletionRequests
                .valueSerde()
                .serializer()
                .serialize(names.deletionRequests(), request);
        producer.send(new ProducerRecord<>(names.deletionRequests(), "r-1", encoded)).get();
        producer
            .send(
                new ProducerRecord<>(
                    names.deletionRequests(), "r-2", "not avro".getBytes(StandardCharsets.UTF_8)))
            .get();
        metrics.requestReceived();
        metrics.requestReceived();
        metrics.requestRejected("malformed record: not avro");

        // The worker's side: read the batch the topology closed, publish in a transaction.
        worker.subscribe(List.of(names.unlearningBatches()));
        List<ConsumerRecord<String, UnlearningBatch>> batches = new ArrayList<>();
        await(
            () -> {
              worker.poll(Duration.ofMillis(200)).forEach(batches::add);
              return !batches.isEmpty();
            },
            "a batch on " + names.unlearningBatches());
        UnlearningBatch batch = batches.get(0).value();
        metrics.pendingChanged(MODEL, 0, null, null);
        metrics.batchClosed(MODEL, batch.getRequests().size(), batch.getCloseReason().name());
        workerProducer.initTransactions();
        workerProducer.beginTransaction();
        workerProducer.send(
            new ProducerRecord<>(names.modelVersions(), MODEL, version(stateDir, batch)));
        workerProducer.commitTransaction();
        metrics.unlearningDuration("muso", "cpu", Duration.ofMillis(420));
        metrics.verificationOutcome(MODEL, "PASSED");
        metrics.modelQuality(MODEL, 0.02, 0.98, 0.97, 0.51);
        metrics.versionPublished(MODEL);
        metrics.deviceMemoryUsed("cpu", Runtime.getRuntime().totalMemory());
        afterAGarbageCollection(registry);

        // Kafka's clients create some metrics (per topic, per partition) only once traffic flows;
        // the binders pick them up on bind, and then once a minute: bind now that they exist.
        try (var streamsMetrics = MetricsServer.bindKafkaStreams(registry, streams);
            var consumerMetrics = MetricsServer.bindKafkaClient(registry, worker, Tags.empty());
            var producerMetrics =
                MetricsServer.bindKafkaClient(registry, workerProducer, Tags.empty())) {
          HttpResponse<String> response =
              HttpClient.newHttpClient()
                  .send(
                      HttpRequest.newBuilder(
                              URI.create("http://127.0.0.1:" + server.port() + "/metrics"))
                          .build(),
                      HttpResponse.BodyHandlers.ofString());
          if (response.statusCode() != 200) {
            throw new IllegalStateException("GET /metrics answered " + response.statusCode());
          }
          return response.body();
        } finally {
          streams.close(Duration.ofSeconds(10));
        }
      }
    }
  }

  /**
   * Scrapes {@code registry} once a GC pause has been recorded: JVM's GC timer only appears after
   * the first collection, which a long-running service has long had.
   */
  static String afterAGarbageCollection(PrometheusMeterRegistry registry) throws Exception {
    System.gc();
    await(() -> registry.scrape().contains("jvm_gc_pause_seconds_count"), "a GC pause recorded");
    return registry.scrape();
  }

  /** Writes a scrape under target/ so that a failing contract can be read next to it. */
  static Path save(String scrape, String name) throws Exception {
    Path dir = Path.of("target", "scrapes");
    Files.createDirectories(dir);
    return Files.writeString(dir.resolve(name), scrape);
  }

  private static KafkaConsumer<String, UnlearningBatch> workerConsumer(
      String bootstrap, LetheTopics topics) {
    return new KafkaConsumer<>(
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
            ConsumerConfig.GROUP_ID_CONFIG, "lethe-worker",
            ConsumerConfig.CLIENT_ID_CONFIG, "lethe-worker-consumer",
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
            ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
        new StringDeserializer(),
        topics.unlearningBatches.valueSerde().deserializer());
  }

  private static KafkaProducer<String, ModelVersion> workerProducer(
      String bootstrap, LetheTopics topics) {
    return new KafkaProducer<>(
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
            ProducerConfig.CLIENT_ID_CONFIG, "lethe-worker-producer",
            ProducerConfig.TRANSACTIONAL_ID_CONFIG, "lethe-worker-tx"),
        new StringSerializer(),
        topics.modelVersions.valueSerde().serializer());
  }

  /** Version 2 of the model, built by the batch, with a real artifact file. */
  private static ModelVersion version(Path dir, UnlearningBatch batch) throws Exception {
    byte[] weights = "weights of version 2".getBytes(StandardCharsets.UTF_8);
    Path artifact = Files.write(dir.resolve("model-v2.bin"), weights);
    String sha256 = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(weights));
    return ModelVersion.newBuilder()
        .setModelId(MODEL)
        .setVersion(2)
        .setParentVersion(1)
        .setBatchId(batch.getBatchId())
        .setRequestIds(batch.getRequests().stream().map(r -> r.getRequestId()).toList())
        .setStatus(VerificationStatus.PASSED)
        .setMethod("muso")
        .setDevice("cpu")
        .setArtifact(
            Artifact.newBuilder()
                .setUri(artifact.toUri().toString())
                .setSha256(sha256)
                .setSizeBytes(weights.length)
                .build())
        .setMetrics(
            VerificationMetrics.newBuilder()
                .setForgetAccuracy(0.02)
                .setRetainAccuracy(0.98)
                .setTestAccuracy(0.97)
                .setMia(0.51)
                .setForgetSetSize(3)
                .build())
        .setCreatedAt(Instant.now())
        .build();
  }

  private static KafkaProducer<String, byte[]> plainProducer(String bootstrap) {
    return new KafkaProducer<>(
        Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
        new StringSerializer(),
        new ByteArraySerializer());
  }

  private interface Condition {
    boolean holds() throws Exception;
  }

  private static void await(Condition condition, String what) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!condition.holds()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("timed out waiting for " + what);
      }
      Thread.sleep(50);
    }
  }
}
