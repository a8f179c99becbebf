package io.lethe.processor;

import io.lethe.kafka.LetheTopics;
import io.lethe.processor.topology.DeletionStreamsApp;
import io.lethe.processor.topology.TopologySettings;
import io.lethe.processor.worker.ArtifactStore;
import io.lethe.processor.worker.Onboarding;
import io.lethe.processor.worker.Unlearner;
import io.lethe.processor.worker.UnlearningWorker;
import io.lethe.processor.worker.WorkerListener;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The processor service: the deletion-request topology and the unlearning worker, started and
 * stopped together. The worker runs in its own consumer group, never on a stream thread.
 */
public final class LetheProcessor implements AutoCloseable {

  /**
   * @param applicationId Kafka Streams application id (also the prefix of its internal topics)
   * @param workerId this worker's transactional id; keep it stable across restarts so a restarted
   *     worker fences its predecessor and aborts its open transaction
   */
  public record Settings(
      String bootstrapServers,
      String applicationId,
      String workerGroupId,
      String workerId,
      Path stateDir,
      Path artifactDir,
      TopologySettings topology,
      Map<String, Object> streamsOverrides) {

    public static Settings defaults(
        String bootstrapServers, Path dataDir, TopologySettings topology) {
      return new Settings(
          bootstrapServers,
          "lethe-processor",
          "lethe-unlearning-worker",
          "lethe-worker-0",
          dataDir.resolve("streams"),
          dataDir.resolve("artifacts"),
          topology,
          Map.of());
    }

    public Settings withWorkerId(String value) {
      return new Settings(
          bootstrapServers,
          applicationId,
          workerGroupId,
          value,
          stateDir,
          artifactDir,
          topology,
          streamsOverrides);
    }

    /** These settings with artifacts in {@code value}; {@code null} keeps the default. */
    public Settings withArtifactDir(Path value) {
      return value == null
          ? this
          : new Settings(
              bootstrapServers,
              applicationId,
              workerGroupId,
              workerId,
              stateDir,
              value,
              topology,
              streamsOverrides);
    }

    public Settings withStreamsOverrides(Map<String, Object> value) {
      return new Settings(
          bootstrapServers,
          applicationId,
          workerGroupId,
          workerId,
          stateDir,
          artifactDir,
          topology,
          value);
    }
  }

  private final Settings settings;
  private final LetheTopics topics;
  private final Unlearner unlearner;
  private final DeletionStreamsApp streams;
  private final UnlearningWorker worker;
  private final ArtifactStore artifacts;

  public LetheProcessor(
      Settings settings, LetheTopics topics, Unlearner unlearner, WorkerListener listener) {
    this.settings = settings;
    this.topics = topics;
    this.unlearner = unlearner;
    this.artifacts = new ArtifactStore(settings.artifactDir());
    this.streams =
        new DeletionStreamsApp(
            settings.bootstrapServers(),
            settings.applicationId(),
            settings.stateDir(),
            topics,
            settings.topology(),
            settings.streamsOverrides());
    this.worker =
        new UnlearningWorker(
            new UnlearningWorker.Settings(
                settings.bootstrapServers(), settings.workerGroupId(), settings.workerId()),
            topics,
            unlearner,
            artifacts,
            listener);
  }

  /**
   * Trains the first version of every model that has none (with progress lines), then starts the
   * topology and the worker.
   */
  public void start(Duration timeout, Consumer<String> progress) {
    Onboarding.ensureInitialVersions(
        settings.bootstrapServers(),
        topics,
        unlearner,
        artifacts,
        settings.workerId() + "-onboarding",
        progress);
    streams.start(timeout);
    worker.start();
  }

  /** The topology's Kafka Streams instance (for metrics binders). */
  public org.apache.kafka.streams.KafkaStreams kafkaStreams() {
    return streams.kafkaStreams();
  }

  public ArtifactStore artifacts() {
    return artifacts;
  }

  @Override
  public void close() {
    worker.close();
    streams.close();
  }
}
