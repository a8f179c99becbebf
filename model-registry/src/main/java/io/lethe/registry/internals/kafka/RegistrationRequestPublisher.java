package io.lethe.registry.internals.kafka;

import io.lethe.avro.RegistrationRequest;
import io.lethe.registry.internals.service.RegistrationSink;
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
 * Publishes registration requests to {@code lethe.registration-requests}, keyed by registration id,
 * idempotent, and waits for the broker's acknowledgement before the API answers 202.
 */
public final class RegistrationRequestPublisher implements RegistrationSink, AutoCloseable {
  private static final Duration SEND_TIMEOUT = Duration.ofSeconds(10);

  private final KafkaProducer<String, RegistrationRequest> producer;
  private final String topic;

  public RegistrationRequestPublisher(
      Map<String, Object> kafka, String topic, Serializer<RegistrationRequest> serializer) {
    Map<String, Object> config = new HashMap<>(kafka);
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) SEND_TIMEOUT.toMillis());
    config.put(ProducerConfig.CLIENT_ID_CONFIG, "lethe-model-registry-registrations");
    this.producer = new KafkaProducer<>(config, new StringSerializer(), serializer);
    this.topic = topic;
  }

  @Override
  public void publish(RegistrationRequest request) {
    try {
      producer
          .send(new ProducerRecord<>(topic, request.getRegistrationId(), request))
          .get(SEND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("registration request not acknowledged by " + topic, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted publishing a registration request", e);
    }
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(5));
  }
}
