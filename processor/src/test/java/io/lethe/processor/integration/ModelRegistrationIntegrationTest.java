package io.lethe.processor.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lethe.avro.DeletionRequest;
import io.lethe.avro.DeletionScope;
import io.lethe.avro.ModelVersion;
import io.lethe.avro.ReceiptStatus;
import io.lethe.avro.RequestReceipt;
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
import io.lethe.processor.catalog.CatalogException;
import io.lethe.processor.catalog.CatalogModel;
import io.lethe.processor.catalog.ModelCatalog;
import io.lethe.processor.registration.Registrar;
import io.lethe.processor.topology.BatchPolicy;
import io.lethe.processor.topology.TopologyEvents;
import io.lethe.processor.worker.WorkerListener;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model registered with a running processor ({@code lethe models register}) is onboarded and
 * served without a restart: the processor starts with the patient table's model only, the image
 * model is registered while it runs, gets its first version, and takes SUBJECT, SAMPLES and CLASS
 * requests through Kafka. Then the re-registration rules: the same entry changes nothing, new
 * settings are a new generation the next batch uses, another model under the same id is refused,
 * and a bad file publishes nothing.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ModelRegistrationIntegrationTest {
  private static final String PATIENTS = BuiltinCatalog.PATIENTS_MLP;
  private static final String DIGITS = BuiltinCatalog.DIGITS_CNN;

  @TempDir static Path dir;
  private EmbeddedKafka kafka;
  private LetheTopics topics;
  private ProcessorAssembly assembly;
  private LetheProcessor processor;
  private Registrar registrar;
  private Path catalogFile;
  private final Map<String, RequestReceipt> finals = new HashMap<>();

  @BeforeAll
  void startWithOneModel() {
    kafka = EmbeddedKafka.start();
    topics = new LetheTopics(TopicNames.DEFAULTS, AvroSerdes.embedded());
    TopicAdmin.ensureTopics(kafka.bootstrapServers(), topics.names, 2, (short) 1);
    catalogFile = BuiltinCatalog.writeExamples(dir.resolve("catalog"));
    ModelCatalog examples = ModelCatalog.load(catalogFile);
    assembly = new ProcessorAssembly(new ModelCatalog(List.of(examples.require(PATIENTS))));
    processor =
        assembly.processor(
            kafka.bootstrapServers(),
            dir,
            topics,
            new BatchPolicy(1, Duration.ofSeconds(1), Duration.ofMinutes(5)),
            TopologyEvents.NONE,
            WorkerListener.NONE,
            s -> s.withStreamsOverrides(Map.of("commit.interval.ms", 100)));
    processor.start(Duration.ofMinutes(2), line -> {});
    registrar = new Registrar(kafka.bootstrapServers(), Map.of(), topics);
  }

  @AfterAll
  void stop() {
    if (processor != null) {
      processor.close();
    }
    if (kafka != null) {
      kafka.close();
    }
  }

  @Test
  @Order(1)
  void aModelRegisteredWhileItRunsIsOnboardedAndServed() throws Exception {
    assertEquals(List.of(PATIENTS), assembly.modelIds(), "the processor started with one model");
    List<Registrar.Result> results = registrar.register(catalogFile, List.of(DIGITS), "test");
    assertEquals(List.of(new Registrar.Result(DIGITS, Registrar.Outcome.REGISTERED, 1)), results);
    ModelVersion first =
        registrar.awaitFirstVersion(DIGITS, Duration.ofMinutes(3)).orElseThrow(AssertionError::new);
    assertEquals(VerificationStatus.PASSED, first.getStatus());
    awaitServed(DIGITS, 1);

    CatalogModel digits = assembly.catalog().find(DIGITS).orElseThrow();
    String subject = digits.subjects().subjects().get(7);
    int lastClass = digits.numClasses() - 1;
    Set<Long> inLastClass = digits.train().withLabels(Set.of(lastClass)).idSet();
    long sample =
        java.util.Arrays.stream(digits.train().ids())
            .filter(id -> !inLastClass.contains(id))
            .filter(
                id ->
                    java.util.Arrays.stream(digits.subjects().samplesOf(subject))
                        .noneMatch(s -> s == id))
            .findFirst()
            .orElseThrow();
    send(
        request("reg-subject", DeletionScope.SUBJECT).setSubjectId(subject).build(),
        request("reg-samples", DeletionScope.SAMPLES)
            .setModelIds(List.of(DIGITS))
            .setSampleIds(List.of(sample))
            .build(),
        request("reg-class", DeletionScope.CLASS)
            .setModelIds(List.of(DIGITS))
            .setClassLabels(List.of(lastClass))
            .build());
    awaitFinal(Set.of("reg-subject", "reg-samples", "reg-class"));
    for (String id : List.of("reg-subject", "reg-samples", "reg-class")) {
      assertEquals(ReceiptStatus.APPLIED, finals.get(id).getStatus(), id + ": " + finals.get(id));
      assertEquals(DIGITS, finals.get(id).getModelId());
    }
  }

  @Test
  @Order(2)
  void theSameEntryAgainChangesNothing() {
    assertEquals(
        List.of(new Registrar.Result(DIGITS, Registrar.Outcome.UNCHANGED, 1)),
        registrar.register(catalogFile, List.of(DIGITS), "test"));
  }

  @Test
  @Order(3)
  void newSettingsAreANewGenerationTheNextBatchUses() throws Exception {
    Path changed =
        rewrite(
            "class: {method: muso}\n      samples: {method: muso}",
            // Without escalation: one sample gives the checks no evidence either way, and with
            // it the batch would be retrained exactly, hiding which generation's method ran.
            "class: {method: muso}\n      samples: {method: finetune}\n      escalation: none");
    assertEquals(
        List.of(new Registrar.Result(DIGITS, Registrar.Outcome.NEW_GENERATION, 2)),
        registrar.register(changed, List.of(DIGITS), "test"));
    awaitServed(DIGITS, 2);
    CatalogModel digits = assembly.catalog().find(DIGITS).orElseThrow();
    assertEquals("finetune", digits.entry().sampleMethod().method());
    send(
        request("reg-samples-2", DeletionScope.SAMPLES)
            .setModelIds(List.of(DIGITS))
            .setSampleIds(List.of(digits.train().id(100)))
            .build());
    awaitFinal(Set.of("reg-samples-2"));
    assertEquals(
        ReceiptStatus.APPLIED,
        finals.get("reg-samples-2").getStatus(),
        finals.get("reg-samples-2").toString());
    ModelVersion v = version(DIGITS, finals.get("reg-samples-2").getModelVersion());
    assertEquals("finetune", v.getMethod(), "the new generation's method ran");
    assertEquals(VerificationStatus.NOT_VERIFIED, v.getStatus(), "applied, never plain PASSED");
  }

  @Test
  @Order(4)
  void anotherModelUnderTheSameIdIsRefusedAndNothingIsPublished() throws IOException {
    Path other = rewrite("filters: [8, 16]", "filters: [4, 8]");
    var e =
        assertThrows(
            Registrar.RefusedException.class,
            () -> registrar.register(other, List.of(DIGITS), "test"));
    assertTrue(e.getMessage().contains("new id"), e.getMessage());
    assertEquals(2, registrar.current().get(DIGITS).getGeneration(), "unchanged");
  }

  @Test
  @Order(5)
  void aBadFileIsReportedWithItsPathAndNothingIsPublished() throws IOException {
    Path bad = rewrite("samples: {method: finetune}", "samples: {method: fintune}");
    var before = registrar.current();
    CatalogException e =
        assertThrows(CatalogException.class, () -> registrar.register(bad, List.of(), "test"));
    assertTrue(
        e.problems().stream().anyMatch(p -> p.startsWith("models[0].unlearning.samples.method")),
        e.problems().toString());
    assertEquals(before.keySet(), registrar.current().keySet());
    assertEquals(
        before.get(DIGITS).getGeneration(), registrar.current().get(DIGITS).getGeneration());
  }

  @Test
  @Order(6)
  void aRestartedProcessorServesTheRegisteredModelsWithoutTrainingThemAgain() {
    processor.close();
    assembly =
        new ProcessorAssembly(
            new ModelCatalog(List.of(ModelCatalog.load(catalogFile).require(PATIENTS))));
    processor =
        assembly.processor(
            kafka.bootstrapServers(),
            dir,
            topics,
            new BatchPolicy(1, Duration.ofSeconds(1), Duration.ofMinutes(5)),
            TopologyEvents.NONE,
            WorkerListener.NONE,
            s -> s.withStreamsOverrides(Map.of("commit.interval.ms", 100)));
    processor.start(Duration.ofMinutes(2), line -> {});
    // start() returns after the registrations were read: the model is there before any request.
    assertEquals(2, assembly.catalog().generation(DIGITS).orElse(-1));
    assertEquals(
        "finetune", assembly.catalog().find(DIGITS).orElseThrow().entry().sampleMethod().method());
    try (var reader = new TopicReader<>(kafka.bootstrapServers(), topics.modelVersions)) {
      long firsts =
          reader.readToEnd(Duration.ofSeconds(30)).stream()
              .filter(r -> DIGITS.equals(r.key()) && r.value().getVersion() == 1)
              .count();
      assertEquals(1, firsts, "version 1 of a registered model is trained once");
    }
  }

  // ---------------------------------------------------------------------------------------------

  private Path rewrite(String from, String to) throws IOException {
    String text = Files.readString(catalogFile);
    assertTrue(text.contains(from), "the example catalog no longer has: " + from);
    Path copy = catalogFile.resolveSibling("catalog-" + Math.abs(to.hashCode()) + ".yaml");
    Files.writeString(copy, text.replace(from, to));
    return copy;
  }

  private void awaitServed(String modelId, int generation) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    while (assembly.catalog().generation(modelId).orElse(-1) != generation) {
      assertTrue(System.nanoTime() < deadline, modelId + " generation " + generation);
      Thread.sleep(100);
    }
  }

  private static DeletionRequest.Builder request(String id, DeletionScope scope) {
    return DeletionRequest.newBuilder()
        .setRequestId(id)
        .setScope(scope)
        .setRequestedAt(Instant.now());
  }

  private void send(DeletionRequest... requests) {
    try (var producer =
        new KafkaProducer<>(
            Map.<String, Object>of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
            new StringSerializer(),
            new ByteArraySerializer())) {
      String topic = topics.deletionRequests.name();
      var serializer = topics.deletionRequests.valueSerde().serializer();
      for (DeletionRequest r : requests) {
        producer.send(
            new ProducerRecord<>(topic, r.getRequestId(), serializer.serialize(topic, r)));
      }
    }
  }

  private void awaitFinal(Set<String> ids) {
    try (var reader = new TopicReader<>(kafka.bootstrapServers(), topics.requestReceipts)) {
      reader.readUntil(
          records -> {
            for (var r : records) {
              ReceiptStatus s = r.value().getStatus();
              if (s == ReceiptStatus.APPLIED
                  || s == ReceiptStatus.FAILED
                  || s == ReceiptStatus.REJECTED) {
                finals.put(r.key(), r.value());
              }
            }
            return finals.keySet().containsAll(ids);
          },
          Duration.ofMinutes(4));
    }
    assertTrue(finals.keySet().containsAll(ids), "no final receipt for some of " + ids);
  }

  private ModelVersion version(String modelId, int version) {
    try (var reader = new TopicReader<>(kafka.bootstrapServers(), topics.modelVersions)) {
      return reader.readToEnd(Duration.ofSeconds(30)).stream()
          .filter(r -> modelId.equals(r.key()) && r.value().getVersion() == version)
          .map(org.apache.kafka.clients.consumer.ConsumerRecord::value)
          .findFirst()
          .orElseThrow(() -> new AssertionError(modelId + " v" + version));
    }
  }
}
