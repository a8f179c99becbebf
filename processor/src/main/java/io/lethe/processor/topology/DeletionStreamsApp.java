package io.lethe.processor.topology;

import io.lethe.kafka.LetheTopics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
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
    // A batch must fit the producer's max.request.size, whatever the overrides made it.
    TopologySettings fitted =
        settings.withLimits(settings.limits().fitting(maxRequestSize(new StreamsConfig(props))));
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
