package io.lethe.processor.worker;

import io.lethe.avro.Artifact;
import io.lethe.avro.ModelSamples;
import io.lethe.avro.ModelVersion;
import io.lethe.avro.TrainingLineage;
import io.lethe.kafka.LetheTopics;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives every managed model its first version: trains the models that have none in the version log,
 * and publishes version 1 together with the training lineage (which subject's samples each model
 * saw) in one transaction, so the topology can resolve SUBJECT requests.
 */
public final class Onboarding {
  private static final Logger log = LoggerFactory.getLogger(Onboarding.class);

  private Onboarding() {}

  /** Returns the ids of the models it trained. */
  public static List<String> ensureInitialVersions(
      String bootstrapServers,
      LetheTopics topics,
      Unlearner unlearner,
      ArtifactStore artifacts,
      String transactionalId,
      Consumer<String> progress) {
    return ensureInitialVersions(
        bootstrapServers, Map.of(), topics, unlearner, artifacts, transactionalId, progress);
  }

  /** As above, with extra Kafka client settings (security protocol, SASL, SSL, ...). */
  public static List<String> ensureInitialVersions(
      String bootstrapServers,
      Map<String, Object> clientConfig,
      LetheTopics topics,
      Unlearner unlearner,
      ArtifactStore artifacts,
      String transactionalId,
      Consumer<String> progress) {
    List<ModelVersion> trained = new ArrayList<>();
    Map<String, ForgetLedger> ledgers = new java.util.HashMap<>();
    try (VersionLog versions =
        new VersionLog(bootstrapServers, clientConfig, topics.modelVersions, artifacts)) {
      versions.catchUp();
      for (String modelId : unlearner.modelIds()) {
        if (versions.highestVersion(modelId) > 0) {
          log.info("Model {} already has versions; not training it again", modelId);
          versions.latestGood(modelId).ifPresent(v -> ledgers.put(modelId, artifacts.ledger(v)));
          continue;
        }
        progress.accept("Training " + modelId + " (version 1)...");
        Unlearner.Outcome outcome = unlearner.trainInitial(modelId, progress);
        ArtifactStore.ArtifactRef ref = artifacts.put(outcome.weights());
        artifacts.putManifest(modelId, 1, ForgetLedger.EMPTY.toText());
        trained.add(
            ModelVersion.newBuilder()
                .setModelId(modelId)
                .setVersion(1)
                .setStatus(outcome.status())
                .setFailureReason(outcome.failureReason())
                .setMethod(outcome.method())
                .setDevice(outcome.device())
                .setArtifact(new Artifact(ref.uri(), ref.sha256(), ref.sizeBytes()))
                .setMetrics(outcome.metrics())
                .setCreatedAt(Instant.now())
                .build());
      }
    }
    if (!trained.isEmpty()) {
      publish(bootstrapServers, clientConfig, topics, unlearner, ledgers, transactionalId, trained);
      // Only once committed: a version record on disk says the version exists.
      trained.forEach(artifacts::putVersion);
    }
    return trained.stream().map(ModelVersion::getModelId).toList();
  }

  private static Map<String, Object> producerConfig(
      String bootstrapServers, Map<String, Object> clientConfig, String transactionalId) {
    Map<String, Object> config = new java.util.HashMap<>(clientConfig);
    config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
    return config;
  }

  private static void publish(
      String bootstrapServers,
      Map<String, Object> clientConfig,
      LetheTopics topics,
      Unlearner unlearner,
      Map<String, ForgetLedger> ledgers,
      String transactionalId,
      List<ModelVersion> trained) {
    // What earlier erasures removed stays out: a subject erased everywhere is not published again.
    Map<String, TrainingLineage> lineage = new TreeMap<>();
    Instant now = Instant.now();
    for (String subject : lineage(unlearner).keySet()) {
      TrainingLineage record =
          SubjectLineage.current(
              subject, unlearner, m -> ledgers.getOrDefault(m, ForgetLedger.EMPTY), now);
      if (record != null) {
        lineage.put(subject, record);
      }
    }
    try (var lineageSerde = topics.trainingLineage.valueSerde();
        var producer =
            new KafkaProducer<String, byte[]>(
                producerConfig(bootstrapServers, clientConfig, transactionalId),
                new StringSerializer(),
                new org.apache.kafka.common.serialization.ByteArraySerializer())) {
      producer.initTransactions();
      producer.beginTransaction();
      for (TrainingLineage record : lineage.values()) {
        String topic = topics.trainingLineage.name();
        producer.send(
            new ProducerRecord<>(
                topic, record.getSubjectId(), lineageSerde.serializer().serialize(topic, record)));
      }
      for (ModelVersion version : trained) {
        String topic = topics.modelVersions.name();
        producer.send(
            new ProducerRecord<>(
                topic,
                version.getModelId(),
                topics.modelVersions.valueSerde().serializer().serialize(topic, version)));
      }
      producer.commitTransaction();
    }
    log.info(
        "Published version 1 of {} and the training lineage of {} subjects",
        trained.stream().map(ModelVersion::getModelId).toList(),
        lineage.size());
  }

  /** One record per subject listing every managed model's samples of that subject. */
  static Map<String, TrainingLineage> lineage(Unlearner unlearner) {
    Map<String, Map<String, List<Long>>> bySubject = new TreeMap<>();
    for (String modelId : unlearner.modelIds()) {
      unlearner
          .facts(modelId)
          .samplesBySubject()
          .forEach(
              (subject, ids) -> {
                List<Long> list =
                    bySubject
                        .computeIfAbsent(subject, s -> new TreeMap<>())
                        .computeIfAbsent(modelId, m -> new ArrayList<>());
                for (long id : ids) {
                  list.add(id);
                }
              });
    }
    Map<String, TrainingLineage> out = new TreeMap<>();
    long now = System.currentTimeMillis();
    bySubject.forEach(
        (subject, models) -> {
          List<ModelSamples> entries = new ArrayList<>();
          models.forEach((modelId, ids) -> entries.add(new ModelSamples(modelId, ids)));
          out.put(
              subject,
              TrainingLineage.newBuilder()
                  .setSubjectId(subject)
                  .setModels(entries)
                  .setUpdatedAt(Instant.ofEpochMilli(now))
                  .build());
        });
    return out;
  }
}
