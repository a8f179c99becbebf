package io.lethe.registry.internals.kafka;

import io.lethe.avro.CalibrationReport;
import io.lethe.avro.ModelVersion;
import io.lethe.avro.RequestReceipt;
import io.lethe.registry.internals.service.CalibrationService;
import io.lethe.registry.internals.service.DeadLetterService;
import io.lethe.registry.internals.service.IngestService;
import io.lethe.registry.internals.service.LogSafe;
import io.lethe.registry.internals.service.RegistryMetrics;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads model versions and request receipts on one thread and hands them to {@link IngestService},
 * and calibration reports, which go to {@link CalibrationService}. Offsets are committed only after
 * a record is done (at-least-once; ingest is idempotent).
 *
 * <p>A record that fails is retried from where it failed, its partition paused meanwhile (the
 * consumer keeps polling, so it stays in its group and its health stays honest) with a backoff of 1
 * s doubling to 30 s. A transient failure ({@link Failure}: the database or Kafka away) is retried
 * for as long as it lasts, so nothing is lost while PostgreSQL is down. A record that fails the
 * same permanent way {@value FailedAttempts#LIMIT} times is set aside ({@link DeadLetterService})
 * and ingest goes on with the next one. An undecodable record is audited and skipped at once.
 *
 * <p>The polling loop is supervised: any {@link Throwable} that escapes it ({@link
 * OutOfMemoryError}, {@link StackOverflowError}, a bug) is logged with its stack trace, the Kafka
 * consumer is closed and a new one created after a backoff, and ingest goes on from the last
 * committed offset. An {@link Error} thrown while ingesting a record counts as a failure of that
 * record, so a record that crashes the consumer every time is set aside too.
 */
public final class RegistryConsumer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RegistryConsumer.class);
  static final Duration POLL = Duration.ofMillis(500);

  /** No completed poll for this long and the consumer is reported as not making progress. */
  public static final Duration STALL = Duration.ofSeconds(30);

  private final Supplier<Consumer<String, byte[]>> consumers;
  private final String versionsTopic;
  private final String receiptsTopic;
  private final Deserializer<ModelVersion> versionDeserializer;
  private final Deserializer<RequestReceipt> receiptDeserializer;
  private final String calibrationsTopic;
  private final Deserializer<CalibrationReport> calibrationDeserializer;
  private final CalibrationService calibrations;
  private final IngestService ingest;
  private final DeadLetterService deadLetters;
  private final RegistryMetrics metrics;
  private final Clock clock;
  private final FailedAttempts attempts = new FailedAttempts();
  private final Thread thread;
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final CountDownLatch closing = new CountDownLatch(1);
  private volatile boolean running = true;
  private volatile boolean started;
  private volatile Consumer<String, byte[]> current;
  private volatile long lastPollNanos;
  private volatile String restartingAfter;

  public RegistryConsumer(
      Map<String, Object> kafkaConfig,
      String versionsTopic,
      Deserializer<ModelVersion> versionDeserializer,
      String receiptsTopic,
      Deserializer<RequestReceipt> receiptDeserializer,
      String calibrationsTopic,
      Deserializer<CalibrationReport> calibrationDeserializer,
      CalibrationService calibrations,
      IngestService ingest,
      DeadLetterService deadLetters,
      RegistryMetrics metrics,
      Clock clock) {
    Map<String, Object> config = new HashMap<>(kafkaConfig);
    config.putIfAbsent(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    config.putIfAbsent(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    config.putIfAbsent(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 100);
    this.consumers =
        () -> new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
    this.versionsTopic = versionsTopic;
    this.receiptsTopic = receiptsTopic;
    this.versionDeserializer = versionDeserializer;
    this.receiptDeserializer = receiptDeserializer;
    this.calibrationsTopic = calibrationsTopic;
    this.calibrationDeserializer = calibrationDeserializer;
    this.calibrations = calibrations;
    this.ingest = ingest;
    this.deadLetters = deadLetters;
    this.metrics = metrics;
    this.clock = clock;
    this.thread = new Thread(this::supervise, "lethe-registry-consumer");
    this.thread.setDaemon(true);
  }

  public void start() {
    started = true;
    lastPollNanos = System.nanoTime();
    thread.start();
  }

  /** Whether the polling thread is alive. */
  public boolean running() {
    return thread.isAlive();
  }

  /** What the consumer is doing, for {@code /health}: RUNNING, RESTARTING, STALLED or STOPPED. */
  public String state() {
    if (!thread.isAlive()) {
      return "STOPPED";
    }
    if (restartingAfter != null) {
      return "RESTARTING";
    }
    return silentNanos() > STALL.toNanos() ? "STALLED" : "RUNNING";
  }

  /** Why the consumer is not making progress, if it is not. */
  public Optional<String> problem() {
    return switch (state()) {
      case "STOPPED" -> Optional.of("the registry's consumer thread has stopped");
      case "RESTARTING" ->
          Optional.of("the registry's consumer is restarting after " + restartingAfter);
      case "STALLED" ->
          Optional.of(
              "the registry's consumer has not completed a poll for "
                  + Duration.ofNanos(silentNanos()).toSeconds()
                  + " s");
      default -> Optional.empty();
    };
  }

  private long silentNanos() {
    return System.nanoTime() - lastPollNanos;
  }

  /** Runs consumers one after the other until closed; nothing thrown ends this thread. */
  private void supervise() {
    Backoff restarts = new Backoff();
    try {
      while (running) {
        Throwable crash = null;
        Consumer<String, byte[]> consumer = null;
        try {
          consumer = consumers.get();
          current = consumer;
          if (!running) {
            break;
          }
          consumer.subscribe(List.of(versionsTopic, receiptsTopic, calibrationsTopic));
          log.info(
              "Registry consumer subscribed to {}, {} and {}",
              versionsTopic,
              receiptsTopic,
              calibrationsTopic);
          pollUntilClosed(consumer, restarts);
        } catch (WakeupException e) {
          if (running) {
            crash = e;
          }
        } catch (Throwable t) { // Errors included: nothing may end ingest for good
          crash = t;
        } finally {
          current = null;
          closeQuietly(consumer);
        }
        if (crash != null && running) {
          Duration pause = restarts.next();
          restartingAfter = crash.getClass().getSimpleName();
          log.error(
              "Registry consumer failed; a new consumer starts in {} s from the last committed"
                  + " offset",
              pause.toSeconds(),
              crash);
          if (closing.await(pause.toMillis(), TimeUnit.MILLISECONDS)) {
            break;
          }
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      stopped.countDown();
    }
  }

  private void pollUntilClosed(Consumer<String, byte[]> consumer, Backoff restarts) {
    Map<TopicPartition, Long> resumeAt = new HashMap<>();
    Map<TopicPartition, Backoff> backoffs = new HashMap<>();
    while (running) {
      resumeDue(consumer, resumeAt);
      ConsumerRecords<String, byte[]> records = consumer.poll(POLL);
      lastPollNanos = System.nanoTime();
      restartingAfter = null;
      if (records.isEmpty()) {
        if (caughtUp(consumer)) {
          // Nothing left to read: the lag is zero now, not the last record's, which would
          // otherwise stay on the gauge (and in the lag alert) for as long as the topics are
          // quiet.
          metrics.lag(0);
        }
      } else {
        processAll(consumer, records, resumeAt, backoffs, restarts);
      }
    }
  }

  /** Resumes the paused partitions whose pause is over (and forgets revoked ones). */
  private static void resumeDue(Consumer<?, ?> consumer, Map<TopicPartition, Long> resumeAt) {
    if (resumeAt.isEmpty()) {
      return;
    }
    Set<TopicPartition> assigned = consumer.assignment();
    long now = System.nanoTime();
    for (Iterator<Map.Entry<TopicPartition, Long>> it = resumeAt.entrySet().iterator();
        it.hasNext(); ) {
      Map.Entry<TopicPartition, Long> e = it.next();
      if (!assigned.contains(e.getKey())) {
        it.remove();
      } else if (now - e.getValue() >= 0) {
        consumer.resume(Set.of(e.getKey()));
        it.remove();
      }
    }
  }

  /** True when every assigned partition is read to its end, as the last fetches reported it. */
  private static boolean caughtUp(Consumer<?, ?> consumer) {
    Set<TopicPartition> assigned = consumer.assignment();
    for (TopicPartition partition : assigned) {
      OptionalLong lag = consumer.currentLag(partition);
      if (lag.isEmpty() || lag.getAsLong() > 0) {
        return false;
      }
    }
    return !assigned.isEmpty();
  }

  /**
   * Processes a poll's records partition by partition; a partition whose record must be retried is
   * rewound to it and paused for its backoff, the others go on.
   */
  private void processAll(
      Consumer<String, byte[]> consumer,
      ConsumerRecords<String, byte[]> records,
      Map<TopicPartition, Long> resumeAt,
      Map<TopicPartition, Backoff> backoffs,
      Backoff restarts) {
    Map<TopicPartition, OffsetAndMetadata> done = new HashMap<>();
    for (TopicPartition partition : records.partitions()) {
      for (ConsumerRecord<String, byte[]> record : records.records(partition)) {
        Optional<Duration> retry = handle(partition, record, backoffs);
        if (retry.isPresent()) {
          consumer.seek(partition, record.offset());
          consumer.pause(Set.of(partition));
          resumeAt.put(partition, System.nanoTime() + retry.get().toNanos());
          break;
        }
        done.put(partition, new OffsetAndMetadata(record.offset() + 1));
        backoffs.remove(partition);
        restarts.reset();
      }
    }
    if (!done.isEmpty()) {
      try {
        consumer.commitSync(done);
      } catch (KafkaException e) {
        // Ingest is idempotent: records whose offsets were not committed are simply seen again.
        log.warn("Offset commit failed; records may be redelivered: {}", e.toString());
      }
    }
  }

  /** Ingests or sets aside one record; the pause before retrying it when it must be retried. */
  private Optional<Duration> handle(
      TopicPartition partition,
      ConsumerRecord<String, byte[]> record,
      Map<TopicPartition, Backoff> backoffs) {
    FailedAttempts.Attempts prior = attempts.of(partition, record.offset());
    if (prior != null && prior.exhausted()) {
      return setAside(partition, record, prior, backoffs);
    }
    try {
      process(record);
      attempts.clear(partition);
      return Optional.empty();
    } catch (RuntimeException e) {
      Failure failure = Failure.of(e);
      Duration pause = backoffs.computeIfAbsent(partition, p -> new Backoff()).next();
      if (failure.kind().isTransient()) {
        log.warn(
            "Could not store {}; retrying in {} s ({}): {}",
            where(record),
            pause.toSeconds(),
            failure.kind().label(),
            failure.message());
        return Optional.of(pause);
      }
      FailedAttempts.Attempts now = attempts.failed(partition, record.offset(), failure, now());
      if (now.exhausted()) {
        return setAside(partition, record, now, backoffs);
      }
      log.warn(
          "Could not store {} (attempt {} of {}, {}); retrying in {} s: {}",
          where(record),
          now.count(),
          FailedAttempts.LIMIT,
          failure.kind().label(),
          pause.toSeconds(),
          failure.message());
      return Optional.of(pause);
    } catch (Error e) {
      // Counted against the record before the supervisor restarts the consumer: a record that
      // crashes it every time is set aside after the limit instead of crashing it forever.
      attempts.failed(partition, record.offset(), Failure.of(e), now());
      throw e;
    }
  }

  private Optional<Duration> setAside(
      TopicPartition partition,
      ConsumerRecord<String, byte[]> record,
      FailedAttempts.Attempts failed,
      Map<TopicPartition, Backoff> backoffs) {
    try {
      deadLetters.setAside(
          new DeadLetterService.Letter(
              record.topic(),
              record.partition(),
              record.offset(),
              record.key(),
              failed.failure().kind(),
              failed.failure().message(),
              failed.count(),
              failed.first(),
              failed.last()));
    } catch (RuntimeException e) {
      // Setting aside writes to the database too; until it can, the record waits (it is not lost).
      Duration pause = backoffs.computeIfAbsent(partition, p -> new Backoff()).next();
      log.warn(
          "Could not set aside {}; retrying in {} s: {}",
          where(record),
          pause.toSeconds(),
          Failure.of(e).message());
      return Optional.of(pause);
    }
    attempts.clear(partition);
    log.warn(
        "Set aside {} after {} attempts ({}); ingest goes on with the next record: {}",
        where(record),
        failed.count(),
        failed.failure().kind().label(),
        failed.failure().message());
    return Optional.empty();
  }

  private java.time.Instant now() {
    return clock.instant();
  }

  private static String where(ConsumerRecord<?, ?> record) {
    return LogSafe.of(record.topic()) + "-" + record.partition() + "@" + record.offset();
  }

  private void process(ConsumerRecord<String, byte[]> record) {
    if (record.value() == null) {
      return;
    }
    metrics.lag(clock.millis() - record.timestamp());
    if (record.topic().equals(versionsTopic)) {
      ModelVersion version;
      try {
        version = versionDeserializer.deserialize(record.topic(), record.value());
      } catch (SerializationException e) {
        undecodable(record, e);
        return;
      }
      ingest.ingestVersion(version);
    } else if (record.topic().equals(receiptsTopic)) {
      RequestReceipt receipt;
      try {
        receipt = receiptDeserializer.deserialize(record.topic(), record.value());
      } catch (SerializationException e) {
        undecodable(record, e);
        return;
      }
      ingest.ingestReceipt(receipt);
    } else if (record.topic().equals(calibrationsTopic)) {
      CalibrationReport report;
      try {
        report = calibrationDeserializer.deserialize(record.topic(), record.value());
      } catch (SerializationException e) {
        undecodable(record, e);
        return;
      }
      calibrations.ingest(report);
    }
  }

  private void undecodable(ConsumerRecord<String, byte[]> record, SerializationException e) {
    log.warn("Skipping undecodable record {}: {}", where(record), LogSafe.of(e.getMessage()));
    if (record.topic().equals(versionsTopic)) {
      metrics.versionIngested("rejected");
    } else if (record.topic().equals(calibrationsTopic)) {
      metrics.calibrationIngested("rejected");
    } else {
      metrics.receiptIngested("rejected");
    }
    ingest.recordUndecodable(record.topic(), record.partition(), record.offset(), e.getMessage());
  }

  private static void closeQuietly(Consumer<?, ?> consumer) {
    if (consumer == null) {
      return;
    }
    try {
      consumer.close(Duration.ofSeconds(5));
    } catch (RuntimeException e) {
      log.warn("Registry consumer did not close cleanly: {}", e.toString());
    }
  }

  @Override
  public void close() {
    running = false;
    closing.countDown();
    if (!started) {
      return;
    }
    Consumer<String, byte[]> consumer = current;
    if (consumer != null) {
      consumer.wakeup();
    }
    try {
      if (thread.isAlive() && !stopped.await(10, TimeUnit.SECONDS)) {
        log.warn("Registry consumer did not stop within 10 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
