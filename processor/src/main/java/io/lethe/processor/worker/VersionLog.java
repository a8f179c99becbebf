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
 * The worker's view of which versions exist. Its durable half is the artifact store's version
 * records ({@link ArtifactStore#putVersion}), which no retention expires: onboarding and the worker
 * consult them first, so a model whose records left the model-versions topic is never trained again
 * from scratch. The committed model-versions topic is read on top: whatever it holds that the store
 * lacks (a crash between a commit and the write to disk) is written to the store.
 */
final class VersionLog implements AutoCloseable {
  private final TopicReader<String, ModelVersion> reader;
  private final ArtifactStore store;
  private int read;
  private boolean storeRead;
  private final Map<String, ModelVersion> latestGood = new HashMap<>();
  private final Map<String, Integer> highest = new HashMap<>();
  private final Map<String, ModelVersion> first = new HashMap<>();
  private final Set<String> appliedBatches = new HashSet<>();

  VersionLog(String bootstrapServers, Topic<String, ModelVersion> topic, ArtifactStore store) {
    this(bootstrapServers, Map.of(), topic, store);
  }

  VersionLog(
      String bootstrapServers,
      Map<String, Object> clientConfig,
      Topic<String, ModelVersion> topic,
      ArtifactStore store) {
    reader = new TopicReader<>(bootstrapServers, clientConfig, topic);
    this.store = store;
  }

  /** Reads the store's records once, then everything committed to the topic so far. */
  void catchUp() {
    if (!storeRead) {
      store.versions().forEach(this::record);
      storeRead = true;
    }
    List<ConsumerRecord<String, ModelVersion>> all = reader.readToEnd(Duration.ofSeconds(30));
    for (int i = read; i < all.size(); i++) {
      remember(all.get(i).value());
    }
    read = all.size();
  }

  /**
   * Records a committed version and keeps it in the store. Called by the worker right after it
   * commits (so it need not re-read its own output), and for every version read from the topic.
   */
  void remember(ModelVersion version) {
    if (version == null) {
      return;
    }
    store.putVersion(version);
    record(version);
  }

  private void record(ModelVersion version) {
    if (version == null) {
      return;
    }
    highest.merge(version.getModelId(), version.getVersion(), Math::max);
    if (version.getVersion() == 1 && applies(version.getStatus())) {
      first.put(version.getModelId(), version);
    }
    if (applies(version.getStatus())) {
      latestGood.merge(
          version.getModelId(), version, (a, b) -> b.getVersion() > a.getVersion() ? b : a);
    }
    if (version.getBatchId() != null) {
      appliedBatches.add(version.getBatchId());
    }
  }

  /**
   * Whether a version with this status applies its batch: PASSED, or NOT_VERIFIED (the checks had
   * too little evidence either way and there was no exact retraining to escalate to). Such a
   * version is still the model without the batch's data, better than the parent that holds it, so
   * its requests are APPLIED and it is the next base; its verdict travels in its status, its {@code
   * evidence} metric and the registry's certificate. Only FAILED is not applied.
   */
  static boolean applies(VerificationStatus status) {
    return status == VerificationStatus.PASSED || status == VerificationStatus.NOT_VERIFIED;
  }

  /** The newest version that applied its batch: the base the next batch builds on. */
  Optional<ModelVersion> latestGood(String modelId) {
    return Optional.ofNullable(latestGood.get(modelId));
  }

  /**
   * The model's first version (trained, or the user's model as given), the drift guard's reference.
   */
  Optional<ModelVersion> first(String modelId) {
    return Optional.ofNullable(first.get(modelId));
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
