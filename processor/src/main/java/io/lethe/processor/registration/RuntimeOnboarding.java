package io.lethe.processor.registration;

import io.lethe.avro.Artifact;
import io.lethe.avro.ModelSamples;
import io.lethe.avro.ModelVersion;
import io.lethe.avro.TrainingLineage;
import io.lethe.kafka.LetheTopics;
import io.lethe.kafka.Topic;
import io.lethe.kafka.TopicReader;
import io.lethe.processor.catalog.CatalogModel;
import io.lethe.processor.catalog.ModelCatalog;
import io.lethe.processor.planner.UnlearningPlanner;
import io.lethe.processor.worker.ArtifactStore;
import io.lethe.processor.worker.ForgetLedger;
import io.lethe.processor.worker.Unlearner;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives a model registered while the processor runs its first version: the user's model as given
 * (or trained with the entry's recipe), and its lineage, published in one transaction. A model that
 * already has a version (the processor restarted and reads its registrations again) is never
 * trained again. Lineage records are per subject and hold every model's samples of that subject, so
 * the new model's samples are merged into the records already on the topic, never written over
 * them.
 */
final class RuntimeOnboarding {
  private static final Logger log = LoggerFactory.getLogger(RuntimeOnboarding.class);
  private static final Duration READ_TIMEOUT = Duration.ofSeconds(30);

  private final String bootstrapServers;
  private final Map<String, Object> clientConfig;
  private final LetheTopics topics;
  private final ArtifactStore artifacts;
  private final String transactionalId;

  RuntimeOnboarding(
      String bootstrapServers,
      Map<String, Object> clientConfig,
      LetheTopics topics,
      ArtifactStore artifacts,
      String transactionalId) {
    this.bootstrapServers = bootstrapServers;
    this.clientConfig = Map.copyOf(clientConfig);
    this.topics = topics;
    this.artifacts = artifacts;
    this.transactionalId = transactionalId;
  }

  /**
   * Whether the model has a version: in the artifact store's durable records (which no topic
   * retention reaches) or on the versions topic.
   */
  boolean hasVersions(String modelId) {
    return artifacts.versions().stream().anyMatch(v -> modelId.equals(v.getModelId()))
        || read(topics.modelVersions).stream().anyMatch(v -> modelId.equals(v.key()));
  }

  /** Publishes version 1 and the lineage of {@code model}, unless it has versions already. */
  void onboard(CatalogModel model, Consumer<String> progress) {
    String id = model.id();
    if (hasVersions(id)) {
      log.info("Registered model {} already has versions; not training it again", id);
      return;
    }
    Unlearner planner = new UnlearningPlanner(new ModelCatalog(List.of(model)));
    progress.accept("Onboarding registered model " + id + " (version 1)...");
    Unlearner.Outcome outcome = planner.trainInitial(id, progress);
    ArtifactStore.ArtifactRef ref = artifacts.put(outcome.weights());
    artifacts.putManifest(id, 1, ForgetLedger.EMPTY.toText());
    ModelVersion first =
        ModelVersion.newBuilder()
            .setModelId(id)
            .setVersion(1)
            .setStatus(outcome.status())
            .setFailureReason(outcome.failureReason())
            .setMethod(outcome.method())
            .setDevice(outcome.device())
            .setArtifact(new Artifact(ref.uri(), ref.sha256(), ref.sizeBytes()))
            .setMetrics(outcome.metrics())
            .setCreatedAt(Instant.now())
            .build();
    Map<String, TrainingLineage> lineage = merged(id, planner.facts(id).samplesBySubject());
    publish(first, lineage);
    artifacts.putVersion(first);
    log.info(
        "Published version 1 of registered model {} ({}) and its lineage over {} subjects",
        id,
        outcome.status(),
        lineage.size());
  }

  /** The current lineage records of the new model's subjects, with its samples added. */
  private Map<String, TrainingLineage> merged(String modelId, Map<String, long[]> bySubject) {
    Map<String, TrainingLineage> current = new HashMap<>();
    for (var r : read(topics.trainingLineage)) {
      if (r.value() == null) {
        current.remove(r.key());
      } else {
        current.put(r.key(), r.value());
      }
    }
    Map<String, TrainingLineage> out = new java.util.TreeMap<>();
    Instant now = Instant.now();
    bySubject.forEach(
        (subject, ids) -> {
          List<ModelSamples> models = new ArrayList<>();
          TrainingLineage existing = current.get(subject);
          if (existing != null) {
            existing.getModels().stream()
                .filter(m -> !m.getModelId().equals(modelId))
                .forEach(models::add);
          }
          List<Long> samples = new ArrayList<>(ids.length);
          for (long s : ids) {
            samples.add(s);
          }
          models.add(new ModelSamples(modelId, samples));
          out.put(
              subject,
              TrainingLineage.newBuilder()
                  .setSubjectId(subject)
                  .setModels(models)
                  .setUpdatedAt(now)
                  .build());
        });
    return out;
  }

  private <V> List<org.apache.kafka.clients.consumer.ConsumerRecord<String, V>> read(
      Topic<String, V> topic) {
    try (var reader = new TopicReader<>(bootstrapServers, clientConfig, topic)) {
      return reader.readToEnd(READ_TIMEOUT);
    }
  }

  private void publish(ModelVersion first, Map<String, TrainingLineage> lineage) {
    Map<String, Object> config = new HashMap<>(clientConfig);
    config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
    try (var producer =
        new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer())) {
      producer.initTransactions();
      producer.beginTransaction();
      String lineageTopic = topics.trainingLineage.name();
      var lineageSerializer = topics.trainingLineage.valueSerde().serializer();
      lineage.forEach(
          (subject, record) ->
              producer.send(
                  new ProducerRecord<>(
                      lineageTopic, subject, lineageSerializer.serialize(lineageTopic, record))));
      String versionsTopic = topics.modelVersions.name();
      producer.send(
          new ProducerRecord<>(
              versionsTopic,
              first.getModelId(),
              topics.modelVersions.valueSerde().serializer().serialize(versionsTopic, first)));
      producer.commitTransaction();
    }
  }
}
