package io.lethe.processor.registration;

import io.lethe.avro.ModelRegistration;
import io.lethe.avro.ModelVersion;
import io.lethe.kafka.LetheTopics;
import io.lethe.kafka.TopicReader;
import io.lethe.processor.catalog.ModelCatalog;
import io.lethe.processor.catalog.RegistrationText;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Registers catalog models with a running deployment ({@code lethe models register}): validates the
 * whole catalog file and loads its data exactly as a processor would, compares each model with its
 * current registration, and publishes the new generations to the compacted models topic in one
 * transaction: all of them, or (on any problem) none.
 *
 * <p>Re-registration: the same entry again changes nothing; a changed entry with the same data and
 * model (methods, settings, policies, recipe) is a new generation that processors apply from their
 * next batch on, keeping every version and everything already erased; other data or another model
 * under an existing id is refused.
 */
public final class Registrar {
  private static final Duration READ_TIMEOUT = Duration.ofSeconds(30);

  private final String bootstrapServers;
  private final Map<String, Object> clientConfig;
  private final LetheTopics topics;

  public Registrar(String bootstrapServers, Map<String, Object> clientConfig, LetheTopics topics) {
    this.bootstrapServers = bootstrapServers;
    this.clientConfig = Map.copyOf(clientConfig);
    this.topics = topics;
  }

  /** What happened to one model. */
  public enum Outcome {
    REGISTERED,
    NEW_GENERATION,
    UNCHANGED
  }

  /** One model's result. */
  public record Result(String modelId, Outcome outcome, int generation) {}

  /** A registration refused: nothing was published. */
  public static final class RefusedException extends IllegalArgumentException {
    public RefusedException(String message) {
      super(message);
    }
  }

  /**
   * Registers {@code modelIds} of {@code catalogFile} (every model when empty).
   *
   * @throws io.lethe.processor.catalog.CatalogException when the file has a problem (nothing
   *     published)
   * @throws RefusedException when a model conflicts with its registration (nothing published)
   */
  public List<Result> register(Path catalogFile, List<String> modelIds, String registeredBy) {
    ModelCatalog catalog = ModelCatalog.load(catalogFile);
    List<String> ids = modelIds.isEmpty() ? catalog.ids() : modelIds;
    for (String id : ids) {
      catalog.require(id);
    }
    Map<String, ModelRegistration> current = current();
    List<Result> results = new ArrayList<>();
    List<ModelRegistration> toPublish = new ArrayList<>();
    List<String> refused = new ArrayList<>();
    for (String id : ids) {
      RegistrationText text = RegistrationText.of(catalogFile, id);
      ModelRegistration before = current.get(id);
      if (before != null && before.getEntryDigest().equals(text.digest())) {
        results.add(new Result(id, Outcome.UNCHANGED, before.getGeneration()));
        continue;
      }
      if (before != null && !before.getFingerprint().equals(text.fingerprint())) {
        refused.add(
            id
                + ": registered (generation "
                + before.getGeneration()
                + ") with other training data or another model; an id's training rows are its"
                + " lineage: register this one under a new id");
        continue;
      }
      int generation = before == null ? 1 : before.getGeneration() + 1;
      toPublish.add(
          ModelRegistration.newBuilder()
              .setModelId(id)
              .setGeneration(generation)
              .setCatalog(text.catalog())
              .setFingerprint(text.fingerprint())
              .setEntryDigest(text.digest())
              .setRegisteredBy(registeredBy)
              .setRegisteredAt(Instant.now())
              .build());
      results.add(
          new Result(id, before == null ? Outcome.REGISTERED : Outcome.NEW_GENERATION, generation));
    }
    if (!refused.isEmpty()) {
      throw new RefusedException("nothing registered: " + String.join("; ", refused));
    }
    publish(toPublish);
    return results;
  }

  /** The current registration of every model (the latest record per id). */
  public Map<String, ModelRegistration> current() {
    Map<String, ModelRegistration> out = new LinkedHashMap<>();
    try (var reader = new TopicReader<>(bootstrapServers, clientConfig, topics.models)) {
      for (var r : reader.readToEnd(READ_TIMEOUT)) {
        if (r.value() == null) {
          out.remove(r.key());
        } else {
          out.put(r.key(), r.value());
        }
      }
    }
    return out;
  }

  /** Waits until the model has a first version (a processor onboarded it); empty on timeout. */
  public Optional<ModelVersion> awaitFirstVersion(String modelId, Duration timeout) {
    try (var reader = new TopicReader<>(bootstrapServers, clientConfig, topics.modelVersions)) {
      ModelVersion[] found = new ModelVersion[1];
      reader.readUntil(
          records -> {
            for (var r : records) {
              if (modelId.equals(r.key()) && r.value().getVersion() == 1) {
                found[0] = r.value();
              }
            }
            return found[0] != null;
          },
          timeout);
      return Optional.ofNullable(found[0]);
    }
  }

  private void publish(List<ModelRegistration> registrations) {
    if (registrations.isEmpty()) {
      return;
    }
    Map<String, Object> config = new HashMap<>(clientConfig);
    config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    // A fresh id per run: registrations from two operators do not fence each other.
    config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "lethe-registrar-" + UUID.randomUUID());
    String topic = topics.models.name();
    var serializer = topics.models.valueSerde().serializer();
    try (var producer =
        new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer())) {
      producer.initTransactions();
      producer.beginTransaction();
      for (ModelRegistration r : registrations) {
        producer.send(new ProducerRecord<>(topic, r.getModelId(), serializer.serialize(topic, r)));
      }
      producer.commitTransaction();
    }
  }
}
