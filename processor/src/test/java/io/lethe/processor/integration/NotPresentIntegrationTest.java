package io.lethe.processor.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lethe.avro.ModelVersion;
import io.lethe.avro.ReceiptStatus;
import io.lethe.avro.RequestReceipt;
import io.lethe.kafka.EmbeddedKafka;
import io.lethe.kafka.TopicReader;
import io.lethe.processor.LetheProcessor;
import io.lethe.processor.topology.BatchPolicy;
import io.lethe.processor.worker.WorkerListener;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A request naming nothing the model was trained on is answered NOT_PRESENT and makes no version
 * (on main it made a version with method {@code none} and the parent's weights, and was APPLIED).
 * Mixed into a batch with a request that is present, the version applies the present one only.
 */
class NotPresentIntegrationTest {
  private static final Set<ReceiptStatus> FINAL =
      EnumSet.of(
          ReceiptStatus.APPLIED,
          ReceiptStatus.FAILED,
          ReceiptStatus.NOT_PRESENT,
          ReceiptStatus.REJECTED);

  private static EmbeddedKafka kafka;

  @BeforeAll
  static void startBroker() {
    kafka = EmbeddedKafka.start();
  }

  @AfterAll
  static void stopBroker() {
    kafka.close();
  }

  @Test
  void aRequestForUntrainedDataIsNotPresentAndMakesNoVersion(@TempDir Path dir) throws Exception {
    PipelineHarness harness = new PipelineHarness(kafka, "notpresent.", dir);
    Map<String, List<RequestReceipt>> receipts;
    List<ModelVersion> versions;
    // Two requests close a batch, so the first two share one; the lone third closes by age.
    try (LetheProcessor processor =
            harness.processor(
                new BatchPolicy(2, Duration.ofSeconds(2), Duration.ofMinutes(5)),
                WorkerListener.NONE);
        var producer = harness.producer();
        var reader = new TopicReader<>(kafka.bootstrapServers(), harness.topics.requestReceipts)) {
      harness.send(producer, PipelineHarness.samples("np-mixed", 999_999));
      harness.send(producer, PipelineHarness.samples("np-present", 21, 22));
      producer.flush();
      reader.readUntil(all -> done(all, "np-mixed", "np-present"), Duration.ofMinutes(3));
      harness.send(producer, PipelineHarness.samples("np-alone", 999_998, 999_997));
      producer.flush();
      reader.readUntil(
          all -> done(all, "np-mixed", "np-present", "np-alone"), Duration.ofMinutes(1));
      // A version or receipt that should not exist would come right behind: wait a little.
      receipts = byId(reader.readUntil(all -> false, Duration.ofSeconds(2)));
      try (var versionReader =
          new TopicReader<>(kafka.bootstrapServers(), harness.topics.modelVersions)) {
        versions =
            versionReader.readToEnd(Duration.ofSeconds(30)).stream()
                .map(ConsumerRecord::value)
                .sorted(Comparator.comparingInt(ModelVersion::getVersion))
                .toList();
      }
    }

    // Control: the mixed pair really shared a batch, and the present one was applied in v2.
    RequestReceipt mixedBatched = only(receipts, "np-mixed", ReceiptStatus.BATCHED);
    RequestReceipt presentBatched = only(receipts, "np-present", ReceiptStatus.BATCHED);
    assertEquals(presentBatched.getBatchId(), mixedBatched.getBatchId());
    RequestReceipt applied = only(receipts, "np-present", ReceiptStatus.APPLIED);
    assertEquals(2, applied.getModelVersion());

    RequestReceipt mixed = only(receipts, "np-mixed", ReceiptStatus.NOT_PRESENT);
    assertEquals(PipelineHarness.MODEL, mixed.getModelId());
    assertEquals(mixedBatched.getBatchId(), mixed.getBatchId());
    assertEquals(null, mixed.getModelVersion());
    assertNotNull(mixed.getReason());
    assertFalse(statuses(receipts, "np-mixed").contains(ReceiptStatus.APPLIED));

    RequestReceipt alone = only(receipts, "np-alone", ReceiptStatus.NOT_PRESENT);
    assertNotNull(alone.getBatchId(), "answered by the worker, after batching");
    assertFalse(statuses(receipts, "np-alone").contains(ReceiptStatus.APPLIED));

    assertEquals(List.of(1, 2), versions.stream().map(ModelVersion::getVersion).toList());
    assertEquals(List.of("np-present"), versions.get(1).getRequestIds());
    assertTrue(versions.get(1).getMetrics().getForgetSetSize() > 0, versions.get(1).toString());
  }

  /**
   * A CLASS request for a class an earlier version forgot has nothing left to erase: NOT_PRESENT,
   * while the batch's other request is applied (on main it was APPLIED in a version that changed
   * nothing for it). A CLASS request that would leave the model no class is refused alone (FAILED
   * with its reason); its batch's samples request is applied all the same (on main the batch ran as
   * a whole).
   */
  @Test
  void aForgottenClassIsNotPresentAndTheLastClassesAreRefusedAlone(@TempDir Path dir)
      throws Exception {
    PipelineHarness harness = new PipelineHarness(kafka, "notpresent-class.", dir);
    Map<String, List<RequestReceipt>> receipts;
    List<ModelVersion> versions;
    try (LetheProcessor processor =
            harness.processor(
                new BatchPolicy(2, Duration.ofSeconds(2), Duration.ofMinutes(5)),
                WorkerListener.NONE);
        var producer = harness.producer();
        var reader = new TopicReader<>(kafka.bootstrapServers(), harness.topics.requestReceipts)) {
      harness.send(producer, PipelineHarness.classes("c-first-7", 7));
      harness.send(producer, PipelineHarness.samples("c-s1", 21, 22, 23, 24, 25));
      producer.flush();
      reader.readUntil(all -> done(all, "c-first-7", "c-s1"), Duration.ofMinutes(3));
      harness.send(producer, PipelineHarness.classes("c-again-7", 7));
      harness.send(producer, PipelineHarness.samples("c-s2", 31, 32, 33, 34, 35));
      producer.flush();
      reader.readUntil(all -> done(all, "c-again-7", "c-s2"), Duration.ofMinutes(3));
      // 7 is gone; forgetting the nine others would leave no class (no training data).
      harness.send(producer, PipelineHarness.classes("c-all-left", 0, 1, 2, 3, 4, 5, 6, 8, 9));
      harness.send(producer, PipelineHarness.samples("c-s3", 41, 42, 43, 44, 45));
      producer.flush();
      receipts =
          byId(reader.readUntil(all -> done(all, "c-all-left", "c-s3"), Duration.ofMinutes(3)));
      try (var versionReader =
          new TopicReader<>(kafka.bootstrapServers(), harness.topics.modelVersions)) {
        versions =
            versionReader.readToEnd(Duration.ofSeconds(30)).stream()
                .map(ConsumerRecord::value)
                .sorted(Comparator.comparingInt(ModelVersion::getVersion))
                .toList();
      }
    }
    // Control: each pair shared a batch, and the first CLASS request really forgot class 7.
    assertEquals(
        only(receipts, "c-again-7", ReceiptStatus.BATCHED).getBatchId(),
        only(receipts, "c-s2", ReceiptStatus.BATCHED).getBatchId());
    assertEquals(
        only(receipts, "c-all-left", ReceiptStatus.BATCHED).getBatchId(),
        only(receipts, "c-s3", ReceiptStatus.BATCHED).getBatchId());
    assertEquals(2, only(receipts, "c-first-7", ReceiptStatus.APPLIED).getModelVersion());

    RequestReceipt again = only(receipts, "c-again-7", ReceiptStatus.NOT_PRESENT);
    assertEquals(null, again.getModelVersion());
    assertEquals(3, only(receipts, "c-s2", ReceiptStatus.APPLIED).getModelVersion());

    RequestReceipt refused = only(receipts, "c-all-left", ReceiptStatus.FAILED);
    assertTrue(refused.getReason().contains("no training data"), refused.getReason());
    assertEquals(4, only(receipts, "c-s3", ReceiptStatus.APPLIED).getModelVersion());

    assertEquals(List.of(1, 2, 3, 4), versions.stream().map(ModelVersion::getVersion).toList());
    assertEquals(List.of("c-s2"), versions.get(2).getRequestIds());
    assertEquals(List.of("c-s3"), versions.get(3).getRequestIds());
  }

  private static boolean done(List<ConsumerRecord<String, RequestReceipt>> all, String... ids) {
    Map<String, List<RequestReceipt>> byId = byId(all);
    for (String id : ids) {
      if (statuses(byId, id).stream().noneMatch(FINAL::contains)) {
        return false;
      }
    }
    return true;
  }

  private static Map<String, List<RequestReceipt>> byId(
      List<ConsumerRecord<String, RequestReceipt>> all) {
    Map<String, List<RequestReceipt>> byId = new LinkedHashMap<>();
    for (var r : all) {
      byId.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(r.value());
    }
    return byId;
  }

  private static List<ReceiptStatus> statuses(Map<String, List<RequestReceipt>> byId, String id) {
    return byId.getOrDefault(id, List.of()).stream().map(RequestReceipt::getStatus).toList();
  }

  private static RequestReceipt only(
      Map<String, List<RequestReceipt>> byId, String id, ReceiptStatus status) {
    List<RequestReceipt> matching =
        byId.getOrDefault(id, List.of()).stream().filter(r -> r.getStatus() == status).toList();
    assertEquals(1, matching.size(), id + " " + status + " in " + statuses(byId, id));
    return matching.get(0);
  }
}
