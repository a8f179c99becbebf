package io.lethe.processor.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lethe.avro.BatchCloseReason;
import io.lethe.avro.BatchedRequest;
import io.lethe.avro.DeletionRequest;
import io.lethe.avro.DeletionScope;
import io.lethe.avro.ModelSamples;
import io.lethe.avro.ReceiptStatus;
import io.lethe.avro.RequestReceipt;
import io.lethe.avro.TrainingLineage;
import io.lethe.avro.UnlearningBatch;
import io.lethe.kafka.AvroSerdes;
import io.lethe.kafka.LetheTopics;
import io.lethe.kafka.TopicNames;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DeletionTopologyTest {
  private static final Instant T0 = Instant.parse("2026-11-22T10:00:00Z");
  private static final ModelDirectory MODELS =
      id ->
          List.of("mnist-mlp", "mnist-cnn", "mnist-slow").contains(id)
              ? Optional.of(new ModelDirectory.ModelInfo(id, 10))
              : Optional.empty();

  private final LetheTopics topics = new LetheTopics(TopicNames.DEFAULTS, AvroSerdes.embedded());
  @org.junit.jupiter.api.io.TempDir java.nio.file.Path stateDir;
  private TopologyTestDriver driver;
  private TestInputTopic<String, byte[]> rawRequests;
  private TestInputTopic<String, TrainingLineage> lineage;
  private TestOutputTopic<String, RequestReceipt> receipts;
  private TestOutputTopic<String, UnlearningBatch> batches;
  private TestOutputTopic<String, byte[]> deadLetters;

  @BeforeEach
  void start() {
    startDriver(
        new TopologySettings(
            MODELS,
            new BatchPolicy(3, Duration.ofSeconds(10), Duration.ofMinutes(1)),
            Map.of(
                "mnist-cnn", new BatchPolicy(1, Duration.ofSeconds(10), Duration.ofMinutes(1)),
                "mnist-slow", new BatchPolicy(100, Duration.ofHours(1), Duration.ofMinutes(1))),
            Duration.ofHours(1),
            Duration.ofSeconds(1),
            TopologyEvents.NONE));
  }

  private void startDriver(TopologySettings settings) {
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "topology-test");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    driver = new TopologyTestDriver(DeletionTopology.build(topics, settings), props, T0);
    rawRequests =
        driver.createInputTopic(
            topics.names.deletionRequests(),
            Serdes.String().serializer(),
            Serdes.ByteArray().serializer());
    lineage =
        driver.createInputTopic(
            topics.trainingLineage.name(),
            topics.trainingLineage.keySerde().serializer(),
            topics.trainingLineage.valueSerde().serializer());
    receipts =
        driver.createOutputTopic(
            topics.requestReceipts.name(),
            Serdes.String().deserializer(),
            topics.requestReceipts.valueSerde().deserializer());
    batches =
        driver.createOutputTopic(
            topics.unlearningBatches.name(),
            Serdes.String().deserializer(),
            topics.unlearningBatches.valueSerde().deserializer());
    deadLetters =
        driver.createOutputTopic(
            topics.names.deadLetter(),
            Serdes.String().deserializer(),
            Serdes.ByteArray().deserializer());
  }

  @AfterEach
  void stop() {
    driver.close();
  }

  private void send(DeletionRequest request) {
    send(request.getRequestId(), request);
  }

  private void send(String key, DeletionRequest request) {
    rawRequests.pipeInput(
        key, topics.deletionRequests.valueSerde().serializer().serialize("t", request), T0);
  }

  static DeletionRequest samples(String id, String model, long... ids) {
    return DeletionRequest.newBuilder()
        .setRequestId(id)
        .setScope(DeletionScope.SAMPLES)
        .setModelIds(List.of(model))
        .setSampleIds(java.util.Arrays.stream(ids).boxed().toList())
        .setRequestedAt(T0)
        .build();
  }

  private Map<String, List<ReceiptStatus>> receiptsById() {
    Map<String, List<ReceiptStatus>> out = new java.util.TreeMap<>();
    for (var r : receipts.readKeyValuesToList()) {
      out.computeIfAbsent(r.key, k -> new java.util.ArrayList<>()).add(r.value.getStatus());
    }
    return out;
  }

  private int storeSize(String store) {
    int n = 0;
    try (var all = driver.getKeyValueStore(store).all()) {
      while (all.hasNext()) {
        all.next();
        n++;
      }
    }
    return n;
  }

  @Test
  void validRequestsAreAcceptedAndBatchedPerModelOnSize() {
    send(samples("r1", "mnist-mlp", 1, 2));
    send(samples("r2", "mnist-mlp", 3));
    assertTrue(batches.isEmpty(), "batch of 3 still open after 2 requests");
    assertEquals(2, storeSize(DeletionTopology.PENDING_REQUESTS_STORE));
    send(samples("r3", "mnist-mlp", 4));
    // A closed batch leaves nothing behind, or its requests would ride along in the next one.
    assertEquals(0, storeSize(DeletionTopology.PENDING_REQUESTS_STORE));
    assertEquals(0, storeSize(DeletionTopology.OPEN_BATCHES_STORE));
    UnlearningBatch batch = batches.readValue();
    assertEquals("mnist-mlp-b000001", batch.getBatchId());
    assertEquals(1, batch.getSequence());
    assertEquals(BatchCloseReason.SIZE, batch.getCloseReason());
    assertEquals(
        List.of("r1", "r2", "r3"),
        batch.getRequests().stream().map(BatchedRequest::getRequestId).toList());
    assertEquals(List.of(1L, 2L), batch.getRequests().get(0).getSampleIds());
    assertEquals(
        Map.of(
            "r1", List.of(ReceiptStatus.ACCEPTED, ReceiptStatus.BATCHED),
            "r2", List.of(ReceiptStatus.ACCEPTED, ReceiptStatus.BATCHED),
            "r3", List.of(ReceiptStatus.ACCEPTED, ReceiptStatus.BATCHED)),
        receiptsById());
    assertTrue(deadLetters.isEmpty());
  }

  @Test
  void perModelPoliciesAndSequencesAreIndependent() {
    send(samples("c1", "mnist-cnn", 1));
    send(samples("c2", "mnist-cnn", 2));
    List<UnlearningBatch> closed = batches.readValuesToList();
    assertEquals(
        List.of("mnist-cnn-b000001", "mnist-cnn-b000002"),
        closed.stream().map(UnlearningBatch::getBatchId).toList());
  }

  @Test
  void malformedBytesGoToTheDeadLetterTopicWithReasonAndARejectedReceipt() {
    rawRequests.pipeInput("bad-1", "not avro".getBytes(StandardCharsets.UTF_8), T0);
    TestRecord<String, byte[]> dead = deadLetters.readRecord();
    assertEquals("not avro", new String(dead.value(), StandardCharsets.UTF_8));
    assertEquals("deserialize", header(dead, DeletionTopology.HEADER_STAGE));
    assertTrue(header(dead, DeletionTopology.HEADER_REASON).startsWith("malformed record"));
    RequestReceipt receipt = receipts.readValue();
    assertEquals("bad-1", receipt.getRequestId());
    assertEquals(ReceiptStatus.REJECTED, receipt.getStatus());
    // the pipeline goes on
    send(samples("ok", "mnist-cnn", 1));
    assertEquals(1, batches.readValuesToList().size());
  }

  @Test
  void invalidRequestsAreRejectedWithTheirReason() {
    send(samples("u1", "no-such-model", 1));
    send("other-key", samples("k1", "mnist-mlp", 1));
    send(
        DeletionRequest.newBuilder(samples("c1", "mnist-mlp"))
            .setScope(DeletionScope.CLASS)
            .setClassLabels(List.of(10))
            .build());
    send(DeletionRequest.newBuilder(samples("s0", "mnist-mlp")).build());
    send(
        DeletionRequest.newBuilder(samples("x1", "mnist-mlp", 1))
            .setScope(DeletionScope.UNKNOWN)
            .build());
    List<String> reasons =
        deadLetters.readRecordsToList().stream()
            .map(r -> header(r, DeletionTopology.HEADER_REASON))
            .toList();
    assertEquals(5, reasons.size());
    assertTrue(reasons.get(0).contains("unknown model 'no-such-model'"), reasons.get(0));
    assertTrue(reasons.get(1).contains("must be the request id"), reasons.get(1));
    assertTrue(reasons.get(2).contains("class 10 out of range"), reasons.get(2));
    assertTrue(reasons.get(3).contains("no sample ids"), reasons.get(3));
    assertTrue(reasons.get(4).contains("unknown scope"), reasons.get(4));
    var all = receipts.readValuesToList();
    assertEquals(5, all.size());
    assertTrue(all.stream().allMatch(r -> r.getStatus() == ReceiptStatus.REJECTED));
    assertTrue(batches.isEmpty());
  }

  @Test
  void aRepeatedRequestIdGetsADuplicateReceiptAndIsBatchedOnce() {
    send(samples("d1", "mnist-mlp", 1));
    send(samples("d1", "mnist-mlp", 1));
    send(samples("d2", "mnist-mlp", 2));
    send(samples("d3", "mnist-mlp", 3));
    UnlearningBatch batch = batches.readValue();
    assertEquals(
        List.of("d1", "d2", "d3"),
        batch.getRequests().stream().map(BatchedRequest::getRequestId).toList());
    assertEquals(
        List.of(ReceiptStatus.ACCEPTED, ReceiptStatus.DUPLICATE, ReceiptStatus.BATCHED),
        receiptsById().get("d1"));
  }

  @Test
  void subjectRequestsResolveThroughTheLineageTable() {
    lineage.pipeInput(
        "subject-0001",
        TrainingLineage.newBuilder()
            .setSubjectId("subject-0001")
            .setModels(
                List.of(
                    new ModelSamples("mnist-cnn", List.of(10L, 11L)),
                    new ModelSamples("retired-model", List.of(10L))))
            .build());
    send(
        DeletionRequest.newBuilder()
            .setRequestId("s1")
            .setScope(DeletionScope.SUBJECT)
            .setSubjectId("subject-0001")
            .build());
    UnlearningBatch batch = batches.readValue();
    assertEquals("mnist-cnn", batch.getModelId());
    assertEquals(List.of(10L, 11L), batch.getRequests().get(0).getSampleIds());
    assertEquals(DeletionScope.SUBJECT, batch.getRequests().get(0).getScope());

    send(
        DeletionRequest.newBuilder()
            .setRequestId("s2")
            .setScope(DeletionScope.SUBJECT)
            .setSubjectId("subject-9999")
            .build());
    RequestReceipt last = receipts.readValuesToList().get(2);
    assertEquals(ReceiptStatus.REJECTED, last.getStatus());
    assertTrue(last.getReason().contains("no training lineage for subject 'subject-9999'"));
  }

  @Test
  void aQuietTopicStillClosesABatchOnAgeByWallClock() {
    send(samples("a1", "mnist-mlp", 1));
    driver.advanceWallClockTime(Duration.ofSeconds(5));
    assertTrue(batches.isEmpty());
    driver.advanceWallClockTime(Duration.ofSeconds(6));
    UnlearningBatch batch = batches.readValue();
    assertEquals(BatchCloseReason.AGE, batch.getCloseReason());
    assertEquals(1, batch.getRequests().size());
  }

  @Test
  void aNearDeadlineClosesTheBatchByWallClockLongBeforeItsAgeLimit() {
    send(
        DeletionRequest.newBuilder(samples("dl1", "mnist-slow", 1))
            .setDeadline(T0.plus(Duration.ofSeconds(90)))
            .build());
    driver.advanceWallClockTime(Duration.ofSeconds(20)); // deadline 70 s away, margin 60 s
    assertTrue(batches.isEmpty());
    driver.advanceWallClockTime(Duration.ofSeconds(15)); // 55 s away: inside the margin
    UnlearningBatch batch = batches.readValue();
    assertEquals(BatchCloseReason.DEADLINE, batch.getCloseReason());
  }

  @Test
  void aRequestArrivingWithItsDeadlineInsideTheMarginClosesItsBatchAtOnce() {
    send(samples("early", "mnist-slow", 1));
    send(
        DeletionRequest.newBuilder(samples("urgent", "mnist-slow", 2))
            .setDeadline(T0.plus(Duration.ofSeconds(30)))
            .build());
    UnlearningBatch batch = batches.readValue();
    assertEquals(BatchCloseReason.DEADLINE, batch.getCloseReason());
    assertEquals(2, batch.getRequests().size());
  }

  /**
   * 42 bytes: a DeletionRequest's single-object header, then fields valid up to the sample-id
   * array, whose block count claims two billion longs. On main, decoding it asked for 16 GB.
   */
  private byte[] claimingTwoBillionSampleIds() throws java.io.IOException {
    byte[] header =
        java.util.Arrays.copyOf(
            topics.deletionRequests.valueSerde().serializer().serialize("t", samples("x", "m")),
            10);
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    out.write(header);
    var enc = org.apache.avro.io.EncoderFactory.get().directBinaryEncoder(out, null);
    enc.writeString("poison");
    enc.writeEnum(DeletionScope.SAMPLES.ordinal());
    enc.writeIndex(0);
    enc.writeArrayStart();
    enc.setItemCount(1);
    enc.startItem();
    enc.writeString("mnist-mlp");
    enc.writeArrayEnd();
    enc.writeLong(2_000_000_000L);
    enc.flush();
    out.write(new byte[6]);
    return out.toByteArray();
  }

  @Test
  void aRecordClaimingTwoBillionItemsIsDeadLetteredAndThePipelineGoesOn() throws Exception {
    byte[] poison = claimingTwoBillionSampleIds();
    assertEquals(42, poison.length);
    rawRequests.pipeInput("poison", poison, T0);
    TestRecord<String, byte[]> dead = deadLetters.readRecord();
    assertEquals("TOO_LARGE", header(dead, DeletionTopology.HEADER_KIND));
    assertTrue(header(dead, DeletionTopology.HEADER_REASON).contains("2000000000 items"));
    RequestReceipt receipt = receipts.readValue();
    assertEquals(ReceiptStatus.REJECTED, receipt.getStatus());
    assertEquals("poison", receipt.getRequestId());
    send(samples("after", "mnist-cnn", 1));
    assertEquals(1, batches.readValuesToList().size());
  }

  @Test
  void aRequestOverTheSampleIdCapIsRejectedAsTooLargeAndNeverBatched() {
    // 349,475 ids made a batch over max.request.size on main: RecordTooLargeException, crash loop.
    long[] ids = java.util.stream.LongStream.range(0, 349_475).toArray();
    send(samples("huge", "mnist-cnn", ids));
    TestRecord<String, byte[]> dead = deadLetters.readRecord();
    assertEquals("TOO_LARGE", header(dead, DeletionTopology.HEADER_KIND));
    assertEquals("validate", header(dead, DeletionTopology.HEADER_STAGE));
    RequestReceipt receipt = receipts.readValue();
    assertEquals(ReceiptStatus.REJECTED, receipt.getStatus());
    assertTrue(receipt.getReason().contains("at most 50000"), receipt.getReason());
    assertTrue(batches.isEmpty());
    // Control: a request at the cap goes through, in a batch of its own.
    send(samples("at-cap", "mnist-cnn", java.util.stream.LongStream.range(0, 50_000).toArray()));
    assertEquals(50_000, batches.readValue().getRequests().get(0).getSampleIds().size());
  }

  @Test
  void aKeyFramedTheConfluentWayIsRejectedAndItsBytesAreNeverCopied() throws Exception {
    // Confluent's Avro key serializer: magic byte 0, a 4-byte schema id, then the Avro string.
    java.io.ByteArrayOutputStream framed = new java.io.ByteArrayOutputStream();
    framed.write(new byte[] {0, 0, 0, 0, 7});
    var enc = org.apache.avro.io.EncoderFactory.get().directBinaryEncoder(framed, null);
    enc.writeString("k1");
    enc.flush();
    String key = new String(framed.toByteArray(), StandardCharsets.UTF_8);
    send(key, samples("k1", "mnist-mlp", 1));
    rawRequests.pipeInput(key, "not avro".getBytes(StandardCharsets.UTF_8), T0);
    List<TestRecord<String, byte[]>> dead = deadLetters.readRecordsToList();
    assertEquals(2, dead.size());
    assertEquals("INVALID", header(dead.get(0), DeletionTopology.HEADER_KIND));
    assertEquals("MALFORMED", header(dead.get(1), DeletionTopology.HEADER_KIND));
    String reason = header(dead.get(0), DeletionTopology.HEADER_REASON);
    assertTrue(reason.contains("\\u0000\\u0000\\u0000\\u0000\\u0007"), reason);
    // Only the decodable one has a request id to answer, and it is the value's clean id.
    List<RequestReceipt> all = receipts.readValuesToList();
    assertEquals(List.of("k1"), all.stream().map(RequestReceipt::getRequestId).toList());
    for (RequestReceipt r : all) {
      assertTrue(r.getReason().chars().noneMatch(Character::isISOControl), r.getReason());
    }
    for (TestRecord<String, byte[]> d : dead) {
      for (var h : d.headers()) {
        if (h.key().startsWith("lethe.error.")) {
          String v = new String(h.value(), StandardCharsets.UTF_8);
          assertTrue(v.chars().noneMatch(Character::isISOControl), h.key() + ": " + v);
        }
      }
    }
  }

  @Test
  void aBatchClosesBeforeItWouldExceedTheByteCap() {
    driver.close();
    // 3 requests of 64 ids fit the count limit of 100 but not 1,500 bytes: 2 + 1.
    TopologySettings small =
        new TopologySettings(
                MODELS,
                new BatchPolicy(100, Duration.ofSeconds(10), Duration.ofMinutes(1)),
                Map.of(),
                Duration.ofHours(1),
                Duration.ofSeconds(1),
                TopologyEvents.NONE)
            .withLimits(new IntakeLimits(1_000, 1_500, 256));
    startDriver(small);
    long[] ids = java.util.stream.LongStream.range(0, 64).toArray();
    send(samples("b1", "mnist-mlp", ids));
    send(samples("b2", "mnist-mlp", ids));
    assertTrue(batches.isEmpty(), "two requests still fit");
    send(samples("b3", "mnist-mlp", ids));
    UnlearningBatch first = batches.readValue();
    assertEquals(
        List.of("b1", "b2"),
        first.getRequests().stream().map(BatchedRequest::getRequestId).toList());
    assertEquals(BatchCloseReason.SIZE, first.getCloseReason());
    driver.advanceWallClockTime(Duration.ofSeconds(11));
    assertEquals(
        List.of("b3"),
        batches.readValue().getRequests().stream().map(BatchedRequest::getRequestId).toList());
  }

  @Test
  void theDeadLetterCarriesTheRejectionKind() {
    send(samples("u1", "no-such-model", 1));
    assertEquals("UNKNOWN_MODEL", header(deadLetters.readRecord(), DeletionTopology.HEADER_KIND));
  }

  private static String header(TestRecord<String, byte[]> record, String name) {
    return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
  }
}
