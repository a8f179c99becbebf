package io.lethe.registry.internals.kafka;

import io.lethe.avro.ModelVersion;
import io.lethe.avro.RequestReceipt;
import io.lethe.registry.internals.service.IngestService;
import io.lethe.registry.internals.service.RegistryMetrics;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads model versions and request receipts on one thread and hands them to {@link IngestService}.
 * Offsets are committed only after a record is stored (at-least-once; ingest is idempotent). A
 * record that cannot be decoded is audited and skipped; a database failure is retried from the
 * failed record after a pause, so nothing is lost while PostgreSQL is away.
 */
public final class RegistryConsumer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RegistryConsumer.class);
  private static final Duration RETRY_PAUSE = Duration.ofSeconds(2);

  private final KafkaConsumer<String, byte[]> consumer;
  private final String versionsTopic;
  private final String receiptsTopic;
  private final Deserializer<ModelVersion> versionDeserializer;
  private final Deserializer<RequestReceipt> receiptDeserializer;
  private final IngestService ingest;
  private final RegistryMetrics metrics;
  private final Clock clock;
  private final Thread thread;
  private final CountDownLatch stopped = new CountDownLatch(1);
  private volatile boolean running = true;
  private volatile boolean started;

  public RegistryConsumer(
      Map<String, Object> kafkaConfig,
      String versionsTopic,
      Deserializer<ModelVersion> versionDeserializer,
      String receiptsTopic,
      Deserializer<RequestReceipt> receiptDeserializer,
      IngestService ingest,
      RegistryMetrics metrics,
      Clock clock) {
    Map<String, Object> config = new HashMap<>(kafkaConfig);
    config.putIfAbsent(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    config.putIfAbsent(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    config.putIfAbsent(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 100);
    this.consumer =
        new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
    this.versionsTopic = versionsTopic;
    this.receiptsTopic = receiptsTopic;
    this.versionDeserializer = versionDeserializer;
    this.receiptDeserializer = receiptDeserializer;
    this.ingest = ingest;
    this.metrics = metrics;
    this.clock = clock;
    this.thread = new Thread(this::run, "lethe-registry-consumer");
    this.thread.setDaemon(true);
  }

  public void start() {
    started = true;
    thread.start();
  }

  /** Whether the polling thread is alive. */
  public boolean running() {
    return thread.isAlive();
  }

  private void run() {
    try {
      consumer.subscribe(List.of(versionsTopic, receiptsTopic));
      log.info("Registry consumer subscribed to {} and {}", versionsTopic, receiptsTopic);
      while (running) {
        ConsumerRecords<String, byte[]> records = consumer.poll(Duration.ofMillis(500));
        if (records.isEmpty()) {
          if (caughtUp()) {
            // Nothing left to read: the lag is zero now, not the last record's, which would
            // otherwise stay on the gauge (and in the lag alert) for as long as the topics are
            // quiet.
            metrics.lag(0);
          }
        } else if (!processAll(records)) {
          pause();
        }
      }
    } catch (WakeupException e) {
      if (running) {
        log.error("Registry consumer woken up unexpectedly", e);
      }
    } catch (RuntimeException e) {
      log.error("Registry consumer stopped on an unexpected error", e);
    } finally {
      try {
        consumer.close(Duration.ofSeconds(5));
      } catch (RuntimeException e) {
        log.warn("Registry consumer did not close cleanly: {}", e.toString());
      }
      stopped.countDown();
    }
  }

  /** True when every assigned partition is read to its end, as the last fetches reported it. */
  private boolean caughtUp() {
    Set<TopicPartition> assigned = consumer.assignment();
    for (TopicPartition partition : assigned) {
      OptionalLong lag = consumer.currentLag(partition);
      if (lag.isEmpty() || lag.getAsLong() > 0) {
        return false;
      }
    }
    return !assigned.isEmpty();
  }

  /** Processes a poll's records; false when one failed and its partition was rewound. */
  private boolean processAll(ConsumerRecords<String, byte[]> records) {
    Map<TopicPartition, OffsetAndMetadata> done = new HashMap<>();
    boolean allOk = true;
    for (TopicPartition partition : records.partitions()) {
      for (ConsumerRecord<String, byte[]> record : records.records(partition)) {
        try {
          process(record);
          done.put(partition, new OffsetAndMetadata(record.offset() + 1));
        } catch (RuntimeException e) {
          log.warn(
              "Could not store {}-{}@{}; retrying in {} s: {}",
              record.topic(),
              record.partition(),
              record.offset(),
              RETRY_PAUSE.toSeconds(),
              e.toString());
          consumer.seek(partition, record.offset());
          allOk = false;
          break;
        }
      }
    }
    if (!done.isEmpty()) {
      try {
        consumer.commitSync(done);
      } catch (org.apache.kafka.common.KafkaException e) {
        // Ingest is idempotent: records whose offsets were not committed are simply seen again.
        log.warn("Offset commit failed; records may be redelivered: {}", e.toString());
      }
    }
    return allOk;
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
    }
  }

  private void undecodable(ConsumerRecord<String, byte[]> record, SerializationException e) {
    log.warn(
        "Skipping undecodable record {}-{}@{}: {}",
        record.topic(),
        record.partition(),
        record.offset(),
        e.getMessage());
    if (record.topic().equals(versionsTopic)) {
      metrics.versionIngested("rejected");
    } else {
      metrics.receiptIngested("rejected");
    }
    ingest.recordUndecodable(record.topic(), record.partition(), record.offset(), e.getMessage());
  }

  private void pause() {
    try {
      Thread.sleep(RETRY_PAUSE.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running = false;
    }
  }

  @Override
  public void close() {
    running = false;
    if (!started) {
      consumer.close(Duration.ZERO);
      return;
    }
    consumer.wakeup();
    try {
      if (thread.isAlive() && !stopped.await(10, TimeUnit.SECONDS)) {
        log.warn("Registry consumer did not stop within 10 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
