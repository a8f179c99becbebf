package io.lethe.processor.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lethe.avro.Artifact;
import io.lethe.avro.BatchCloseReason;
import io.lethe.avro.BatchedRequest;
import io.lethe.avro.DeletionScope;
import io.lethe.avro.ModelVersion;
import io.lethe.avro.UnlearningBatch;
import io.lethe.avro.VerificationMetrics;
import io.lethe.avro.VerificationStatus;
import io.lethe.kafka.AvroSerdes;
import io.lethe.kafka.EmbeddedKafka;
import io.lethe.kafka.LetheTopics;
import io.lethe.kafka.TopicNames;
import io.lethe.kafka.TopicReader;
import io.lethe.processor.worker.ArtifactStore;
import io.lethe.processor.worker.Unlearner;
import io.lethe.processor.worker.UnlearningWorker;
import io.lethe.processor.worker.WorkerListener;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two worker instances in one group on a real broker: the one whose partition is revoked while it
 * unlearns must give the batch up, so the batch is applied once, by its new owner. The engine is a
 * stand-in that blocks on demand; the worker, its clients and the broker are real.
 */
class WorkerRebalanceIntegrationTest {
  private static final String MODEL = "m";
  private static EmbeddedKafka kafka;

  @BeforeAll
  static void startBroker() {
    kafka = EmbeddedKafka.start();
  }

  @AfterAll
  static void stopBroker() {
    kafka.close();
  }

  /** Returns new weights at once, or, for the first job when {@code gate} is set, waits on it. */
  private static final class StandInEngine implements Unlearner {
    final AtomicInteger jobs = new AtomicInteger();
    final CountDownLatch entered = new CountDownLatch(1);
    final CountDownLatch returned = new CountDownLatch(1);
    final CountDownLatch gate;

    StandInEngine(CountDownLatch gate) {
      this.gate = gate;
    }

    @Override
    public Outcome unlearn(Job job) {
      jobs.incrementAndGet();
      entered.countDown();
      try {
        if (gate != null) {
          gate.await(120, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        returned.countDown();
      }
      return new Outcome(
          ("weights after " + job.batchId()).getBytes(StandardCharsets.UTF_8),
          VerificationStatus.PASSED,
          null,
          VerificationMetrics.newBuilder().build(),
          "stand-in",
          "cpu");
    }

    @Override
    public ModelFacts facts(String modelId) {
      return new ModelFacts(modelId, 10, Map.of());
    }

    @Override
    public List<String> modelIds() {
      return List.of(MODEL);
    }

    @Override
    public Outcome trainInitial(String modelId, Consumer<String> progress) {
      throw new UnsupportedOperationException("not in this test");
    }
  }

  private static final class Watch implements WorkerListener {
    final CountDownLatch committed = new CountDownLatch(1);
    final CountDownLatch abandoned = new CountDownLatch(1);

    @Override
    public void committed(UnlearningBatch batch, ModelVersion version) {
      committed.countDown();
    }

    @Override
    public void abandoned(UnlearningBatch batch) {
      abandoned.countDown();
    }
  }

  @Test
  void aWorkerWhosePartitionIsRevokedMidBatchAbandonsItAndTheBatchIsAppliedOnce(@TempDir Path dir)
      throws Exception {
    TopicNames names = TopicNames.DEFAULTS.withPrefix("rebalance.");
    kafka.createTopics(names, 1);
    LetheTopics topics = new LetheTopics(names, AvroSerdes.embedded());
    ArtifactStore artifacts = new ArtifactStore(dir);
    ArtifactStore.ArtifactRef v1 = artifacts.put("weights v1".getBytes(StandardCharsets.UTF_8));
    try (var producer =
        new KafkaProducer<String, Object>(
            Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
            new StringSerializer(),
            (topic, value) ->
                value instanceof ModelVersion v
                    ? topics.modelVersions.valueSerde().serializer().serialize(topic, v)
                    : topics
                        .unlearningBatches
                        .valueSerde()
                        .serializer()
                        .serialize(topic, (UnlearningBatch) value))) {
      producer.send(
          new ProducerRecord<>(
              names.modelVersions(),
              MODEL,
              ModelVersion.newBuilder()
                  .setModelId(MODEL)
                  .setVersion(1)
                  .setStatus(VerificationStatus.PASSED)
                  .setArtifact(new Artifact(v1.uri(), v1.sha256(), v1.sizeBytes()))
                  .setMetrics(VerificationMetrics.newBuilder().build())
                  .build()));
      producer.send(
          new ProducerRecord<>(
              names.unlearningBatches(),
              MODEL,
              UnlearningBatch.newBuilder()
                  .setBatchId("m-b000001")
                  .setModelId(MODEL)
                  .setSequence(1)
                  .setRequests(
                      List.of(
                          new BatchedRequest(
                              "r1", DeletionScope.SAMPLES, List.of(1L), List.of(), null, null)))
                  .setCreatedAt(Instant.now())
                  .setClosedAt(Instant.now())
                  .setCloseReason(BatchCloseReason.SIZE)
                  .build()));
      producer.flush();
    }

    // Static membership only to make the range assignor's choice certain: "a-…" sorts first, so
    // the instance that joins second takes the partition.
    CountDownLatch gate = new CountDownLatch(1);
    StandInEngine slowEngine = new StandInEngine(gate);
    StandInEngine quickEngine = new StandInEngine(null);
    Watch first = new Watch();
    Watch second = new Watch();
    UnlearningWorker firstWorker =
        new UnlearningWorker(
            new UnlearningWorker.Settings(
                kafka.bootstrapServers(),
                "rebalance-workers",
                "lethe-worker-first",
                Map.of(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, "b-first")),
            topics,
            slowEngine,
            artifacts,
            first);
    try (firstWorker) {
      firstWorker.start();
      assertTrue(slowEngine.entered.await(60, TimeUnit.SECONDS), "first worker took the batch");
      try (UnlearningWorker secondWorker =
          new UnlearningWorker(
              new UnlearningWorker.Settings(
                  kafka.bootstrapServers(),
                  "rebalance-workers",
                  "lethe-worker-second",
                  Map.of(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, "a-second")),
              topics,
              quickEngine,
              artifacts,
              second)) {
        secondWorker.start();
        assertTrue(second.committed.await(60, TimeUnit.SECONDS), "the new owner applied it");
        assertTrue(first.abandoned.await(30, TimeUnit.SECONDS), "the old owner gave it up");
        // Now let the first worker's engine finish: its result must go nowhere.
        gate.countDown();
        assertTrue(slowEngine.returned.await(30, TimeUnit.SECONDS));
      }
    }
    // Closed: the first worker can commit nothing more. Its engine did run (the scenario ran).
    assertEquals(1, slowEngine.jobs.get());
    assertEquals(1, quickEngine.jobs.get());
    assertEquals(1, first.committed.getCount(), "the old owner committed nothing");
    try (var versions = new TopicReader<>(kafka.bootstrapServers(), topics.modelVersions)) {
      List<ConsumerRecord<String, ModelVersion>> all = versions.readToEnd(Duration.ofSeconds(30));
      List<String> batches = all.stream().map(r -> "" + r.value().getBatchId()).toList();
      assertEquals(List.of("null", "m-b000001"), batches);
      assertEquals(List.of(1, 2), all.stream().map(r -> r.value().getVersion()).toList());
    }
  }
}
