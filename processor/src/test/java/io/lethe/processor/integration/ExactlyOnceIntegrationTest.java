package io.lethe.processor.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lethe.avro.BatchedRequest;
import io.lethe.avro.DeletionRequest;
import io.lethe.avro.DeletionScope;
import io.lethe.avro.ModelVersion;
import io.lethe.avro.ReceiptStatus;
import io.lethe.avro.RequestReceipt;
import io.lethe.avro.UnlearningBatch;
import io.lethe.kafka.EmbeddedKafka;
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
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exactly-once as a property: many requests with duplicates and garbage mixed in, a worker killed
 * between sending and committing, a topology restarted with open batches. Real broker, real Avro,
 * real DJL training (one epoch, to keep it quick).
 */
class ExactlyOnceIntegrationTest {
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
  void aThousandRequestsWithDuplicatesAndGarbageEndExactlyOnce(@TempDir Path dir) throws Exception {
    PipelineHarness p = new PipelineHarness(kafka, "thousand.", dir);
    Random random = new Random(7);
    List<String> valid = new ArrayList<>();
    Set<String> invalid = new HashSet<>();
    Set<String> garbage = new HashSet<>();
    try (LetheProcessor processor =
            p.processor(
                new BatchPolicy(300, Duration.ofSeconds(2), Duration.ofMinutes(5)),
                WorkerListener.NONE);
        var producer = p.producer()) {
      int sent = 0;
      for (int i = 0; sent < 1000; i++) {
        int kind = random.nextInt(20);
        if (kind == 0 && !valid.isEmpty()) { // a duplicate of an earlier request
          p.send(producer, PipelineHarness.samples(valid.get(random.nextInt(valid.size())), 1));
        } else if (kind == 1) {
          String key = "garbage-" + i;
          garbage.add(key);
          producer.send(
              new ProducerRecord<>(
                  p.topics.deletionRequests.name(),
                  key,
                  ("junk " + i).getBytes(StandardCharsets.UTF_8)));
        } else if (kind == 2) {
          String id = "invalid-" + i;
          invalid.add(id);
          p.send(producer, DeletionRequest.newBuilder(PipelineHarness.samples(id)).build());
        } else if (kind == 3) {
          String id = "subject-" + i;
          valid.add(id);
          p.send(
              producer,
              DeletionRequest.newBuilder()
                  .setRequestId(id)
                  .setScope(DeletionScope.SUBJECT)
                  .setSubjectId(String.format("subject-%04d", random.nextInt(1000)))
                  .setRequestedAt(Instant.now())
                  .build());
        } else {
          String id = "samples-" + i;
          valid.add(id);
          p.send(
              producer,
              PipelineHarness.samples(id, random.nextInt(10_000), random.nextInt(10_000)));
        }
        sent++;
      }
      producer.flush();
      Map<String, List<ReceiptStatus>> receipts =
          awaitStatus(p, Set.copyOf(valid), null, Duration.ofMinutes(6));

      // Each valid request ends once: APPLIED, NOT_PRESENT (a random sample id of the test set),
      // or, for a subject erased by an earlier request, REJECTED (its lineage was retired).
      Set<String> applied = new HashSet<>();
      for (String id : valid) {
        List<ReceiptStatus> statuses = receipts.get(id);
        long ends = statuses.stream().filter(ExactlyOnceIntegrationTest::isEnd).count();
        assertEquals(1, ends, id + " " + statuses);
        assertFalse(statuses.contains(ReceiptStatus.FAILED), id + " " + statuses);
        if (statuses.contains(ReceiptStatus.REJECTED)) {
          assertTrue(id.startsWith("subject-"), id + " " + statuses);
          continue;
        }
        assertEquals(
            1,
            statuses.stream().filter(s -> s == ReceiptStatus.ACCEPTED).count(),
            id + " " + statuses);
        if (statuses.contains(ReceiptStatus.APPLIED)) {
          applied.add(id);
        }
      }
      assertTrue(
          applied.size() > valid.size() / 2, "control: most were applied: " + applied.size());
      for (String id : invalid) {
        assertEquals(List.of(ReceiptStatus.REJECTED), receipts.get(id), id);
      }
      for (String key : garbage) {
        assertEquals(List.of(ReceiptStatus.REJECTED), receipts.get(key), key);
      }
      // Every batch appears in exactly one committed version.
      List<ModelVersion> versions = committedVersions(p);
      Set<String> batchIds = new HashSet<>();
      for (ModelVersion v : versions) {
        if (v.getBatchId() != null) {
          assertTrue(batchIds.add(v.getBatchId()), "batch applied twice: " + v.getBatchId());
        }
      }
      assertEquals(
          applied,
          versions.stream().flatMap(v -> v.getRequestIds().stream()).collect(Collectors.toSet()));
    }
  }

  @Test
  void aWorkerKilledBetweenSendingAndCommittingLeavesExactlyOneVersion(@TempDir Path dir)
      throws Exception {
    PipelineHarness p = new PipelineHarness(kafka, "crash.", dir);
    BatchPolicy batching = new BatchPolicy(3, Duration.ofSeconds(1), Duration.ofMinutes(5));
    AtomicBoolean killed = new AtomicBoolean();
    WorkerListener killOnce =
        new WorkerListener() {
          @Override
          public void beforeCommit(UnlearningBatch batch, ModelVersion version) {
            if (killed.compareAndSet(false, true)) {
              throw new SimulatedKill();
            }
          }
        };
    List<String> ids = List.of("c1", "c2", "c3");
    LetheProcessor first = p.processor(batching, killOnce);
    try (var producer = p.producer()) {
      for (String id : ids) {
        p.send(producer, PipelineHarness.samples(id, ids.indexOf(id) * 100L + 5));
      }
    }
    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    while (!killed.get() && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    assertTrue(killed.get(), "the worker reached the commit");
    first.close();

    try (LetheProcessor second = p.processor(batching, WorkerListener.NONE)) {
      Map<String, List<ReceiptStatus>> receipts =
          awaitFinal(p, Set.copyOf(ids), Duration.ofMinutes(2));
      for (String id : ids) {
        assertEquals(
            1, receipts.get(id).stream().filter(s -> s == ReceiptStatus.APPLIED).count(), id);
      }
      List<ModelVersion> versions = committedVersions(p);
      assertEquals(List.of(1, 2), versions.stream().map(ModelVersion::getVersion).toList());
      assertEquals(ids, versions.get(1).getRequestIds());
      // The killed attempt did write its version, inside a transaction that never committed.
      long uncommittedCopies = readUncommitted(p).stream().filter(v -> v.getVersion() == 2).count();
      assertEquals(2, uncommittedCopies, "the aborted attempt and the committed one");
    }
  }

  @Test
  void restartingTheTopologyWithAnOpenBatchLosesAndDuplicatesNothing(@TempDir Path dir)
      throws Exception {
    PipelineHarness p = new PipelineHarness(kafka, "restart.", dir);
    // Closes at 6 requests only: the batch stays open across the restart.
    BatchPolicy batching = new BatchPolicy(6, Duration.ofHours(1), Duration.ofMinutes(5));
    try (LetheProcessor first = p.processor(batching, WorkerListener.NONE);
        var producer = p.producer()) {
      for (int i = 1; i <= 4; i++) {
        p.send(producer, PipelineHarness.samples("r" + i, i));
      }
      producer.flush();
      awaitStatus(
          p, Set.of("r1", "r2", "r3", "r4"), ReceiptStatus.ACCEPTED, Duration.ofSeconds(60));
    }
    try (LetheProcessor second = p.processor(batching, WorkerListener.NONE);
        var producer = p.producer()) {
      p.send(producer, PipelineHarness.samples("r4", 4)); // a retry of one sent before
      p.send(producer, PipelineHarness.samples("r5", 5));
      // Sample 6 is a test row (it would be NOT_PRESENT): 7 is trained on.
      p.send(producer, PipelineHarness.samples("r6", 7));
      producer.flush();
      Set<String> ids = Set.of("r1", "r2", "r3", "r4", "r5", "r6");
      Map<String, List<ReceiptStatus>> receipts = awaitFinal(p, ids, Duration.ofMinutes(2));
      for (String id : ids) {
        assertEquals(
            1, receipts.get(id).stream().filter(s -> s == ReceiptStatus.APPLIED).count(), id);
      }
      assertTrue(receipts.get("r4").contains(ReceiptStatus.DUPLICATE));
      List<ModelVersion> versions = committedVersions(p);
      assertEquals(2, versions.size());
      // Each once; their order crossed two intake partitions, so it is not defined.
      assertEquals(
          List.of("r1", "r2", "r3", "r4", "r5", "r6"),
          versions.get(1).getRequestIds().stream().sorted().toList());
      try (var reader = new TopicReader<>(kafka.bootstrapServers(), p.topics.unlearningBatches)) {
        List<UnlearningBatch> batches =
            reader.readToEnd(Duration.ofSeconds(30)).stream().map(ConsumerRecord::value).toList();
        assertEquals(1, batches.size());
        assertEquals(
            6,
            batches.get(0).getRequests().stream()
                .map(BatchedRequest::getRequestId)
                .distinct()
                .count());
      }
    }
  }

  /**
   * An Error between send and commit, where a kill would strike: the attempt's transaction is
   * aborted (as the next instance aborts a killed one's) and the batch runs again.
   */
  static final class SimulatedKill extends Error {
    SimulatedKill() {
      super("simulated kill between send and commit");
    }
  }

  private static Map<String, List<ReceiptStatus>> awaitFinal(
      PipelineHarness p, Set<String> ids, Duration timeout) {
    return awaitStatus(p, ids, ReceiptStatus.APPLIED, timeout);
  }

  /** A status a request ends in (null {@code wanted} below waits for any of them). */
  private static boolean isEnd(ReceiptStatus status) {
    return status == ReceiptStatus.APPLIED
        || status == ReceiptStatus.NOT_PRESENT
        || status == ReceiptStatus.FAILED
        || status == ReceiptStatus.REJECTED;
  }

  private static Map<String, List<ReceiptStatus>> awaitStatus(
      PipelineHarness p, Set<String> ids, ReceiptStatus wanted, Duration timeout) {
    Map<String, List<ReceiptStatus>> byId = new HashMap<>();
    try (var reader = new TopicReader<>(kafka.bootstrapServers(), p.topics.requestReceipts)) {
      List<ConsumerRecord<String, RequestReceipt>> all =
          reader.readUntil(
              records -> {
                Set<String> done = new HashSet<>();
                for (var r : records) {
                  ReceiptStatus status = r.value().getStatus();
                  if (wanted == null
                      ? isEnd(status)
                      : status == wanted || status == ReceiptStatus.FAILED) {
                    done.add(r.key());
                  }
                }
                return done.containsAll(ids);
              },
              timeout);
      // Read a little longer: a duplicate receipt would arrive after the first one.
      all = reader.readUntil(r -> false, Duration.ofSeconds(2));
      for (var r : all) {
        byId.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(r.value().getStatus());
      }
    }
    for (String id : ids) {
      assertTrue(byId.containsKey(id), "no receipt for " + id);
    }
    return byId;
  }

  private static List<ModelVersion> committedVersions(PipelineHarness p) {
    try (var reader = new TopicReader<>(kafka.bootstrapServers(), p.topics.modelVersions)) {
      return reader.readToEnd(Duration.ofSeconds(30)).stream()
          .map(ConsumerRecord::value)
          .sorted(java.util.Comparator.comparingInt(ModelVersion::getVersion))
          .toList();
    }
  }

  private static List<ModelVersion> readUncommitted(PipelineHarness p) {
    var topic = p.topics.modelVersions;
    try (var consumer =
        new KafkaConsumer<>(
            Map.<String, Object>of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                kafka.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_uncommitted"),
            topic.keySerde().deserializer(),
            topic.valueSerde().deserializer())) {
      List<TopicPartition> parts =
          consumer.partitionsFor(topic.name()).stream()
              .map(i -> new TopicPartition(i.topic(), i.partition()))
              .toList();
      consumer.assign(parts);
      consumer.seekToBeginning(parts);
      Map<TopicPartition, Long> end = consumer.endOffsets(parts);
      List<ModelVersion> out = new ArrayList<>();
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (parts.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))
          && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(r -> out.add(r.value()));
      }
      return out;
    }
  }
}
