package io.lethe.processor.worker;

import io.lethe.avro.ModelVersion;
import io.lethe.avro.VerificationStatus;
import io.lethe.kafka.Topic;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * The worker's view of which versions exist, read from the committed model-versions topic itself
 * (the log is the source of truth, so a restarted worker knows what it already published).
 */
final class VersionLog implements AutoCloseable {
  private final KafkaConsumer<String, ModelVersion> consumer;
  private final Map<String, ModelVersion> latestGood = new HashMap<>();
  private final Map<String, Integer> highest = new HashMap<>();
  private final Set<String> appliedBatches = new HashSet<>();

  VersionLog(String bootstrapServers, Topic<String, ModelVersion> topic) {
    consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false),
            topic.keySerde().deserializer(),
            topic.valueSerde().deserializer());
    List<TopicPartition> partitions =
        consumer.partitionsFor(topic.name()).stream()
            .map(p -> new TopicPartition(p.topic(), p.partition()))
            .toList();
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
  }

  /** Reads everything committed so far. */
  void catchUp() {
    Map<TopicPartition, Long> end = consumer.endOffsets(consumer.assignment());
    while (end.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
      for (ConsumerRecord<String, ModelVersion> record : consumer.poll(Duration.ofMillis(200))) {
        record(record.value());
      }
    }
  }

  /** Also called by the worker right after it commits, so it need not re-read its own output. */
  void record(ModelVersion version) {
    if (version == null) {
      return;
    }
    highest.merge(version.getModelId(), version.getVersion(), Math::max);
    if (version.getStatus() == VerificationStatus.PASSED) {
      latestGood.merge(
          version.getModelId(), version, (a, b) -> b.getVersion() > a.getVersion() ? b : a);
    }
    if (version.getBatchId() != null) {
      appliedBatches.add(version.getBatchId());
    }
  }

  /** The newest version that passed verification: the base the next batch builds on. */
  Optional<ModelVersion> latestGood(String modelId) {
    return Optional.ofNullable(latestGood.get(modelId));
  }

  /** The highest version number published (good or not), so numbers are never reused. */
  int highestVersion(String modelId) {
    return highest.getOrDefault(modelId, 0);
  }

  boolean applied(String batchId) {
    return appliedBatches.contains(batchId);
  }

  @Override
  public void close() {
    consumer.close(java.time.Duration.ofSeconds(5));
  }
}
