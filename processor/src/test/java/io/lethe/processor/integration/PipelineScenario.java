package io.lethe.processor.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lethe.avro.DeletionRequest;
import io.lethe.avro.DeletionScope;
import io.lethe.avro.ModelVersion;
import io.lethe.avro.ReceiptStatus;
import io.lethe.avro.RequestReceipt;
import io.lethe.avro.VerificationStatus;
import io.lethe.kafka.AvroSerdes;
import io.lethe.kafka.Topic;
import io.lethe.kafka.TopicReader;
import io.lethe.processor.LetheProcessor;
import io.lethe.processor.topology.BatchPolicy;
import io.lethe.processor.worker.WorkerListener;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pipeline scenario every variant must pass, whatever the broker (in-JVM, a container) and the
 * serialization mode (embedded, a schema registry): valid requests of each scope, one of them
 * framed by an encoder independent of Lethe's serdes, a repeated request, a malformed record and an
 * invalid request. A real processor (topology and worker, one-epoch DJL training) runs it once per
 * class; the tests then check what came out, including the bytes on the wire.
 *
 * <p>A subclass says where the broker is, which serdes to use, how an outside producer frames a
 * record in that mode, and what a framed record must look like.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class PipelineScenario {
  static final String MODEL = PipelineHarness.MODEL;
  static final String PREFIX = "scenario.";

  /**
   * Valid requests of each scope (with {@link #FOREIGN}, two of SAMPLES), each applied in a version
   * of its own: a version takes about 3 s of (one-epoch) training on two cores.
   */
  static final List<DeletionRequest> VALID =
      List.of(
          samples("sc-samples-1", 11, 12, 13),
          subject("sc-subject-1", "subject-0042"),
          subject("sc-subject-2", "subject-0007"),
          DeletionRequest.newBuilder()
              .setRequestId("sc-class-7")
              .setScope(DeletionScope.CLASS)
              .setModelIds(List.of(MODEL))
              .setClassLabels(List.of(7))
              .setRequestedAt(Instant.ofEpochMilli(1_700_000_000_000L))
              .build());

  /** Framed by {@link #encodeIndependently}, not by Lethe's serdes. */
  static final DeletionRequest FOREIGN = samples("sc-foreign-1", 3003, 3004);

  static final String DUPLICATE = "sc-samples-1";
  static final String GARBAGE = "sc-garbage-1";
  static final String FRAMED_GARBAGE = "sc-garbage-2";
  static final String UNKNOWN_MODEL = "sc-unknown-model";

  /** What the run produced, read back from the topics while the broker was up. */
  record Outcome(
      Map<String, List<RequestReceipt>> receipts,
      List<ModelVersion> versions,
      List<ConsumerRecord<String, byte[]>> rawVersions,
      List<ConsumerRecord<String, byte[]>> deadLetters,
      byte[] foreignBytes,
      Duration elapsed) {}

  protected PipelineHarness harness;
  protected Outcome outcome;

  /** Starts the broker (and whatever else the variant needs); called once, before the scenario. */
  protected abstract void startInfrastructure() throws Exception;

  protected abstract void stopInfrastructure() throws Exception;

  protected abstract String bootstrapServers();

  protected abstract AvroSerdes serdes();

  /** The value bytes an outside producer would send for {@code request} in this mode. */
  protected abstract byte[] encodeIndependently(String topic, DeletionRequest request)
      throws Exception;

  /** Asserts that {@code value}, as read from {@code topic}, is framed as this mode says. */
  protected abstract void assertFramed(String topic, byte[] value) throws Exception;

  /**
   * Bytes that look framed for this mode at first sight but name a schema nobody has: the decoder
   * must reject them, not guess.
   */
  protected abstract byte[] framedGarbage();

  @BeforeAll
  void runScenario(@TempDir Path dir) throws Exception {
    startInfrastructure();
    long started = System.nanoTime();
    harness = new PipelineHarness(bootstrapServers(), PREFIX, dir, serdes());
    String topic = harness.topics.deletionRequests.name();
    byte[] foreignBytes = encodeIndependently(topic, FOREIGN);
    try (LetheProcessor processor =
            harness.processor(
                new BatchPolicy(1, Duration.ofSeconds(1), Duration.ofMinutes(5)),
                WorkerListener.NONE);
        var producer = harness.producer()) {
      producer.send(new ProducerRecord<>(topic, FOREIGN.getRequestId(), foreignBytes));
      for (DeletionRequest request : VALID) {
        harness.send(producer, request);
        if (request.getRequestId().equals(DUPLICATE)) {
          harness.send(producer, request);
        }
      }
      producer.send(
          new ProducerRecord<>(topic, GARBAGE, "{not avro}".getBytes(StandardCharsets.UTF_8)));
      producer.send(new ProducerRecord<>(topic, FRAMED_GARBAGE, framedGarbage()));
      harness.send(
          producer,
          DeletionRequest.newBuilder(samples(UNKNOWN_MODEL, 1))
              .setModelIds(List.of("no-such-model"))
              .build());
      producer.flush();

      Map<String, List<RequestReceipt>> receipts = awaitReceipts(Duration.ofMinutes(4));
      outcome =
          new Outcome(
              receipts,
              committedVersions(),
              readRaw(harness.topics.modelVersions.name()),
              readRaw(harness.topics.names.deadLetter()),
              foreignBytes,
              Duration.ofNanos(System.nanoTime() - started));
    }
    System.out.printf(
        "%s: scenario done in %d ms, %d versions%n",
        getClass().getSimpleName(), outcome.elapsed().toMillis(), outcome.versions().size());
  }

  @AfterAll
  void stop() throws Exception {
    stopInfrastructure();
  }

  @Test
  void everyValidRequestIsAcceptedOnceAndAppliedOnce() {
    for (String id : validIds()) {
      List<ReceiptStatus> statuses = statuses(id);
      assertEquals(1, count(statuses, ReceiptStatus.ACCEPTED), id + " " + statuses);
      assertEquals(1, count(statuses, ReceiptStatus.APPLIED), id + " " + statuses);
      assertFalse(statuses.contains(ReceiptStatus.FAILED), id + " " + statuses);
      assertFalse(statuses.contains(ReceiptStatus.REJECTED), id + " " + statuses);
    }
  }

  @Test
  void eachRequestIsInExactlyOneNewVerifiedVersion() {
    List<ModelVersion> versions = outcome.versions();
    // Version 1 is the trained model; every batch (one request each) builds on the one before.
    assertEquals(validIds().size() + 1, versions.size(), versions.toString());
    for (int i = 0; i < versions.size(); i++) {
      ModelVersion v = versions.get(i);
      assertEquals(i + 1, v.getVersion());
      assertEquals(MODEL, v.getModelId());
      if (i > 0) {
        assertEquals(i, v.getParentVersion());
        assertEquals(VerificationStatus.PASSED, v.getStatus(), v.toString());
        assertEquals(1, v.getRequestIds().size(), v.toString());
      }
    }
    List<String> applied =
        versions.stream().flatMap(v -> v.getRequestIds().stream()).sorted().toList();
    assertEquals(validIds().stream().sorted().toList(), applied);
    for (String id : validIds()) {
      RequestReceipt receipt = last(id, ReceiptStatus.APPLIED);
      ModelVersion version = versions.get(receipt.getModelVersion() - 1);
      assertTrue(version.getRequestIds().contains(id), id + " not in " + version);
    }
  }

  @Test
  void aRepeatedRequestIsMarkedDuplicateAndNotAppliedAgain() {
    List<ReceiptStatus> statuses = statuses(DUPLICATE);
    assertEquals(1, count(statuses, ReceiptStatus.DUPLICATE), statuses.toString());
    assertEquals(1, count(statuses, ReceiptStatus.APPLIED), statuses.toString());
  }

  @Test
  void malformedAndInvalidRecordsAreDeadLetteredAndRejected() {
    Map<String, String> reasons = new HashMap<>();
    for (var record : outcome.deadLetters()) {
      var header = record.headers().lastHeader("lethe.error.reason");
      assertNotNull(header, record.key());
      reasons.put(record.key(), new String(header.value(), StandardCharsets.UTF_8));
    }
    assertEquals(Set.of(GARBAGE, FRAMED_GARBAGE, UNKNOWN_MODEL), reasons.keySet());
    assertTrue(reasons.get(GARBAGE).startsWith("malformed record"), reasons.toString());
    assertTrue(reasons.get(FRAMED_GARBAGE).startsWith("malformed record"), reasons.toString());
    assertTrue(reasons.get(UNKNOWN_MODEL).contains("unknown model"), reasons.toString());
    for (String key : reasons.keySet()) {
      assertEquals(List.of(ReceiptStatus.REJECTED), statuses(key), key);
    }
  }

  @Test
  void theIndependentlyFramedRequestDecodesToTheSameRecordAndIsApplied() {
    String topic = harness.topics.deletionRequests.name();
    DeletionRequest decoded =
        harness
            .topics
            .deletionRequests
            .valueSerde()
            .deserializer()
            .deserialize(topic, outcome.foreignBytes());
    assertEquals(FOREIGN, decoded);
    assertEquals(
        1, count(statuses(FOREIGN.getRequestId()), ReceiptStatus.APPLIED), FOREIGN.toString());
  }

  @Test
  void modelVersionsOnTheWireAreFramedAsTheModeSays() throws Exception {
    String topic = harness.topics.modelVersions.name();
    assertEquals(outcome.versions().size(), outcome.rawVersions().size());
    for (var record : outcome.rawVersions()) {
      assertFramed(topic, record.value());
      ModelVersion decoded =
          harness
              .topics
              .modelVersions
              .valueSerde()
              .deserializer()
              .deserialize(topic, record.value());
      assertEquals(outcome.versions().get(decoded.getVersion() - 1), decoded);
    }
  }

  // ---------------------------------------------------------------------------------------------

  static Set<String> validIds() {
    Set<String> ids = new HashSet<>();
    VALID.forEach(r -> ids.add(r.getRequestId()));
    ids.add(FOREIGN.getRequestId());
    return ids;
  }

  static DeletionRequest samples(String id, long... sampleIds) {
    return DeletionRequest.newBuilder(PipelineHarness.samples(id, sampleIds))
        .setRequestedAt(Instant.ofEpochMilli(1_700_000_000_000L))
        .setSource("pipeline-scenario")
        .build();
  }

  static DeletionRequest subject(String id, String subjectId) {
    return DeletionRequest.newBuilder()
        .setRequestId(id)
        .setScope(DeletionScope.SUBJECT)
        .setSubjectId(subjectId)
        .setRequestedAt(Instant.ofEpochMilli(1_700_000_000_000L))
        .build();
  }

  static String hex(byte[] bytes, int max) {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < Math.min(max, bytes.length); i++) {
      s.append(String.format("%02x ", bytes[i] & 0xff));
    }
    return s.toString().trim();
  }

  private List<ReceiptStatus> statuses(String id) {
    return outcome.receipts().getOrDefault(id, List.of()).stream()
        .map(RequestReceipt::getStatus)
        .toList();
  }

  private RequestReceipt last(String id, ReceiptStatus status) {
    List<RequestReceipt> matching =
        outcome.receipts().getOrDefault(id, List.of()).stream()
            .filter(r -> r.getStatus() == status)
            .toList();
    assertFalse(matching.isEmpty(), "no " + status + " receipt for " + id);
    return matching.get(matching.size() - 1);
  }

  private static long count(List<ReceiptStatus> statuses, ReceiptStatus wanted) {
    return statuses.stream().filter(s -> s == wanted).count();
  }

  /** Reads receipts until every request has reached its end state, then a little longer. */
  private Map<String, List<RequestReceipt>> awaitReceipts(Duration timeout) {
    Map<String, ReceiptStatus> finalStatus = new LinkedHashMap<>();
    validIds().forEach(id -> finalStatus.put(id, ReceiptStatus.APPLIED));
    finalStatus.put(GARBAGE, ReceiptStatus.REJECTED);
    finalStatus.put(FRAMED_GARBAGE, ReceiptStatus.REJECTED);
    finalStatus.put(UNKNOWN_MODEL, ReceiptStatus.REJECTED);
    try (var reader = new TopicReader<>(bootstrapServers(), harness.topics.requestReceipts)) {
      List<ConsumerRecord<String, RequestReceipt>> all =
          reader.readUntil(
              records -> {
                Map<String, Set<ReceiptStatus>> seen = new HashMap<>();
                for (var r : records) {
                  seen.computeIfAbsent(r.key(), k -> new HashSet<>()).add(r.value().getStatus());
                }
                boolean duplicateSeen =
                    seen.getOrDefault(DUPLICATE, Set.of()).contains(ReceiptStatus.DUPLICATE);
                return duplicateSeen
                    && finalStatus.entrySet().stream()
                        .allMatch(
                            e -> {
                              Set<ReceiptStatus> s = seen.getOrDefault(e.getKey(), Set.of());
                              return s.contains(e.getValue()) || s.contains(ReceiptStatus.FAILED);
                            });
              },
              timeout);
      // A receipt that should not exist (a second APPLIED) would come after the first: wait.
      all = reader.readUntil(r -> false, Duration.ofSeconds(2));
      Map<String, List<RequestReceipt>> byId = new LinkedHashMap<>();
      for (var r : all) {
        byId.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(r.value());
      }
      for (var e : finalStatus.entrySet()) {
        List<ReceiptStatus> statuses =
            byId.getOrDefault(e.getKey(), List.of()).stream()
                .map(RequestReceipt::getStatus)
                .toList();
        assertTrue(
            statuses.contains(e.getValue()),
            e.getKey()
                + " did not reach "
                + e.getValue()
                + " in "
                + timeout
                + ": "
                + statuses
                + "; all: "
                + byId.entrySet().stream()
                    .map(
                        x ->
                            x.getKey()
                                + "="
                                + x.getValue().stream().map(RequestReceipt::getStatus).toList())
                    .collect(Collectors.joining(", ")));
      }
      return byId;
    }
  }

  private List<ModelVersion> committedVersions() {
    try (var reader = new TopicReader<>(bootstrapServers(), harness.topics.modelVersions)) {
      return reader.readToEnd(Duration.ofSeconds(30)).stream()
          .map(ConsumerRecord::value)
          .sorted(java.util.Comparator.comparingInt(ModelVersion::getVersion))
          .toList();
    }
  }

  private List<ConsumerRecord<String, byte[]>> readRaw(String topic) {
    try (var reader =
        new TopicReader<>(
            bootstrapServers(), new Topic<>(topic, Serdes.String(), Serdes.ByteArray()))) {
      return reader.readToEnd(Duration.ofSeconds(30));
    }
  }
}
