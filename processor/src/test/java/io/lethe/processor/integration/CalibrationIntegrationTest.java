package io.lethe.processor.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lethe.avro.CalibratedChoice;
import io.lethe.avro.CalibrationReport;
import io.lethe.avro.CalibrationRequest;
import io.lethe.avro.CalibrationStatus;
import io.lethe.avro.DeletionRequest;
import io.lethe.avro.DeletionScope;
import io.lethe.avro.ModelVersion;
import io.lethe.kafka.AvroSerdes;
import io.lethe.kafka.EmbeddedKafka;
import io.lethe.kafka.LetheTopics;
import io.lethe.kafka.TopicAdmin;
import io.lethe.kafka.TopicNames;
import io.lethe.kafka.TopicReader;
import io.lethe.processor.LetheProcessor;
import io.lethe.processor.ProcessorAssembly;
import io.lethe.processor.catalog.BuiltinCatalog;
import io.lethe.processor.catalog.CalibrationPolicy;
import io.lethe.processor.catalog.Escalation;
import io.lethe.processor.catalog.MethodChoice;
import io.lethe.processor.catalog.ModelCatalog;
import io.lethe.processor.engine.method.ForgetScope;
import io.lethe.processor.topology.BatchPolicy;
import io.lethe.processor.topology.TopologyEvents;
import io.lethe.processor.worker.WorkerListener;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Calibration in a running deployment, on the real patient table with the sample scope left to
 * calibration (the class scope pinned): the processor asks for the onboarding calibration itself,
 * one report answers it on {@code lethe.calibrations}, the worker's next batch runs the method it
 * chose; a request on demand is answered once even when it is delivered twice; and a restarted
 * processor takes the choice from the topic without calibrating again.
 */
class CalibrationIntegrationTest {
  private static final String MODEL = BuiltinCatalog.PATIENTS_MLP;
  private static final int BUDGET = 12;

  @TempDir static Path dir;
  private static EmbeddedKafka kafka;
  private static LetheTopics topics;

  @BeforeAll
  static void startBroker() {
    kafka = EmbeddedKafka.start();
    topics = new LetheTopics(TopicNames.DEFAULTS.withPrefix("cal."), AvroSerdes.embedded());
    TopicAdmin.ensureTopics(kafka.bootstrapServers(), topics.names, 1, (short) 1);
  }

  @AfterAll
  static void stopBroker() {
    if (kafka != null) {
      kafka.close();
    }
  }

  private static ModelCatalog catalog() {
    return new ModelCatalog(
        List.of(
            BuiltinCatalog.loadExamples(dir.resolve("catalog"))
                .withEntry(
                    MODEL,
                    e ->
                        e.withEpochs(10)
                            // No escalation: the version's method is the one that ran.
                            .withEscalation(Escalation.NONE)
                            .withMethods(MethodChoice.of("famr"), MethodChoice.of("muso"))
                            .withCalibration(
                                new CalibrationPolicy(true, BUDGET, Set.of(ForgetScope.CLASS))))
                .require(MODEL)));
  }

  private static LetheProcessor processor(ProcessorAssembly assembly) {
    return assembly.processor(
        kafka.bootstrapServers(),
        dir.resolve("data"),
        topics,
        new BatchPolicy(1, Duration.ofSeconds(1), Duration.ofMinutes(5)),
        TopologyEvents.NONE,
        WorkerListener.NONE,
        s -> s.withStreamsOverrides(Map.of("commit.interval.ms", 100)));
  }

  @Test
  void onboardingCalibratesOnceAndTheWorkerUsesTheChoiceAlsoAfterARestart() throws Exception {
    ProcessorAssembly first = new ProcessorAssembly(catalog());
    CalibrationReport onboarding;
    try (LetheProcessor processor = processor(first);
        var reports = new TopicReader<>(kafka.bootstrapServers(), topics.calibrations);
        var versions = new TopicReader<>(kafka.bootstrapServers(), topics.modelVersions);
        var producer = producer()) {
      processor.start(Duration.ofMinutes(2), line -> {});
      onboarding = awaitReport(reports, "onboarding-g0");
      assertEquals(CalibrationStatus.CALIBRATED, onboarding.getStatus(), onboarding.toString());
      assertEquals(0, onboarding.getGeneration());
      // The last candidate tried may overrun the budget by its own cost, no more.
      double largest =
          onboarding.getCandidates().stream()
              .mapToDouble(c -> c.getCostRetrainings())
              .max()
              .orElse(0);
      assertTrue(
          onboarding.getRetrainingsUsed() <= BUDGET + largest,
          "over budget: " + onboarding.getRetrainingsUsed() + " > " + BUDGET + " + " + largest);
      assertTrue(
          onboarding.getCandidates().stream().anyMatch(c -> c.getVerdict().equals("SKIPPED")),
          "the budget ran out before the grid: the bound was exercised");
      assertFalse(onboarding.getCandidates().isEmpty());
      assertTrue(
          onboarding.getCandidates().stream()
              .allMatch(c -> c.getScope().equals(ForgetScope.SAMPLES.name())),
          "the pinned class scope was searched");
      CalibratedChoice samples = choice(onboarding, ForgetScope.SAMPLES);
      assertFalse(samples.getPinned());
      assertTrue(choice(onboarding, ForgetScope.CLASS).getPinned());
      MethodChoice chosen = new MethodChoice(samples.getMethod(), samples.getSettings());
      // The worker's entry now holds the choice, settings and all; the pinned scope is untouched.
      assertEquals(chosen, first.catalog().snapshot().require(MODEL).entry().sampleMethod());
      assertEquals(
          MethodChoice.of("famr"), first.catalog().snapshot().require(MODEL).entry().classMethod());

      long sample = first.catalog().snapshot().require(MODEL).train().id(5);
      send(producer, topics.deletionRequests.name(), "d1", samples("d1", sample));
      ModelVersion v2 = awaitVersion(versions, 2);
      assertEquals(samples.getMethod(), v2.getMethod(), v2.toString());

      // On demand, delivered twice (a producer retry): one report; a later request proves the
      // follower went past the duplicate. Its budget is below the calibration's fixed cost, so it
      // fails fast and must keep the onboarding choice.
      CalibrationRequest again =
          CalibrationRequest.newBuilder()
              .setRequestId("r-1")
              .setModelId(MODEL)
              .setBudgetRetrainings(4)
              .setRequestedAt(Instant.now())
              .build();
      String requestTopic = topics.calibrationRequests.name();
      send(producer, requestTopic, MODEL, again);
      send(producer, requestTopic, MODEL, again);
      send(
          producer,
          requestTopic,
          MODEL,
          CalibrationRequest.newBuilder(again).setRequestId("r-2").setBudgetRetrainings(1).build());
      CalibrationReport refused = awaitReport(reports, "r-2");
      assertEquals(CalibrationStatus.FAILED, refused.getStatus(), "a budget of 1 is refused");
      assertEquals(
          1,
          reports.readToEnd(Duration.ofSeconds(10)).stream()
              .filter(r -> r.value() != null && "r-1".equals(r.value().getRequestId()))
              .count(),
          "the duplicate request was run again");
      // The failed and the refused request kept the choice before them.
      CalibrationReport failed = awaitReport(reports, "r-1");
      assertEquals(CalibrationStatus.FAILED, failed.getStatus(), failed.toString());
      assertEquals(samples, choice(failed, ForgetScope.SAMPLES));
      assertEquals(samples, choice(refused, ForgetScope.SAMPLES));
    }

    ProcessorAssembly second = new ProcessorAssembly(catalog());
    try (LetheProcessor processor = processor(second);
        var reports = new TopicReader<>(kafka.bootstrapServers(), topics.calibrations)) {
      processor.start(Duration.ofMinutes(2), line -> {});
      int before = reports.readToEnd(Duration.ofSeconds(10)).size();
      CalibrationReport latest = latestReport(reports);
      CalibratedChoice samples = choice(latest, ForgetScope.SAMPLES);
      assertEquals(
          new MethodChoice(samples.getMethod(), samples.getSettings()),
          second.catalog().snapshot().require(MODEL).entry().sampleMethod(),
          "the restarted processor uses the calibrated choice");
      // Nothing new is asked for: a marker request's answer is the next report.
      try (var producer = producer()) {
        send(
            producer,
            topics.calibrationRequests.name(),
            MODEL,
            CalibrationRequest.newBuilder()
                .setRequestId("marker")
                .setModelId(MODEL)
                .setBudgetRetrainings(1)
                .setRequestedAt(Instant.now())
                .build());
      }
      awaitReport(reports, "marker");
      assertEquals(before + 1, reports.readToEnd(Duration.ofSeconds(10)).size());
    }
  }

  private static CalibratedChoice choice(CalibrationReport report, ForgetScope scope) {
    return report.getChoices().stream()
        .filter(c -> c.getScope().equals(scope.name()))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + scope + " choice in " + report));
  }

  private static CalibrationReport latestReport(TopicReader<String, CalibrationReport> reader) {
    Map<Long, CalibrationReport> byOffset = new TreeMap<>();
    for (ConsumerRecord<String, CalibrationReport> r : reader.readToEnd(Duration.ofSeconds(10))) {
      byOffset.put(r.offset(), r.value());
    }
    return byOffset.values().stream().reduce((a, b) -> b).orElseThrow();
  }

  private static CalibrationReport awaitReport(
      TopicReader<String, CalibrationReport> reader, String requestId) {
    return reader
        .readUntil(
            rs -> rs.stream().anyMatch(r -> requestId.equals(r.value().getRequestId())),
            Duration.ofMinutes(4))
        .stream()
        .map(ConsumerRecord::value)
        .filter(r -> requestId.equals(r.getRequestId()))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no calibration report for " + requestId));
  }

  private static ModelVersion awaitVersion(TopicReader<String, ModelVersion> reader, int version) {
    return reader
        .readUntil(
            rs -> rs.stream().anyMatch(r -> r.value().getVersion() == version),
            Duration.ofMinutes(3))
        .stream()
        .map(ConsumerRecord::value)
        .filter(v -> v.getVersion() == version)
        .findFirst()
        .orElseThrow(() -> new AssertionError("no version " + version));
  }

  private static DeletionRequest samples(String id, long sample) {
    return DeletionRequest.newBuilder()
        .setRequestId(id)
        .setScope(DeletionScope.SAMPLES)
        .setModelIds(List.of(MODEL))
        .setSampleIds(List.of(sample))
        .setRequestedAt(Instant.now())
        .build();
  }

  @SuppressWarnings("unchecked")
  private static <T extends org.apache.avro.specific.SpecificRecord> void send(
      KafkaProducer<String, byte[]> producer, String topic, String key, T value) throws Exception {
    var serde =
        value instanceof DeletionRequest
            ? (org.apache.kafka.common.serialization.Serde<T>)
                (Object) topics.deletionRequests.valueSerde()
            : (org.apache.kafka.common.serialization.Serde<T>)
                (Object) topics.calibrationRequests.valueSerde();
    producer
        .send(new ProducerRecord<>(topic, key, serde.serializer().serialize(topic, value)))
        .get();
  }

  private static KafkaProducer<String, byte[]> producer() {
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
