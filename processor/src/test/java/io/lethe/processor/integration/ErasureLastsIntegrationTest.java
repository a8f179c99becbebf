package io.lethe.processor.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lethe.avro.DeletionRequest;
import io.lethe.avro.DeletionScope;
import io.lethe.avro.ModelVersion;
import io.lethe.avro.ReceiptStatus;
import io.lethe.avro.RequestReceipt;
import io.lethe.kafka.EmbeddedKafka;
import io.lethe.kafka.TopicReader;
import io.lethe.processor.LetheProcessor;
import io.lethe.processor.topology.BatchPolicy;
import io.lethe.processor.worker.ArtifactStore;
import io.lethe.processor.worker.ForgetLedger;
import io.lethe.processor.worker.WorkerListener;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Erasure that lasts. Once a subject's erasure is applied its lineage record is retired, so a new
 * request for it is REJECTED as an unknown subject. Once every record of the model-versions topic
 * has expired (here deleted up to the end, which is what retention does to a log), a restarted
 * processor does not train version 1 again on the full data: it builds on the newest version with
 * the forget ledger intact. On main the restart published a fresh version 1 with an empty ledger.
 */
class ErasureLastsIntegrationTest {
  private static final String ERASED = "subject-0042";
  private static final String KEPT = "subject-0007";

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
  void erasedDataStaysGoneAfterVersionRecordsExpireAndARestart(@TempDir Path dir) throws Exception {
    PipelineHarness harness = new PipelineHarness(kafka, "lasts.", dir);
    BatchPolicy onePerBatch = new BatchPolicy(1, Duration.ofSeconds(1), Duration.ofMinutes(5));
    try (var receipts =
        new TopicReader<>(kafka.bootstrapServers(), harness.topics.requestReceipts)) {
      try (LetheProcessor processor = harness.processor(onePerBatch, WorkerListener.NONE);
          var producer = harness.producer()) {
        harness.send(producer, subject("lasts-erase", ERASED));
        producer.flush();
        // Control: the subject resolved and was erased in version 2.
        assertEquals(
            2, awaitFinal(receipts, "lasts-erase", ReceiptStatus.APPLIED).getModelVersion());
        harness.send(producer, subject("lasts-again", ERASED));
        producer.flush();
        RequestReceipt again = awaitFinal(receipts, "lasts-again", ReceiptStatus.REJECTED);
        assertTrue(again.getReason().contains("no training lineage"), again.getReason());
      }

      expireAll(harness.topics.modelVersions.name());
      assertEquals(List.of(), versionsOnTopic(harness), "control: the version records are gone");

      try (LetheProcessor processor = harness.processor(onePerBatch, WorkerListener.NONE);
          var producer = harness.producer()) {
        assertEquals(List.of(), versionsOnTopic(harness), "the restart trained the model again");
        harness.send(producer, subject("lasts-kept", KEPT));
        producer.flush();
        RequestReceipt applied = awaitFinal(receipts, "lasts-kept", ReceiptStatus.APPLIED);
        assertEquals(3, applied.getModelVersion());
      }
    }
    List<ModelVersion> versions = versionsOnTopic(harness);
    assertEquals(1, versions.size(), versions.toString());
    assertEquals(2, versions.get(0).getParentVersion());
    ForgetLedger ledger =
        ForgetLedger.fromText(
            new ArtifactStore(dir.resolve("artifacts")).readManifest(PipelineHarness.MODEL, 3));
    for (String subject : List.of(ERASED, KEPT)) {
      for (long id : harness.assembly.planner().samplesOf(PipelineHarness.MODEL, subject)) {
        assertTrue(ledger.sampleIds().contains(id), subject + " sample " + id + " not in ledger");
      }
    }
  }

  private static DeletionRequest subject(String id, String subjectId) {
    return DeletionRequest.newBuilder()
        .setRequestId(id)
        .setScope(DeletionScope.SUBJECT)
        .setSubjectId(subjectId)
        .setRequestedAt(Instant.now())
        .build();
  }

  /** Waits for the request's first receipt past BATCHED and checks it is {@code expected}. */
  private static RequestReceipt awaitFinal(
      TopicReader<String, RequestReceipt> reader, String id, ReceiptStatus expected) {
    List<RequestReceipt> mine =
        reader.readUntil(all -> finalOf(all, id).isPresent(), Duration.ofMinutes(2)).stream()
            .filter(r -> r.key().equals(id))
            .map(ConsumerRecord::value)
            .toList();
    RequestReceipt last =
        finalOf(reader.readUntil(all -> true, Duration.ZERO), id)
            .orElseThrow(
                () ->
                    new AssertionError(
                        id
                            + " reached no final state: "
                            + mine.stream()
                                .map(r -> r.getStatus().toString())
                                .collect(Collectors.joining(","))));
    assertEquals(expected, last.getStatus(), last.toString());
    return last;
  }

  private static Optional<RequestReceipt> finalOf(
      List<ConsumerRecord<String, RequestReceipt>> all, String id) {
    return all.stream()
        .filter(r -> r.key().equals(id))
        .map(ConsumerRecord::value)
        .filter(
            r ->
                r.getStatus() == ReceiptStatus.APPLIED
                    || r.getStatus() == ReceiptStatus.FAILED
                    || r.getStatus() == ReceiptStatus.REJECTED
                    || r.getStatus() == ReceiptStatus.NOT_PRESENT)
        .findFirst();
  }

  /** What retention does to a log: every record before the end is gone. */
  private static void expireAll(String topic) throws Exception {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
      Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
      admin
          .describeTopics(List.of(topic))
          .allTopicNames()
          .get()
          .get(topic)
          .partitions()
          .forEach(p -> latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
      Map<TopicPartition, RecordsToDelete> delete = new HashMap<>();
      admin
          .listOffsets(latest)
          .all()
          .get()
          .forEach((tp, info) -> delete.put(tp, RecordsToDelete.beforeOffset(info.offset())));
      admin.deleteRecords(delete).all().get();
    }
  }

  private static List<ModelVersion> versionsOnTopic(PipelineHarness harness) {
    try (var reader = new TopicReader<>(kafka.bootstrapServers(), harness.topics.modelVersions)) {
      return reader.readToEnd(Duration.ofSeconds(30)).stream().map(ConsumerRecord::value).toList();
    }
  }
}
