package io.lethe.registry.internals.kafka;

import io.lethe.avro.RegistrationOutcome;
import io.lethe.registry.internals.service.RegistrationService;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads {@code lethe.registration-outcomes} into the registrations table, on a thread of its own
 * and in a consumer group of its own (the registry's group name with {@code -registrations}), so
 * that it neither waits for nor rebalances the version and receipt consumer. Offsets are committed
 * after the outcome is stored; an outcome read twice changes nothing.
 */
public final class RegistrationOutcomeConsumer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RegistrationOutcomeConsumer.class);
  private static final Duration POLL = Duration.ofMillis(500);

  private final KafkaConsumer<String, byte[]> consumer;
  private final String topic;
  private final Deserializer<RegistrationOutcome> deserializer;
  private final RegistrationService registrations;
  private final Thread thread;
  private volatile boolean running;

  public RegistrationOutcomeConsumer(
      Map<String, Object> kafka,
      String topic,
      Deserializer<RegistrationOutcome> deserializer,
      RegistrationService registrations) {
    Map<String, Object> config = new HashMap<>(kafka);
    config.put(
        ConsumerConfig.GROUP_ID_CONFIG,
        config.get(ConsumerConfig.GROUP_ID_CONFIG) + "-registrations");
    config.put(ConsumerConfig.CLIENT_ID_CONFIG, "lethe-model-registry-registrations");
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    this.consumer =
        new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
    this.topic = topic;
    this.deserializer = deserializer;
    this.registrations = registrations;
    this.thread = new Thread(this::run, "lethe-registry-registrations");
    this.thread.setDaemon(true);
  }

  public void start() {
    running = true;
    consumer.subscribe(List.of(topic));
    thread.start();
  }

  private void run() {
    while (running) {
      try {
        var records = consumer.poll(POLL);
        for (ConsumerRecord<String, byte[]> r : records) {
          store(r);
        }
        if (!records.isEmpty()) {
          consumer.commitSync();
        }
      } catch (WakeupException e) {
        return;
      } catch (RuntimeException e) {
        // The database or Kafka failed: read the uncommitted outcomes again.
        log.error("Registration outcomes not stored: {}; retrying", e.toString());
        consumer.unsubscribe();
        consumer.subscribe(List.of(topic));
      }
    }
  }

  private void store(ConsumerRecord<String, byte[]> record) {
    RegistrationOutcome outcome;
    try {
      outcome = deserializer.deserialize(record.topic(), record.value());
    } catch (RuntimeException e) {
      log.error("Ignored an unreadable registration outcome at {}@{}", topic, record.offset());
      return;
    }
    if (outcome != null) {
      registrations.ingest(outcome);
    }
  }

  @Override
  public void close() {
    running = false;
    consumer.wakeup();
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    consumer.close();
  }
}
