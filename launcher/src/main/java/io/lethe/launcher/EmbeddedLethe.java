package io.lethe.launcher;

import io.lethe.avro.DeletionRequest;
import io.lethe.avro.ReceiptStatus;
import io.lethe.avro.RequestReceipt;
import io.lethe.kafka.AvroSerdes;
import io.lethe.kafka.EmbeddedKafka;
import io.lethe.kafka.LetheTopics;
import io.lethe.kafka.TopicNames;
import io.lethe.kafka.TopicReader;
import io.lethe.processor.LetheProcessor;
import io.lethe.processor.ProcessorAssembly;
import io.lethe.processor.catalog.ModelCatalog;
import io.lethe.processor.metrics.ProcessorMetrics;
import io.lethe.processor.topology.BatchPolicy;
import io.lethe.processor.worker.WorkerListener;
import io.lethe.registry.ModelRegistryApp;
import io.lethe.registry.RegistryConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The whole of Lethe in one JVM: an in-JVM KRaft broker, the model registry on an embedded
 * PostgreSQL, and the processor (topology + worker). The demo and the end-to-end tests start it the
 * same way.
 */
public final class EmbeddedLethe implements AutoCloseable {
  private static final Set<ReceiptStatus> FINAL =
      Set.of(ReceiptStatus.APPLIED, ReceiptStatus.FAILED);

  private final EmbeddedKafka kafka;
  private final LetheTopics topics;
  private final ModelRegistryApp registry;
  private final LetheProcessor processor;
  private final ProcessorMetrics metrics;
  private final KafkaProducer<String, byte[]> producer;

  private EmbeddedLethe(
      EmbeddedKafka kafka,
      LetheTopics topics,
      ModelRegistryApp registry,
      LetheProcessor processor,
      ProcessorMetrics metrics,
      KafkaProducer<String, byte[]> producer) {
    this.kafka = kafka;
    this.topics = topics;
    this.registry = registry;
    this.processor = processor;
    this.metrics = metrics;
    this.producer = producer;
  }

  /**
   * Starts everything under {@code dir}; trains the models that have no version yet, reporting
   * progress lines to {@code progress}. Ports 0 pick free ones.
   */
  public static EmbeddedLethe start(
      Path dir,
      ModelCatalog models,
      BatchPolicy batching,
      int httpPort,
      int metricsPort,
      WorkerListener listener,
      Consumer<String> progress) {
    LetheTopics topics = new LetheTopics(TopicNames.DEFAULTS, AvroSerdes.embedded());
    // REST registrations name their files relative to the demo's data directory.
    ProcessorAssembly assembly = new ProcessorAssembly(models, dir);
    EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"));
    ModelRegistryApp registry = null;
    LetheProcessor processor = null;
    ProcessorMetrics metrics = new ProcessorMetrics();
    try {
      kafka.createTopics(topics.names, 2);
      registry =
          ModelRegistryApp.start(
              RegistryConfig.builder()
                  .bootstrapServers(kafka.bootstrapServers())
                  .topics(topics.names)
                  .serdes(topics.serdes)
                  .embeddedDataDir(dir.resolve("postgres"))
                  // The key and token live beside the database: a demo run again on the same
                  // --data-dir verifies its earlier certificates.
                  .dataDir(dir.resolve("registry"))
                  // The artifacts the processor writes (LetheProcessor.Settings.defaults).
                  .artifactRoot(dir.resolve("artifacts"))
                  .httpPort(httpPort)
                  .build());
      processor =
          assembly.processor(
              kafka.bootstrapServers(),
              dir,
              topics,
              batching,
              metrics.bridge(),
              WorkerListener.both(metrics.bridge(), listener),
              s -> s);
      processor.start(Duration.ofMinutes(2), progress);
      metrics.serve(processor, assembly.modelIds(), metricsPort);
      var producer =
          new KafkaProducer<String, byte[]>(
              Map.of(
                  ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                  kafka.bootstrapServers(),
                  ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                  true),
              new StringSerializer(),
              new ByteArraySerializer());
      return new EmbeddedLethe(kafka, topics, registry, processor, metrics, producer);
    } catch (RuntimeException e) {
      closeQuietly(metrics);
      if (processor != null) {
        processor.close();
      }
      if (registry != null) {
        registry.close();
      }
      kafka.close();
      throw e;
    }
  }

  public String registryUrl() {
    return registry.baseUrl();
  }

  /** The registry's admin bearer token (also in {@code <dir>/registry}, readable by its owner). */
  public String adminToken() {
    return registry.adminToken();
  }

  /** Where the processor's Prometheus metrics are served. */
  public String metricsUrl() {
    return "http://127.0.0.1:" + metrics.port() + "/metrics";
  }

  /** Where the processor answers store queries ({@code lethe pending}, {@code lethe lineage}). */
  public String processorUrl() {
    return "http://127.0.0.1:" + metrics.port();
  }

  public String bootstrapServers() {
    return kafka.bootstrapServers();
  }

  public LetheTopics topics() {
    return topics;
  }

  /** Sends requests keyed by their request id, as producers must. */
  public void send(Collection<DeletionRequest> requests) {
    String topic = topics.deletionRequests.name();
    var serializer = topics.deletionRequests.valueSerde().serializer();
    for (DeletionRequest r : requests) {
      producer.send(new ProducerRecord<>(topic, r.getRequestId(), serializer.serialize(topic, r)));
    }
    producer.flush();
  }

  /** Sends raw bytes to the request topic (to show what happens to bad input). */
  public void sendRaw(String key, byte[] value) {
    producer.send(new ProducerRecord<>(topics.deletionRequests.name(), key, value));
    producer.flush();
  }

  /**
   * Waits until every request id has an APPLIED or FAILED receipt, or the timeout passes; {@code
   * onFinal} sees each final receipt once as it arrives.
   *
   * @return the final receipt of each request that has one
   */
  public Map<String, RequestReceipt> awaitOutcomes(
      Collection<String> requestIds, Duration timeout, BiConsumer<String, RequestReceipt> onFinal) {
    Map<String, RequestReceipt> outcomes = new LinkedHashMap<>();
    try (var reader = new TopicReader<>(kafka.bootstrapServers(), topics.requestReceipts)) {
      reader.readUntil(
          records -> {
            for (ConsumerRecord<String, RequestReceipt> r : records) {
              if (FINAL.contains(r.value().getStatus()) && !outcomes.containsKey(r.key())) {
                outcomes.put(r.key(), r.value());
                onFinal.accept(r.key(), r.value());
              }
            }
            return outcomes.keySet().containsAll(requestIds);
          },
          timeout);
    }
    return outcomes;
  }

  @Override
  public void close() {
    producer.close();
    closeQuietly(metrics);
    processor.close();
    registry.close();
    kafka.close();
  }

  private static void closeQuietly(AutoCloseable resource) {
    try {
      resource.close();
    } catch (Exception e) {
      // closing on the way out; nothing left to do with it
    }
  }
}
