package io.lethe.processor.topology;

import io.lethe.kafka.LetheTopics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;
import org.apache.kafka.streams.errors.LogAndContinueProcessingExceptionHandler;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs {@link DeletionTopology} with exactly-once v2 and an explicit lifecycle: the topology is
 * logged at start, an uncaught exception replaces the thread, and {@link #start} waits (bounded)
 * for RUNNING.
 */
public final class DeletionStreamsApp implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DeletionStreamsApp.class);

  private final KafkaStreams streams;
  private final CountDownLatch running = new CountDownLatch(1);
  private final RecordFailures failures = new RecordFailures();

  public DeletionStreamsApp(
      String bootstrapServers,
      String applicationId,
      Path stateDir,
      LetheTopics topics,
      TopologySettings settings,
      Map<String, Object> overrides) {
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, -1); // the broker's default
    // Anything the topology's own dead-letter path did not catch is logged, sent to the DLQ with
    // Kafka's error headers, and skipped: bad input never stops the application.
    props.put(
        StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
        LogAndContinueExceptionHandler.class);
    props.put(
        StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG,
        LogAndContinueProcessingExceptionHandler.class);
    props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
    props.put(
        StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG, OversizedRecordHandler.class);
    props.put(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, topics.names.deadLetter());
    props.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
    props.putAll(overrides);
    // A batch must fit both the producer's max.request.size and what the broker accepts for the
    // batches topic: under exactly-once a batch refused as too large aborts the transaction, the
    // task re-reads its input and builds the same batch again, so only prevention works.
    StreamsConfig config = new StreamsConfig(props);
    int limit =
        Math.min(maxRequestSize(config), maxMessageBytes(config, topics.names.unlearningBatches()));
    TopologySettings fitted = settings.withLimits(settings.limits().fitting(limit));
    Topology topology = DeletionTopology.build(topics, fitted, failures);
    log.debug("Deletion topology:\n{}", topology.describe());
    streams = new KafkaStreams(topology, props);
    streams.setUncaughtExceptionHandler(
        e -> {
          // Runs on the failed thread: the record it was on counts a failure, and is set aside
          // once it has ended threads often enough (RecordFailures), so replacing never loops.
          failures.threadFailed(Thread.currentThread(), e);
          log.error("Stream thread failed; replacing it", e);
          return StreamThreadExceptionResponse.REPLACE_THREAD;
        });
    streams.setStateListener(
        (now, before) -> {
          log.debug("Streams state {} -> {}", before, now);
          if (now == KafkaStreams.State.RUNNING) {
            running.countDown();
          }
        });
  }

  /** The batches topic's {@code max.message.bytes} (the broker's default where it has none). */
  private static int maxMessageBytes(StreamsConfig config, String topic) {
    try (Admin admin = Admin.create(config.getAdminConfigs("lethe-limits"))) {
      ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
      Config described =
          admin.describeConfigs(List.of(resource)).all().get(10, TimeUnit.SECONDS).get(resource);
      ConfigEntry entry = described.get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG);
      return entry == null || entry.value() == null
          ? Integer.MAX_VALUE
          : Integer.parseInt(entry.value());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Integer.MAX_VALUE;
    } catch (ExecutionException | java.util.concurrent.TimeoutException | RuntimeException e) {
      log.warn(
          "Cannot read max.message.bytes of {} ({}); batches are sized for the producer only",
          topic,
          e.toString());
      return Integer.MAX_VALUE;
    }
  }

  private static int maxRequestSize(StreamsConfig config) {
    Object size =
        config
            .getProducerConfigs("lethe-size-probe")
            .getOrDefault(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 1024 * 1024);
    return Integer.parseInt(size.toString());
  }

  /** Starts and waits until the application is RUNNING, or fails after {@code timeout}. */
  public void start(Duration timeout) {
    streams.start();
    try {
      if (!running.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new IllegalStateException(
            "deletion topology not RUNNING after " + timeout + " (state " + streams.state() + ")");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while starting the topology", e);
    }
    log.info("Deletion topology running");
  }

  public KafkaStreams.State state() {
    return streams.state();
  }

  /** The running Kafka Streams instance (for metrics binders). */
  public KafkaStreams kafkaStreams() {
    return streams;
  }

  @Override
  public void close() {
    streams.close(Duration.ofSeconds(30));
  }
}
