package io.lethe.registry.internals.kafka;

import io.lethe.avro.AliasEvent;
import io.lethe.registry.internals.service.AliasEventSink;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Publishes committed alias moves to {@code lethe.alias-events}, keyed by model id (so one model's
 * moves stay in order), idempotent, and waits for the broker's acknowledgement.
 */
public final class AliasEventPublisher implements AliasEventSink, AutoCloseable {
  private static final Duration SEND_TIMEOUT = Duration.ofSeconds(10);

  private final KafkaProducer<String, AliasEvent> producer;
  private final String topic;

  public AliasEventPublisher(
      Map<String, Object> kafka, String topic, Serializer<AliasEvent> serializer) {
    Map<String, Object> config = new HashMap<>(kafka);
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) SEND_TIMEOUT.toMillis());
    this.producer = new KafkaProducer<>(config, new StringSerializer(), serializer);
    this.topic = topic;
  }

  @Override
  public void publish(AliasEvent event) {
    try {
      producer
          .send(new ProducerRecord<>(topic, event.getModelId(), event))
          .get(SEND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("alias event not acknowledged by " + topic, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted publishing an alias event", e);
    }
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(5));
  }
}
