package io.lethe.processor.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lethe.avro.DeletionRequest;
import io.lethe.avro.DeletionScope;
import io.lethe.avro.ModelVersion;
import io.lethe.avro.ReceiptStatus;
import io.lethe.avro.RequestReceipt;
import io.lethe.avro.VerificationMetrics;
import io.lethe.avro.VerificationStatus;
import io.lethe.kafka.AvroSerdes;
import io.lethe.kafka.EmbeddedKafka;
import io.lethe.kafka.LetheTopics;
import io.lethe.kafka.TopicAdmin;
import io.lethe.kafka.TopicNames;
import io.lethe.kafka.TopicReader;
import io.lethe.processor.LetheProcessor;
import io.lethe.processor.ProcessorAssembly;
import io.lethe.processor.catalog.BuiltinCatalog;
import io.lethe.processor.catalog.CatalogModel;
import io.lethe.processor.catalog.ModelCatalog;
import io.lethe.processor.topology.BatchPolicy;
import io.lethe.processor.topology.TopologyEvents;
import io.lethe.processor.worker.WorkerListener;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * One processor serves two catalog models at once on data that is not MNIST: an MLP on the real
 * patient table (CSV, string labels, patient ids as subjects) and a CNN on an image set (NPZ,
 * writers as subjects in a manifest). A SUBJECT, a SAMPLES and a CLASS request on each go through
 * Kafka (topology, worker, transactions) and come back as verified versions with their metrics.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CatalogModelsIntegrationTest {
  private static final String PATIENTS = BuiltinCatalog.PATIENTS_MLP;
  private static final String DIGITS = BuiltinCatalog.DIGITS_CNN;

  @TempDir static Path dir;
  private EmbeddedKafka kafka;
  private ModelCatalog catalog;
  private final Map<String, DeletionRequest> requests = new LinkedHashMap<>();
  private final Map<String, RequestReceipt> applied = new HashMap<>();
  private final Map<String, List<ModelVersion>> versions = new HashMap<>();

  @BeforeAll
  void runBothModels() {
    kafka = EmbeddedKafka.start();
    // The example catalog as shipped, trained briefly: the point is the path, not the accuracy.
    catalog =
        BuiltinCatalog.loadExamples(dir.resolve("catalog"))
            // The patients' guard re-anchors every 3 versions: version 4 is retrained exactly.
            .withEntry(
                PATIENTS,
                e ->
                    e.withEpochs(15)
                        .withVerification(twoReferences(e))
                        .withDriftGuard(
                            io.lethe.processor.engine.verify.DriftPolicy.defaults()
                                .withReanchorEvery(3)))
            .withEntry(DIGITS, e -> e.withEpochs(3).withVerification(twoReferences(e)));
    LetheTopics topics = new LetheTopics(TopicNames.DEFAULTS, AvroSerdes.embedded());
    TopicAdmin.ensureTopics(kafka.bootstrapServers(), topics.names, 2, (short) 1);
    ProcessorAssembly assembly = new ProcessorAssembly(catalog);
    CatalogModel patients = catalog.require(PATIENTS);
    CatalogModel digits = catalog.require(DIGITS);
    for (CatalogModel m : List.of(patients, digits)) {
      // Subject and samples outside the class the CLASS request forgets: the three batches of a
      // model may be applied in any order (a SUBJECT request takes the lineage path), and each
      // must still have something of its own to forget.
      int lastClass = m.numClasses() - 1;
      java.util.Set<Long> inLastClass = m.train().withLabels(java.util.Set.of(lastClass)).idSet();
      String subject =
          m.subjects().subjects().stream()
              .filter(
                  s -> Arrays.stream(m.subjects().samplesOf(s)).noneMatch(inLastClass::contains))
              .skip(3)
              .findFirst()
              .orElseThrow();
      long[] samples =
          Arrays.stream(m.train().ids())
              .filter(id -> !inLastClass.contains(id))
              .skip(10)
              .limit(3)
              .toArray();
      add(request(m.id() + "-subject", DeletionScope.SUBJECT, m.id()).setSubjectId(subject));
      add(
          request(m.id() + "-samples", DeletionScope.SAMPLES, m.id())
              .setSampleIds(Arrays.stream(samples).boxed().toList()));
      add(
          request(m.id() + "-class", DeletionScope.CLASS, m.id())
              .setClassLabels(List.of(m.numClasses() - 1)));
    }
    try (LetheProcessor processor =
            assembly.processor(
                kafka.bootstrapServers(),
                dir,
                topics,
                // one request per batch: each scope gets a version of its own
                new BatchPolicy(1, Duration.ofSeconds(1), Duration.ofMinutes(5)),
                TopologyEvents.NONE,
                WorkerListener.NONE,
                s -> s.withStreamsOverrides(Map.of("commit.interval.ms", 100)));
        var producer = producer();
        var receipts = new TopicReader<>(kafka.bootstrapServers(), topics.requestReceipts);
        var versionLog = new TopicReader<>(kafka.bootstrapServers(), topics.modelVersions)) {
      processor.start(Duration.ofMinutes(2), line -> {});
      String topic = topics.deletionRequests.name();
      var serializer = topics.deletionRequests.valueSerde().serializer();
      for (DeletionRequest r : requests.values()) {
        producer.send(
            new ProducerRecord<>(topic, r.getRequestId(), serializer.serialize(topic, r)));
      }
      producer.flush();
      receipts.readUntil(
          records -> {
            for (ConsumerRecord<String, RequestReceipt> r : records) {
              ReceiptStatus s = r.value().getStatus();
              if (s == ReceiptStatus.APPLIED || s == ReceiptStatus.FAILED) {
                applied.put(r.key(), r.value());
              }
            }
            return applied.keySet().containsAll(requests.keySet());
          },
          Duration.ofMinutes(6));
      for (var r : versionLog.readUntil(records -> records.size() >= 8, Duration.ofMinutes(1))) {
        versions.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(r.value());
      }
    }
  }

  @AfterAll
  void stop() {
    if (kafka != null) {
      kafka.close();
    }
  }

  @Test
  void everyRequestOnBothModelsIsApplied() {
    assertEquals(requests.keySet(), applied.keySet(), "requests without a final receipt");
    applied.forEach(
        (id, r) -> {
          assertEquals(ReceiptStatus.APPLIED, r.getStatus(), id + ": " + r);
          assertNotNull(r.getModelVersion(), id);
        });
  }

  @Test
  void eachModelGotAVerifiedVersionPerRequestWithItsCatalogMethod() {
    for (String model : List.of(PATIENTS, DIGITS)) {
      List<ModelVersion> list = versions.get(model);
      assertNotNull(list, "no versions of " + model);
      assertEquals(4, list.size(), model + ": " + list);
      var entry = catalog.require(model).entry();
      for (int i = 0; i < list.size(); i++) {
        ModelVersion v = list.get(i);
        assertEquals(i + 1, v.getVersion());
        assertEquals(VerificationStatus.PASSED, v.getStatus(), model + " v" + v.getVersion());
        if (i == 0) {
          assertEquals("train", v.getMethod());
          continue;
        }
        VerificationMetrics m = v.getMetrics();
        // The worker gave the guard version 1: every later version carries its drift figures.
        assertNotNull(m.getDriftTestDrop(), model + " v" + v.getVersion());
        assertNotNull(m.getDriftDivergence(), model + " v" + v.getVersion());
        if (model.equals(PATIENTS) && v.getVersion() == 4) {
          assertEquals("retrain", v.getMethod(), "the periodic re-anchoring");
          // Re-anchored by the guard, or the batch escalated to exact retraining itself (the
          // batches' order is not fixed): either way the due anchoring is recorded.
          assertNotNull(m.getReanchorReason(), model + " v4");
          assertTrue(
              m.getReanchorReason().startsWith("every 3 versions (version 4)"),
              m.getReanchorReason());
          assertEquals("exact", m.getEvidence());
          continue;
        }
        // Control: no other version was re-anchored.
        assertNull(m.getReanchorReason(), model + " v" + v.getVersion());
        if (isClassBatch(v)) {
          // The catalog's method ran and the checks could see it: no silent fallback.
          assertEquals(entry.classMethod().method(), v.getMethod(), model + " v" + v.getVersion());
          assertEquals("sufficient", m.getEvidence(), model + " v" + v.getVersion());
        } else {
          // A handful of rows: the catalog's method passes only where the evidence shows it
          // forgot; else the planner escalated to exact retraining, and says so in the metrics.
          String evidence = v.getMethod().equals("retrain") ? "exact" : "sufficient";
          if (evidence.equals("sufficient")) {
            assertEquals(entry.sampleMethod().method(), v.getMethod(), model + " " + v);
          }
          assertEquals(evidence, m.getEvidence(), model + " v" + v.getVersion());
          // The per-example test ran on this small forget set, with the catalog's pool.
          if (m.getForgetSetSize() >= 100) {
            continue;
          }
          assertEquals(2, m.getPerExampleReferenceModels(), model + " v" + v.getVersion());
          assertNotNull(m.getPerExamplePower(), model + " v" + v.getVersion());
          assertNotNull(m.getPerExampleWorstScore(), model + " v" + v.getVersion());
        }
      }
    }
  }

  @Test
  void eachScopeForgotWhatItNamedAndSaysSoInItsMetrics() {
    for (String model : List.of(PATIENTS, DIGITS)) {
      CatalogModel m = catalog.require(model);
      Map<String, VerificationMetrics> byRequest = new HashMap<>();
      for (ModelVersion v : versions.get(model)) {
        for (String id : v.getRequestIds()) {
          byRequest.put(id, v.getMetrics());
        }
      }
      String subject = requests.get(model + "-subject").getSubjectId();
      VerificationMetrics s = byRequest.get(model + "-subject");
      assertEquals(m.subjects().samplesOf(subject).length, s.getForgetSetSize(), model);
      assertEquals(3, byRequest.get(model + "-samples").getForgetSetSize(), model);
      VerificationMetrics c = byRequest.get(model + "-class");
      int lastClass = m.numClasses() - 1;
      assertTrue(c.getForgetSetSize() > 0, model);
      assertTrue(c.getForgetAccuracy() <= 0.01, model + " class forget accuracy " + c);
      assertTrue(c.getTestAccuracy() > 0.5, model + " test accuracy " + c);
      assertNotNull(c.getMia(), model);
      assertTrue(c.getRetainSetSize() + c.getForgetSetSize() <= m.train().size(), model);
      assertEquals(
          m.train().withLabels(java.util.Set.of(lastClass)).size(), c.getForgetSetSize(), model);
    }
  }

  private static io.lethe.processor.engine.verify.VerificationPolicy twoReferences(
      io.lethe.processor.catalog.CatalogEntry e) {
    return e.verification().withReferenceModels(2);
  }

  private boolean isClassBatch(ModelVersion v) {
    return v.getRequestIds().stream()
        .anyMatch(id -> requests.get(id).getScope() == DeletionScope.CLASS);
  }

  private void add(DeletionRequest.Builder builder) {
    DeletionRequest r = builder.build();
    requests.put(r.getRequestId(), r);
  }

  private static DeletionRequest.Builder request(String id, DeletionScope scope, String model) {
    DeletionRequest.Builder b =
        DeletionRequest.newBuilder().setRequestId(id).setScope(scope).setRequestedAt(Instant.now());
    return scope == DeletionScope.SUBJECT ? b : b.setModelIds(List.of(model));
  }

  private KafkaProducer<String, byte[]> producer() {
    return new KafkaProducer<>(
        Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
            kafka.bootstrapServers(),
            ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
            true),
        new StringSerializer(),
        new ByteArraySerializer());
  }
}
