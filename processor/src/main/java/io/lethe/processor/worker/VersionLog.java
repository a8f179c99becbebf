package io.lethe.processor.worker;

import io.lethe.avro.ModelVersion;
import io.lethe.avro.VerificationStatus;
import io.lethe.kafka.Topic;
import io.lethe.kafka.TopicReader;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * The worker's view of which versions exist, read from the committed model-versions topic itself
 * (the log is the source of truth, so a restarted worker knows what it already published).
 */
final class VersionLog implements AutoCloseable {
  private final TopicReader<String, ModelVersion> reader;
  private int read;
  private final Map<String, ModelVersion> latestGood = new HashMap<>();
  private final Map<String, Integer> highest = new HashMap<>();
  private final Set<String> appliedBatches = new HashSet<>();

  VersionLog(String bootstrapServers, Topic<String, ModelVersion> topic) {
    this(bootstrapServers, Map.of(), topic);
  }

  VersionLog(
      String bootstrapServers,
      Map<String, Object> clientConfig,
      Topic<String, ModelVersion> topic) {
    reader = new TopicReader<>(bootstrapServers, clientConfig, topic);
  }

  /** Reads everything committed so far. */
  void catchUp() {
    List<ConsumerRecord<String, ModelVersion>> all = reader.readToEnd(Duration.ofSeconds(30));
    for (int i = read; i < all.size(); i++) {
      record(all.get(i).value());
    }
    read = all.size();
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
    reader.close();
  }
}
