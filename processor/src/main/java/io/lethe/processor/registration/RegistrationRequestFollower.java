package io.lethe.processor.registration;

import io.lethe.avro.RegisteredModel;
import io.lethe.avro.RegistrationOutcome;
import io.lethe.avro.RegistrationRequest;
import io.lethe.avro.RegistrationStatus;
import io.lethe.kafka.LetheTopics;
import io.lethe.processor.catalog.CatalogException;
import io.lethe.processor.catalog.RegistrationText;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Handles the registrations asked for through the registry's REST API ({@code POST
 * /api/registrations}). The registry cannot validate a catalog (it has no engine), so it publishes
 * the request on {@code lethe.registration-requests}; every processor of a deployment reads that
 * topic in one consumer group, so exactly one of them validates each request, with the very code
 * {@code lethe models register} runs ({@link Registrar}: everything published, or on any problem
 * nothing), and publishes the outcome on {@code lethe.registration-outcomes}. The model itself is
 * then onboarded like any registration, by every processor's {@link CatalogFollower}.
 *
 * <p>The offset is committed after the outcome is published: a processor that stops in between
 * leaves the request to another, which finds the models already registered (unchanged) and
 * publishes the same acceptance again.
 */
public final class RegistrationRequestFollower implements ModelFeed {
  /** The consumer group of every processor of a deployment: each request is handled once. */
  public static final String GROUP_ID = "lethe-registrations";

  private static final Logger log = LoggerFactory.getLogger(RegistrationRequestFollower.class);

  private final String bootstrapServers;
  private final Map<String, Object> clientConfig;
  private final LetheTopics topics;
  private final Path registrationDir;
  private final String instance;
  private final Registrar registrar;
  private KafkaConsumer<String, byte[]> consumer;
  private KafkaProducer<String, byte[]> producer;
  private PollingThread poller;

  /**
   * @param registrationDir what relative paths in a registration are relative to
   * @param instance this processor, named in the outcomes it publishes
   */
  public RegistrationRequestFollower(
      String bootstrapServers,
      Map<String, Object> clientConfig,
      LetheTopics topics,
      Path registrationDir,
      String instance) {
    this.bootstrapServers = bootstrapServers;
    this.clientConfig = Map.copyOf(clientConfig);
    this.topics = topics;
    this.registrationDir = registrationDir.toAbsolutePath().normalize();
    this.instance = instance;
    this.registrar = new Registrar(bootstrapServers, clientConfig, topics);
  }

  /** Requests are not models: there is nothing to apply before the topology starts. */
  @Override
  public void catchUp(Consumer<String> progress) {}

  @Override
  public synchronized void start(Consumer<String> progress) {
    consumer = newConsumer();
    producer = newProducer();
    poller =
        PollingThread.subscribed(
            "lethe-registration-requests",
            consumer,
            topics.registrationRequests.name(),
            this::handle,
            log);
  }

  private void handle(ConsumerRecord<String, byte[]> record) {
    RegistrationRequest request;
    try {
      request =
          topics
              .registrationRequests
              .valueSerde()
              .deserializer()
              .deserialize(record.topic(), record.value());
    } catch (RuntimeException e) {
      log.error(
          "Ignored an unreadable registration request at {}@{}", record.topic(), record.offset());
      commit(record);
      return;
    }
    if (request == null) {
      commit(record);
      return;
    }
    RegistrationOutcome outcome = decide(request);
    String topic = topics.registrationOutcomes.name();
    byte[] value = topics.registrationOutcomes.valueSerde().serializer().serialize(topic, outcome);
    PollingThread.sendAndWait(
        producer, topic, outcome.getRegistrationId(), value, "a registration outcome");
    commit(record);
    log.info(
        "Registration {}: {} ({})",
        PollingThread.safe(outcome.getRegistrationId()),
        outcome.getStatus(),
        outcome.getStatus() == RegistrationStatus.ACCEPTED
            ? outcome.getModels().stream().map(RegisteredModel::getModelId).toList()
            : outcome.getProblems().size() + " problems");
  }

  /**
   * Validates and, when every model passes, publishes the registration, exactly as {@code lethe
   * models register} does for a file in the registration directory.
   */
  RegistrationOutcome decide(RegistrationRequest request) {
    RegistrationOutcome.Builder out =
        RegistrationOutcome.newBuilder()
            .setRegistrationId(request.getRegistrationId())
            .setDecidedBy(instance)
            .setDecidedAt(Instant.now());
    Path file = null;
    try {
      file = Files.createTempFile("lethe-registration-", ".yaml");
      Files.writeString(
          file, RegistrationText.withPathsUnder(request.getCatalog(), registrationDir));
      List<Registrar.Result> results =
          registrar.register(file, request.getModelIds(), request.getRequestedBy());
      return out.setStatus(RegistrationStatus.ACCEPTED)
          .setModels(
              results.stream()
                  .map(
                      r ->
                          new RegisteredModel(
                              r.modelId(),
                              r.outcome()
                                  .name()
                                  .toLowerCase(java.util.Locale.ROOT)
                                  .replace('_', ' '),
                              r.generation()))
                  .toList())
          .build();
    } catch (CatalogException e) {
      return out.setStatus(RegistrationStatus.REFUSED).setProblems(e.problems()).build();
    } catch (IllegalArgumentException | UncheckedIOException e) {
      // A conflict with the current registration, an id the file does not have, a file that
      // cannot be read: one problem each.
      return out.setStatus(RegistrationStatus.REFUSED).setProblems(List.of(e.getMessage())).build();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write a registration to a temporary file", e);
    } finally {
      if (file != null) {
        try {
          Files.deleteIfExists(file);
        } catch (IOException e) {
          log.warn("Could not delete {}: {}", file, e.toString());
        }
      }
    }
  }

  private void commit(ConsumerRecord<String, byte[]> record) {
    PollingThread.commit(consumer, record);
  }

  private KafkaConsumer<String, byte[]> newConsumer() {
    Map<String, Object> config = new HashMap<>(clientConfig);
    config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    config.put(ConsumerConfig.GROUP_ID_CONFIG, GROUP_ID);
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    // A registration loads a model and its data: one at a time keeps the poll interval short.
    config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1);
    return new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
  }

  private KafkaProducer<String, byte[]> newProducer() {
    Map<String, Object> config = new HashMap<>(clientConfig);
    config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    return new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
  }

  @Override
  public synchronized void close() {
    if (poller != null) {
      poller.close();
      poller = null;
      consumer = null;
    }
    if (producer != null) {
      producer.close();
      producer = null;
    }
  }
}
