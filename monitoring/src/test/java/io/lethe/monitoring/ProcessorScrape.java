package io.lethe.monitoring;

import io.lethe.avro.DeletionRequest;
import io.lethe.avro.DeletionScope;
import io.lethe.kafka.AvroSerdes;
import io.lethe.kafka.EmbeddedKafka;
import io.lethe.kafka.LetheTopics;
import io.lethe.kafka.TopicNames;
import io.lethe.processor.LetheProcessor;
import io.lethe.processor.ProcessorAssembly;
import io.lethe.processor.catalog.BuiltinCatalog;
import io.lethe.processor.metrics.ProcessorMetrics;
import io.lethe.processor.topology.BatchPolicy;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Runs the processor service as {@code lethe processor} assembles it (the real topology, the real
 * worker with its transactions, the real engine training and unlearning an MLP on MNIST-10k for one
 * epoch, {@link ProcessorMetrics} and its {@code /metrics}); sends a valid request, a repeat of it
 * and a malformed record; waits until the worker has published the new version and every meter
 * shows it; and returns what {@code GET /metrics} answers.
 */
final class ProcessorScrape {
  static final String MODEL = "mnist-mlp";

  private ProcessorScrape() {}

  static String run(EmbeddedKafka kafka, Path dir) throws Exception {
    String bootstrap = kafka.bootstrapServers();
    LetheTopics topics = new LetheTopics(TopicNames.DEFAULTS, AvroSerdes.embedded());
    ProcessorAssembly assembly =
        new ProcessorAssembly(
            BuiltinCatalog.load(dir.resolve("catalog")).withEntry(MODEL, e -> e.withEpochs(1)));

    try (ProcessorMetrics metrics = new ProcessorMetrics();
        LetheProcessor processor =
            assembly.processor(
                bootstrap,
                dir,
                topics,
                new BatchPolicy(1, Duration.ofSeconds(5), Duration.ofMinutes(1)),
                metrics.bridge(),
                metrics.bridge(),
                s -> s.withStreamsOverrides(Map.of(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100)));
        KafkaProducer<String, byte[]> producer = producer(bootstrap)) {
      processor.start(Duration.ofMinutes(1), line -> {});
      metrics.serve(processor, assembly.modelIds(), 0);
      String url = "http://127.0.0.1:" + metrics.port() + "/metrics";

      DeletionRequest request =
          DeletionRequest.newBuilder()
              .setRequestId("r-1")
              .setScope(DeletionScope.SAMPLES)
              .setModelIds(List.of(MODEL))
              .setSampleIds(List.of(1L, 2L, 3L))
              .setRequestedAt(Instant.now())
              .setDeadline(Instant.now().plus(Duration.ofDays(30)))
              .build();
      String topic = topics.deletionRequests.name();
      byte[] encoded = topics.deletionRequests.valueSerde().serializer().serialize(topic, request);
      producer.send(new ProducerRecord<>(topic, "r-1", encoded)).get();
      producer.send(new ProducerRecord<>(topic, "r-1", encoded)).get();
      producer
          .send(new ProducerRecord<>(topic, "r-2", "not avro".getBytes(StandardCharsets.UTF_8)))
          .get();

      return awaitScrape(
          url,
          s ->
              s.contains("lethe_model_versions_published_total{model=\"" + MODEL + "\"} 1.0")
                  && s.contains("lethe_requests_duplicate_total 1.0")
                  && s.contains("lethe_requests_rejected_total{reason=\"malformed\"} 1.0")
                  && s.contains("lethe_unlearning_duration_seconds_count{device=\"cpu\"")
                  && s.contains("lethe_device_memory_used_bytes{device=\"cpu\"}")
                  // Kafka's per-topic producer metrics, bound on the binders' next look
                  && s.lines()
                      .anyMatch(
                          l ->
                              l.startsWith("kafka_producer_topic_record_send_total{")
                                  && l.contains("topic=\"" + topics.names.deadLetter() + "\""))
                  && s.contains("jvm_gc_pause_seconds_count")
                  && hasWorkerClients(s));
    }
  }

  /** The worker's own consumer and transactional producer (client ids from their configs). */
  static boolean hasWorkerClients(String scrape) {
    return scrape
            .lines()
            .anyMatch(
                l ->
                    l.startsWith("kafka_consumer_")
                        && l.contains("client_id=\"consumer-lethe-unlearning-worker-"))
        && scrape
            .lines()
            .anyMatch(
                l ->
                    l.startsWith("kafka_producer_")
                        && l.contains("client_id=\"producer-lethe-worker-0\""));
  }

  /**
   * Scrapes {@code registry} once a GC pause has been recorded: JVM's GC timer only appears after
   * the first collection, which a long-running service has long had.
   */
  static String afterAGarbageCollection(PrometheusMeterRegistry registry) throws Exception {
    System.gc();
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!registry.scrape().contains("jvm_gc_pause_seconds_count")) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("no GC pause recorded");
      }
      Thread.sleep(50);
    }
    return registry.scrape();
  }

  /** GETs {@code url} until {@code complete} holds (a GC is asked for on the way). */
  static String awaitScrape(String url, Predicate<String> complete) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    String body = "";
    System.gc(); // the GC pause timer appears with the first collection after binding
    while (System.nanoTime() < deadline) {
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(URI.create(url)).build(),
              HttpResponse.BodyHandlers.ofString());
      body = response.body();
      if (response.statusCode() == 200 && complete.test(body)) {
        return body;
      }
      Thread.sleep(200);
    }
    Path saved = save(body, "incomplete.prom");
    throw new AssertionError("no complete scrape from " + url + " in 60 s; last one at " + saved);
  }

  /** Writes a scrape under target/ so that a failing contract can be read next to it. */
  static Path save(String scrape, String name) throws Exception {
    Path dir = Path.of("target", "scrapes");
    Files.createDirectories(dir);
    return Files.writeString(dir.resolve(name), scrape);
  }

  private static KafkaProducer<String, byte[]> producer(String bootstrap) {
    return new KafkaProducer<>(
        Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
        new StringSerializer(),
        new ByteArraySerializer());
  }
}
