package io.lethe.processor;

import io.lethe.kafka.InputSchemaRegistration;
import io.lethe.kafka.KafkaReachability;
import io.lethe.kafka.LetheTopics;
import io.lethe.processor.registration.ModelFeed;
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
   * @param workerId this worker's transactional id, unique per instance ({@link #transactionalId});
   *     keep it stable across restarts so a restarted worker fences its predecessor and aborts its
   *     open transaction
   * @param kafkaClient Kafka client settings (security protocol, SASL, SSL, ...) given to every
   *     client of the processor: the topology's, the worker's, onboarding's and the admin's
   */
  public record Settings(
      String bootstrapServers,
      String applicationId,
      String workerGroupId,
      String workerId,
      Path stateDir,
      Path artifactDir,
      TopologySettings topology,
      Map<String, Object> streamsOverrides,
      Map<String, Object> kafkaClient) {

    /** Without extra Kafka client settings. */
    public Settings(
        String bootstrapServers,
        String applicationId,
        String workerGroupId,
        String workerId,
        Path stateDir,
        Path artifactDir,
        TopologySettings topology,
        Map<String, Object> streamsOverrides) {
      this(
          bootstrapServers,
          applicationId,
          workerGroupId,
          workerId,
          stateDir,
          artifactDir,
          topology,
          streamsOverrides,
          Map.of());
    }

    /** The worker's transactional id for the instance {@code instanceId}. */
    public static String transactionalId(String instanceId) {
      return "lethe-worker-" + instanceId;
    }

    public Settings withKafkaClient(Map<String, Object> value) {
      return new Settings(
          bootstrapServers,
          applicationId,
          workerGroupId,
          workerId,
          stateDir,
          artifactDir,
          topology,
          streamsOverrides,
          Map.copyOf(value));
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
          streamsOverrides,
          kafkaClient);
    }

    public Settings withTopology(TopologySettings value) {
      return new Settings(
          bootstrapServers,
          applicationId,
          workerGroupId,
          workerId,
          stateDir,
          artifactDir,
          value,
          streamsOverrides,
          kafkaClient);
    }

    public static Settings defaults(
        String bootstrapServers, Path dataDir, TopologySettings topology) {
      return new Settings(
          bootstrapServers,
          "lethe-processor",
          "lethe-unlearning-worker",
          transactionalId("0"),
          dataDir.resolve("streams"),
          dataDir.resolve("artifacts"),
          topology,
          Map.of());
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
              streamsOverrides,
              kafkaClient);
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
          value,
          kafkaClient);
    }
  }

  private final Settings settings;
  private final LetheTopics topics;
  private final Unlearner unlearner;
  private final DeletionStreamsApp streams;
  private final UnlearningWorker worker;
  private final ArtifactStore artifacts;
  private final ModelFeed feed;

  /** Builds where the processor's models come from while it runs, given its artifact store. */
  @FunctionalInterface
  public interface FeedFactory {
    ModelFeed create(Settings settings, ArtifactStore artifacts);
  }

  public LetheProcessor(
      Settings settings, LetheTopics topics, Unlearner unlearner, WorkerListener listener) {
    this(settings, topics, unlearner, listener, (s, a) -> ModelFeed.NONE);
  }

  /** A processor that also serves the models {@code feed} brings while it runs. */
  public LetheProcessor(
      Settings settings,
      LetheTopics topics,
      Unlearner unlearner,
      WorkerListener listener,
      FeedFactory feed) {
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
            streamsConfig(settings));
    this.worker =
        new UnlearningWorker(
            new UnlearningWorker.Settings(
                settings.bootstrapServers(),
                settings.workerGroupId(),
                settings.workerId(),
                settings.kafkaClient()),
            topics,
            unlearner,
            artifacts,
            listener);
    this.feed = feed.create(settings, artifacts);
  }

  /**
   * Registers the request schema (registry mode: {@link InputSchemaRegistration}), trains the first
   * version of every model that has none (with progress lines), then starts the topology and the
   * worker.
   */
  public void start(Duration timeout, Consumer<String> progress) {
    InputSchemaRegistration.ensure(topics.serdes, topics.names);
    Onboarding.ensureInitialVersions(
        settings.bootstrapServers(),
        settings.kafkaClient(),
        topics,
        unlearner,
        artifacts,
        settings.workerId() + "-onboarding",
        progress);
    // Models registered at run time are served (and onboarded) before the first request is read.
    feed.catchUp(progress);
    streams.start(timeout);
    worker.start();
    feed.start(progress);
  }

  /**
   * The client settings apply to all of Streams' clients; the explicit overrides win. The topology
   * is a static member of its group, named after the instance (Streams adds each thread's index):
   * Streams does not leave its group when it closes, so a restarted instance would otherwise wait
   * out the session timeout (45 s) before it got its partitions back; as the same static member it
   * takes them back at once.
   */
  private static Map<String, Object> streamsConfig(Settings settings) {
    Map<String, Object> config = new java.util.HashMap<>(settings.kafkaClient());
    config.put(
        org.apache.kafka.clients.consumer.ConsumerConfig.GROUP_INSTANCE_ID_CONFIG,
        settings.workerId() + "-topology");
    config.putAll(settings.streamsOverrides());
    return config;
  }

  /** The topology's Kafka Streams instance (for metrics binders). */
  public org.apache.kafka.streams.KafkaStreams kafkaStreams() {
    return streams.kafkaStreams();
  }

  public ArtifactStore artifacts() {
    return artifacts;
  }

  /** How long the worker may go without polling before {@code /health} says it is hung. */
  static final Duration WORKER_SILENCE = Duration.ofSeconds(20);

  private volatile KafkaReachability kafka;

  /**
   * DOWN, with the reason, when Kafka is out of reach, the topology is not running (or
   * rebalancing), or the worker has stopped or hangs; each is noticed within 30 s.
   */
  public Health health() {
    KafkaReachability probe = kafka;
    if (probe == null) {
      synchronized (this) {
        if (kafka == null) {
          kafka = new KafkaReachability(settings.bootstrapServers(), settings.kafkaClient());
        }
        probe = kafka;
      }
    }
    var state = streams.kafkaStreams().state();
    return Health.all(
        probe.problem().map(Health::down).orElse(Health.UP),
        state.isRunningOrRebalancing()
            ? Health.UP
            : Health.down("the deletion topology is " + state),
        worker.problem(WORKER_SILENCE).map(Health::down).orElse(Health.UP));
  }

  @Override
  public void close() {
    feed.close();
    worker.close();
    streams.close();
    KafkaReachability probe = kafka;
    if (probe != null) {
      probe.close();
    }
  }
}
