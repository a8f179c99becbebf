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
