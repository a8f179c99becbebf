package io.lethe.processor.registration;

import io.lethe.avro.ModelRegistration;
import io.lethe.kafka.LetheTopics;
import io.lethe.processor.catalog.CatalogModel;
import io.lethe.processor.catalog.CatalogReader;
import io.lethe.processor.catalog.LiveCatalog;
import io.lethe.processor.catalog.ModelCatalog;
import io.lethe.processor.worker.ArtifactStore;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the compacted {@code lethe.models} topic so that a running processor serves the models
 * registered with {@code lethe models register}, without a restart. For each registration: the
 * entry is validated and its data loaded here (a registration this processor cannot load is logged
 * and skipped, the other models go on); a new model gets its first version ({@link
 * RuntimeOnboarding}) before the topology and the worker see it; a later generation of a model
 * replaces its entry (methods, policies, recipe) for the batches that follow. A generation with
 * other data or another model is refused: an id's training rows are its lineage, and erased data
 * must never come back. Models of the processor's own catalog file are changed in that file, not by
 * registration.
 */
public final class CatalogFollower implements ModelFeed {
  private static final Logger log = LoggerFactory.getLogger(CatalogFollower.class);

  private final String bootstrapServers;
  private final Map<String, Object> clientConfig;
  private final LetheTopics topics;
  private final LiveCatalog catalog;
  private final RuntimeOnboarding onboarding;
  private final Set<String> fromCatalogFile;
  private final Map<String, ModelRegistration> applied = new HashMap<>();
  private KafkaConsumer<String, byte[]> consumer;
  private PollingThread poller;

  public CatalogFollower(
      String bootstrapServers,
      Map<String, Object> clientConfig,
      LetheTopics topics,
      LiveCatalog catalog,
      ArtifactStore artifacts,
      String transactionalId) {
    this.bootstrapServers = bootstrapServers;
    this.clientConfig = Map.copyOf(clientConfig);
    this.topics = topics;
    this.catalog = catalog;
    this.onboarding =
        new RuntimeOnboarding(bootstrapServers, clientConfig, topics, artifacts, transactionalId);
    this.fromCatalogFile = Set.copyOf(catalog.snapshot().ids());
  }

  /** Reads every registration up to now and applies it: called before the topology starts. */
  @Override
  public synchronized void catchUp(Consumer<String> progress) {
    consumer = newConsumer();
    List<TopicPartition> partitions =
        consumer.partitionsFor(topics.models.name()).stream()
            .map(p -> new TopicPartition(p.topic(), p.partition()))
            .toList();
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
    Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
    while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
      for (ConsumerRecord<String, byte[]> r : consumer.poll(PollingThread.POLL)) {
        apply(r, progress);
      }
    }
  }

  /** Follows new registrations on a thread of its own. */
  @Override
  public synchronized void start(Consumer<String> progress) {
    poller =
        new PollingThread(
            "lethe-catalog-follower",
            consumer,
            r -> apply(r, progress),
            e -> log.error("Registration not applied: {}", e.toString()));
  }

  private void apply(ConsumerRecord<String, byte[]> record, Consumer<String> progress) {
    if (record.value() == null) {
      // A tombstone would retire the model; retiring is not supported (erasure must stay
      // provable), so it is ignored with a warning.
      log.warn(
          "Ignored a tombstone for model {} on {}",
          PollingThread.safe(record.key()),
          record.topic());
      return;
    }
    ModelRegistration reg;
    try {
      reg = topics.models.valueSerde().deserializer().deserialize(record.topic(), record.value());
    } catch (RuntimeException e) {
      log.error("Ignored an unreadable registration at {}@{}", record.topic(), record.offset());
      return;
    }
    String id = reg.getModelId();
    if (fromCatalogFile.contains(id)) {
      log.warn("Ignored registration of {}: it is served from this processor's catalog file", id);
      return;
    }
    ModelRegistration before = applied.get(id);
    if (before != null && before.getEntryDigest().equals(reg.getEntryDigest())) {
      return;
    }
    if (before != null && !before.getFingerprint().equals(reg.getFingerprint())) {
      log.error(
          "Refused generation {} of model {}: other training data or another model than"
              + " generation {} (register it under a new id)",
          reg.getGeneration(),
          id,
          before.getGeneration());
      return;
    }
    CatalogModel model;
    try {
      ModelCatalog one =
          new CatalogReader()
              .readText(
                  reg.getCatalog(), "registration of " + id + " (gen " + reg.getGeneration() + ")");
      model = one.require(id);
    } catch (IllegalArgumentException e) { // a CatalogException, or an unknown id
      log.error("Registration of {} cannot be served here: {}", id, e.getMessage());
      return;
    }
    if (before == null) {
      onboarding.onboard(model, progress);
    }
    catalog.put(model, reg.getGeneration());
    applied.put(id, reg);
    log.info(
        "Serving model {} (generation {}): {}, methods {} / {}",
        id,
        reg.getGeneration(),
        model.entry().architecture().describe(),
        model.entry().classMethod().method(),
        model.entry().sampleMethod().method());
  }

  private KafkaConsumer<String, byte[]> newConsumer() {
    Map<String, Object> config = new HashMap<>(clientConfig);
    config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    return new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
  }

  @Override
  public synchronized void close() {
    if (poller != null) {
      poller.close();
    } else if (consumer != null) {
      consumer.close();
    }
    poller = null;
    consumer = null;
  }
}
