package io.lethe.processor.integration;

import io.lethe.avro.DeletionRequest;
import io.lethe.avro.DeletionScope;
import io.lethe.kafka.AvroSerdes;
import io.lethe.kafka.EmbeddedKafka;
import io.lethe.kafka.LetheTopics;
import io.lethe.kafka.TopicAdmin;
import io.lethe.kafka.TopicNames;
import io.lethe.processor.LetheProcessor;
import io.lethe.processor.ProcessorAssembly;
import io.lethe.processor.catalog.BuiltinCatalog;
import io.lethe.processor.topology.BatchPolicy;
import io.lethe.processor.topology.TopologyEvents;
import io.lethe.processor.worker.WorkerListener;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * One pipeline (topics under a unique prefix) on a shared broker, with a small, fast model. The
 * broker is anything with bootstrap servers (the in-JVM one, a container); the serdes are those of
 * the serialization mode under test.
 */
final class PipelineHarness {
  static final String MODEL = "mnist-mlp";

  final String bootstrapServers;
  final LetheTopics topics;
  final Path dir;
  final ProcessorAssembly assembly;

  /** On the in-JVM broker, in the embedded (single-object) encoding. */
  PipelineHarness(EmbeddedKafka kafka, String prefix, Path dir) {
    this(kafka.bootstrapServers(), prefix, dir, AvroSerdes.embedded());
  }

  PipelineHarness(String bootstrapServers, String prefix, Path dir, AvroSerdes serdes) {
    this.bootstrapServers = bootstrapServers;
    this.topics = new LetheTopics(TopicNames.DEFAULTS.withPrefix(prefix), serdes);
    this.dir = dir;
    this.assembly =
        new ProcessorAssembly(
            BuiltinCatalog.load(dir.resolve("catalog"))
                // No reference models: these tests are about the pipeline, and small batches
                // then escalate to exact retraining (CatalogModelsIntegrationTest runs the pool).
                .withEntry(
                    MODEL,
                    e ->
                        e.withEpochs(3).withVerification(e.verification().withReferenceModels(0))));
    TopicAdmin.ensureTopics(bootstrapServers, topics.names, 2, (short) 1);
  }

  /** A processor whose every id is derived from the topic prefix, so restarts find their state. */
  LetheProcessor processor(BatchPolicy batching, WorkerListener listener) {
    return processor(batching, listener, assembly.planner());
  }

  /** As above, with {@code unlearner} in place of the catalog's planner (fault injection). */
  LetheProcessor processor(
      BatchPolicy batching,
      WorkerListener listener,
      io.lethe.processor.worker.Unlearner unlearner) {
    String prefix = topics.names.deletionRequests().replace("lethe.deletion-requests", "");
    LetheProcessor processor =
        new LetheProcessor(
            new LetheProcessor.Settings(
                bootstrapServers,
                prefix + "processor",
                prefix + "worker-group",
                prefix + "worker-0",
                dir.resolve("streams"),
                dir.resolve("artifacts"),
                assembly.topology(batching, TopologyEvents.NONE),
                Map.of("commit.interval.ms", 100)),
            topics,
            unlearner,
            listener);
    processor.start(Duration.ofMinutes(2), line -> {});
    return processor;
  }

  KafkaProducer<String, byte[]> producer() {
    return new KafkaProducer<>(
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            bootstrapServers,
            ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
            true),
        new StringSerializer(),
        new ByteArraySerializer());
  }

  void send(KafkaProducer<String, byte[]> producer, DeletionRequest request) {
    String topic = topics.deletionRequests.name();
    producer.send(
        new ProducerRecord<>(
            topic,
            request.getRequestId(),
            topics.deletionRequests.valueSerde().serializer().serialize(topic, request)));
  }

  static DeletionRequest classes(String id, Integer... labels) {
    return DeletionRequest.newBuilder()
        .setRequestId(id)
        .setScope(DeletionScope.CLASS)
        .setModelIds(List.of(MODEL))
        .setClassLabels(List.of(labels))
        .setRequestedAt(Instant.now())
        .build();
  }

  static DeletionRequest samples(String id, long... sampleIds) {
    return DeletionRequest.newBuilder()
        .setRequestId(id)
        .setScope(DeletionScope.SAMPLES)
        .setModelIds(List.of(MODEL))
        .setSampleIds(java.util.Arrays.stream(sampleIds).boxed().toList())
        .setRequestedAt(Instant.now())
        .build();
  }
}
