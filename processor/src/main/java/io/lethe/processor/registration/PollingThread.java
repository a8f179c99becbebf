package io.lethe.processor.registration;

import java.time.Duration;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;

/**
 * A follower's thread: polls its consumer and hands each record on until closed. A failure, of a
 * poll or of one record's handling, goes to the follower and the thread goes on: one bad
 * registration must not stop the others.
 */
public final class PollingThread {
  public static final Duration POLL = Duration.ofMillis(500);

  private final KafkaConsumer<String, byte[]> consumer;
  private final Thread thread;
  private volatile boolean running = true;

  public PollingThread(
      String name,
      KafkaConsumer<String, byte[]> consumer,
      Consumer<ConsumerRecord<String, byte[]>> handler,
      Consumer<RuntimeException> onFailure) {
    this.consumer = consumer;
    this.thread = new Thread(() -> loop(handler, onFailure), name);
    thread.setDaemon(true);
    thread.start();
  }

  private void loop(
      Consumer<ConsumerRecord<String, byte[]>> handler, Consumer<RuntimeException> onFailure) {
    while (running) {
      try {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(POLL)) {
          handler.accept(r);
        }
      } catch (WakeupException e) {
        return;
      } catch (RuntimeException e) {
        onFailure.accept(e);
      }
    }
  }

  /**
   * A thread over a group consumer subscribed to {@code topic}: when Kafka itself fails (not a
   * record's handling, which the handler deals with), it logs and subscribes again, so the
   * uncommitted record is read again.
   */
  public static PollingThread subscribed(
      String name,
      KafkaConsumer<String, byte[]> consumer,
      String topic,
      Consumer<ConsumerRecord<String, byte[]>> handler,
      org.slf4j.Logger log) {
    consumer.subscribe(java.util.List.of(topic));
    return new PollingThread(
        name,
        consumer,
        handler,
        e -> {
          log.error("{}: {}; retrying", topic, e.toString());
          consumer.unsubscribe();
          consumer.subscribe(java.util.List.of(topic));
        });
  }

  /** Commits the offset after {@code record}: it is handled. */
  public static void commit(KafkaConsumer<?, ?> consumer, ConsumerRecord<?, ?> record) {
    consumer.commitSync(
        java.util.Map.of(
            new org.apache.kafka.common.TopicPartition(record.topic(), record.partition()),
            new org.apache.kafka.clients.consumer.OffsetAndMetadata(record.offset() + 1)));
  }

  /** Sends and waits for the broker's acknowledgement; a failure is an IllegalStateException. */
  public static void sendAndWait(
      org.apache.kafka.clients.producer.KafkaProducer<String, byte[]> producer,
      String topic,
      String key,
      byte[] value,
      String what) {
    try {
      producer
          .send(new org.apache.kafka.clients.producer.ProducerRecord<>(topic, key, value))
          .get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while publishing " + what, e);
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException("cannot publish " + what, e.getCause());
    }
  }

  /** Stops the thread (waiting up to 5 s) and closes the consumer. */
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

  /** A record's key or id fit for a log line: only letters, digits and {@code ._-}. */
  public static String safe(String text) {
    return text == null ? "null" : text.replaceAll("[^A-Za-z0-9._-]", "?");
  }
}
