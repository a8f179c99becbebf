package io.lethe.processor.integration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lethe.avro.ModelVersion;
import io.lethe.avro.ReceiptStatus;
import io.lethe.avro.RequestReceipt;
import io.lethe.avro.UnlearningBatch;
import io.lethe.kafka.EmbeddedKafka;
import io.lethe.kafka.TopicReader;
import io.lethe.processor.LetheProcessor;
import io.lethe.processor.planner.UnlearningPlanner;
import io.lethe.processor.topology.BatchPolicy;
import io.lethe.processor.worker.ArtifactStore;
import io.lethe.processor.worker.Unlearner;
import io.lethe.processor.worker.WorkerListener;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A supervised worker, on the real pipeline: each failure below ended the worker thread for good on
 * main (no receipt ever came, nothing behind it ran). One processor runs the steps in order, each
 * request in a batch of its own; every injected fault is counted, so each step proves it ran.
 */
class WorkerSupervisionIntegrationTest {
  private static EmbeddedKafka kafka;

  @BeforeAll
  static void startBroker() {
    kafka = EmbeddedKafka.start();
  }

  @AfterAll
  static void stopBroker() {
    kafka.close();
  }

  /** Throws in the commit step of the batches holding the named requests, so many times each. */
  private static final class FailingCommits implements WorkerListener {
    final Map<String, Integer> remaining = new ConcurrentHashMap<>();
    final Map<String, AtomicInteger> thrown = new ConcurrentHashMap<>();

    @Override
    public void beforeCommit(UnlearningBatch batch, ModelVersion version) {
      if (version == null) {
        return; // the FAILED receipt of a batch given up goes through
      }
      for (var r : batch.getRequests()) {
        Integer left = remaining.get(r.getRequestId());
        if (left != null && left > 0) {
          remaining.put(r.getRequestId(), left - 1);
          thrown.computeIfAbsent(r.getRequestId(), k -> new AtomicInteger()).incrementAndGet();
          throw new IllegalStateException("injected publishing failure");
        }
      }
    }
  }

  /** The real planner; the first unlearning of a named request runs out of memory. */
  private static final class OomOnce implements Unlearner {
    final UnlearningPlanner planner;
    final Set<String> armed = ConcurrentHashMap.newKeySet();
    final AtomicInteger thrown = new AtomicInteger();
    final AtomicInteger trainings = new AtomicInteger();
    volatile long oomSample = -1;

    OomOnce(UnlearningPlanner planner) {
      this.planner = planner;
    }

    @Override
    public Outcome unlearn(Job job) {
      if (job.batchSampleIds().contains(oomSample) && armed.remove("oom")) {
        thrown.incrementAndGet();
        throw new OutOfMemoryError("injected");
      }
      return planner.unlearn(job);
    }

    @Override
    public void prepareThread() {
      planner.prepareThread();
    }

    @Override
    public ModelFacts facts(String modelId) {
      return planner.facts(modelId);
    }

    @Override
    public long[] samplesOf(String modelId, String subjectId) {
      return planner.samplesOf(modelId, subjectId);
    }

    @Override
    public Trained trainedOn(String modelId, Set<Long> sampleIds, Set<Integer> classLabels) {
      return planner.trainedOn(modelId, sampleIds, classLabels);
    }

    @Override
    public List<String> modelIds() {
      return planner.modelIds();
    }

    @Override
    public Outcome trainInitial(String modelId, Consumer<String> progress) {
      trainings.incrementAndGet();
      return planner.trainInitial(modelId, progress);
    }
  }

  @Test
  void failuresOutsideTheEngineAreRetriedThenFailedAndTheWorkerGoesOn(@TempDir Path dir)
      throws Exception {
    PipelineHarness harness = new PipelineHarness(kafka, "supervised.", dir);
    FailingCommits commits = new FailingCommits();
    commits.remaining.put("sup-flaky", 1);
    commits.remaining.put("sup-doomed", 100);
    OomOnce engine = new OomOnce(harness.assembly.planner());
    // Four sample ids the model was trained on (others would be answered NOT_PRESENT).
    List<Long> ids =
        engine
            .trainedOn(
                PipelineHarness.MODEL,
                LongStream.range(0, 500).boxed().collect(Collectors.toSet()),
                Set.of())
            .sampleIds()
            .stream()
            .sorted()
            .limit(4)
            .toList();
    assertEquals(4, ids.size(), ids.toString());
    engine.oomSample = ids.get(3);
    engine.armed.add("oom");
    BatchPolicy onePerBatch = new BatchPolicy(1, Duration.ofSeconds(1), Duration.ofMinutes(5));
    try (LetheProcessor processor = harness.processor(onePerBatch, commits, engine);
        var producer = harness.producer();
        var receipts =
            new TopicReader<>(kafka.bootstrapServers(), harness.topics.requestReceipts)) {
      assertEquals(1, engine.trainings.get(), "onboarding trained version 1");

      // A corrupt first version is trained again, restored, and built on.
      Path v1 = Path.of(URI.create(versions(harness).get(0).getArtifact().getUri()));
      Files.write(v1, new byte[] {1, 2, 3});
      harness.send(producer, PipelineHarness.samples("sup-corrupt-v1", ids.get(0)));
      producer.flush();
      assertEquals(
          2, awaitFinal(receipts, "sup-corrupt-v1", ReceiptStatus.APPLIED).getModelVersion());
      assertEquals(2, engine.trainings.get(), "version 1 was trained again");
      assertTrue(Files.exists(v1.resolveSibling(v1.getFileName() + ".corrupt")));
      String sha = versions(harness).get(0).getArtifact().getSha256();
      assertEquals(sha, ArtifactStore.sha256(Files.readAllBytes(v1)), "restored");

      // Publishing fails once: retried, applied once.
      harness.send(producer, PipelineHarness.samples("sup-flaky", ids.get(1)));
      producer.flush();
      assertEquals(3, awaitFinal(receipts, "sup-flaky", ReceiptStatus.APPLIED).getModelVersion());
      assertEquals(1, commits.thrown.get("sup-flaky").get());

      // Publishing always fails: three attempts, then FAILED with the reason.
      harness.send(producer, PipelineHarness.samples("sup-doomed", ids.get(2)));
      producer.flush();
      RequestReceipt doomed = awaitFinal(receipts, "sup-doomed", ReceiptStatus.FAILED);
      assertEquals(3, commits.thrown.get("sup-doomed").get());
      assertTrue(doomed.getReason().contains("failed 3 times"), doomed.getReason());
      assertTrue(doomed.getReason().contains("injected publishing failure"), doomed.getReason());

      // The engine runs out of memory once: transient, retried, applied. The worker went on.
      harness.send(producer, PipelineHarness.samples("sup-oom", ids.get(3)));
      producer.flush();
      assertEquals(4, awaitFinal(receipts, "sup-oom", ReceiptStatus.APPLIED).getModelVersion());
      assertEquals(1, engine.thrown.get());
    }
    List<Integer> numbers = versions(harness).stream().map(ModelVersion::getVersion).toList();
    assertEquals(List.of(1, 2, 3, 4), numbers, "one version per applied batch, none for FAILED");
  }

  private static List<ModelVersion> versions(PipelineHarness harness) {
    try (var reader = new TopicReader<>(kafka.bootstrapServers(), harness.topics.modelVersions)) {
      return reader.readToEnd(Duration.ofSeconds(30)).stream()
          .map(ConsumerRecord::value)
          .sorted(java.util.Comparator.comparingInt(ModelVersion::getVersion))
          .toList();
    }
  }

  /** Waits for the request's first receipt past BATCHED and checks it is {@code expected}. */
  private static RequestReceipt awaitFinal(
      TopicReader<String, RequestReceipt> reader, String id, ReceiptStatus expected) {
    Optional<RequestReceipt> last =
        finalOf(reader.readUntil(all -> finalOf(all, id).isPresent(), Duration.ofMinutes(2)), id);
    assertTrue(last.isPresent(), id + " reached no final state: the worker stopped");
    assertEquals(expected, last.get().getStatus(), last.get().toString());
    return last.get();
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
}
