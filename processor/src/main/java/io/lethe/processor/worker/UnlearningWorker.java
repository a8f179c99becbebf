package io.lethe.processor.worker;

import io.lethe.avro.Artifact;
import io.lethe.avro.BatchedRequest;
import io.lethe.avro.ModelVersion;
import io.lethe.avro.ReceiptStatus;
import io.lethe.avro.RequestReceipt;
import io.lethe.avro.TrainingLineage;
import io.lethe.avro.UnlearningBatch;
import io.lethe.kafka.LetheTopics;
import io.lethe.processor.topology.Receipts;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The GPU-backed worker: consumes unlearning batches one at a time per partition, outside any
 * stream thread; unlearns on a dedicated thread while the consumer keeps polling (paused), so a
 * long batch never exceeds {@code max.poll.interval.ms}; then publishes the new version, the
 * receipts and the input offset in ONE Kafka transaction. A crash before the commit re-runs the
 * batch; a batch id already in the version log is skipped, so nothing is applied twice.
 */
public final class UnlearningWorker implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(UnlearningWorker.class);

  /**
   * Connection and identity of one worker instance.
   *
   * @param transactionalId unique per instance and stable across its restarts
   * @param clientConfig Kafka client settings for its consumer and producer (security protocol,
   *     SASL, SSL, ...); the worker's own settings (group, transactions, isolation) win
   */
  public record Settings(
      String bootstrapServers,
      String groupId,
      String transactionalId,
      Map<String, Object> clientConfig) {

    public Settings(String bootstrapServers, String groupId, String transactionalId) {
      this(bootstrapServers, groupId, transactionalId, Map.of());
    }
  }

  /** The batch in hand was given up: its partition went to another instance. */
  private static final class BatchAbandoned extends Exception {
    BatchAbandoned(String message) {
      super(message, null, false, false);
    }
  }

  private final Settings settings;
  private final LetheTopics topics;
  private final Unlearner unlearner;
  private final ArtifactStore artifacts;
  private final WorkerListener listener;
  // One thread for all engine work: DJL allows one GradientCollector at a time.
  private final ExecutorService engine = Executors.newSingleThreadExecutor(this::engineThread);
  private final Thread loop;

  private Thread engineThread(Runnable work) {
    return new Thread(
        () -> {
          unlearner.prepareThread();
          work.run();
        },
        "lethe-unlearning");
  }

  private volatile boolean running = true;

  /** When the loop last polled (it polls at least every 500 ms, also while a batch runs). */
  private volatile long lastPollNanos = System.nanoTime();

  private final Supervision supervision;
  private boolean inTransaction;
  private KafkaConsumer<String, UnlearningBatch> consumer;
  private KafkaProducer<String, Object> producer;
  private VersionLog versions;

  /** When the batch being handled was taken up (for the log line that reports its duration). */
  private long batchStartedNanos;

  /** The partition of the batch in hand, and whether a rebalance took it away meanwhile. */
  private volatile TopicPartition inHand;

  private volatile boolean inHandRevoked;

  public UnlearningWorker(
      Settings settings,
      LetheTopics topics,
      Unlearner unlearner,
      ArtifactStore artifacts,
      WorkerListener listener) {
    this.settings = settings;
    this.topics = topics;
    this.unlearner = unlearner;
    this.artifacts = artifacts;
    this.listener = listener;
    this.supervision = Supervision.DEFAULT;
    this.loop = new Thread(this::run, "lethe-worker-" + settings.transactionalId());
  }

  public void start() {
    loop.start();
  }

  private void run() {
    while (running) {
      try {
        if (consumer == null) {
          open();
        }
        while (running) {
          for (ConsumerRecord<String, UnlearningBatch> record : poll(Duration.ofMillis(500))) {
            handle(record);
          }
        }
      } catch (ProducerFencedException e) {
        log.error(
            "Worker {} was fenced: another processor uses the same transactional id (give each"
                + " instance its own LETHE_INSTANCE_ID); stopping",
            settings.transactionalId());
        return;
      } catch (org.apache.kafka.common.errors.WakeupException e) {
        // close() was called
      } catch (Throwable e) {
        // Outside any batch (opening clients, polling): start over with fresh clients. Leaving the
        // group lets a batch in hand move on; the open transaction, if any, is aborted by the
        // next initTransactions with this transactional id.
        log.error(
            "Worker {} failed outside a batch; reopening its clients in {} ms",
            settings.transactionalId(),
            supervision.backoff(1).toMillis(),
            e);
        closeClients();
        sleepQuietly(supervision.backoff(1));
        lastPollNanos = System.nanoTime();
      }
    }
  }

  private void open() {
    versions =
        new VersionLog(
            settings.bootstrapServers(), settings.clientConfig(), topics.modelVersions, artifacts);
    producer = newProducer();
    Map<String, Object> consumerConfig = new HashMap<>(settings.clientConfig());
    consumerConfig.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
    consumerConfig.put(ConsumerConfig.GROUP_ID_CONFIG, settings.groupId());
    consumerConfig.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    consumerConfig.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    consumerConfig.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    consumerConfig.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1);
    consumer =
        new KafkaConsumer<>(
            consumerConfig,
            topics.unlearningBatches.keySerde().deserializer(),
            topics.unlearningBatches.valueSerde().deserializer());
    consumer.subscribe(
        List.of(topics.unlearningBatches.name()),
        new ConsumerRebalanceListener() {
          @Override
          public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            // Runs inside poll(), also the heartbeat polls while a batch is being unlearned: the
            // batch's new owner re-runs it, so this instance must not commit it.
            TopicPartition batch = inHand;
            if (batch != null && partitions.contains(batch)) {
              inHandRevoked = true;
            }
          }

          @Override
          public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            log.info("Worker {} assigned {}", settings.transactionalId(), partitions);
          }
        });
    listener.clientsOpened(consumer, producer);
    log.info("Unlearning worker {} started", settings.transactionalId());
  }

  private KafkaProducer<String, Object> newProducer() {
    Map<String, Object> producerConfig = new HashMap<>(settings.clientConfig());
    producerConfig.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
    producerConfig.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, settings.transactionalId());
    producerConfig.put(ProducerConfig.ACKS_CONFIG, "all");
    KafkaProducer<String, Object> created =
        new KafkaProducer<>(
            producerConfig,
            new org.apache.kafka.common.serialization.StringSerializer(),
            new PerTopicSerializer(topics));
    try {
      created.initTransactions(); // fences older instances and aborts their open transactions
    } catch (RuntimeException e) {
      created.close(Duration.ZERO);
      throw e;
    }
    return created;
  }

  /**
   * Why the worker is not doing its work, if it is not: its thread has ended (fenced, closed) or
   * has not polled for {@code limit} (hung in something that does not return).
   */
  public java.util.Optional<String> problem(Duration limit) {
    if (!loop.isAlive()) {
      return java.util.Optional.of("the unlearning worker's thread has stopped");
    }
    long silent = System.nanoTime() - lastPollNanos;
    if (silent > limit.toNanos()) {
      return java.util.Optional.of(
          "the unlearning worker has not polled for "
              + Duration.ofNanos(silent).toSeconds()
              + " s");
    }
    return java.util.Optional.empty();
  }

  private Iterable<ConsumerRecord<String, UnlearningBatch>> poll(Duration timeout) {
    lastPollNanos = System.nanoTime();
    try {
      return consumer.poll(timeout);
    } catch (RecordDeserializationException e) {
      // Batches come from our own topology; an unreadable one is logged and skipped, not retried
      // forever.
      log.error(
          "Skipping unreadable batch at {}@{}: {}", e.topicPartition(), e.offset(), e.getMessage());
      commitOffsetOnly(e.topicPartition(), e.offset() + 1);
      return List.of();
    }
  }

  private void handle(ConsumerRecord<String, UnlearningBatch> record) throws Exception {
    TopicPartition partition = new TopicPartition(record.topic(), record.partition());
    inHand = partition;
    inHandRevoked = false;
    try {
      supervised(record, partition);
    } catch (BatchAbandoned e) {
      log.info(
          "Batch {} abandoned, not committed: {}", record.value().getBatchId(), e.getMessage());
      listener.abandoned(record.value());
    } finally {
      inHand = null;
    }
  }

  /**
   * Runs a batch; an attempt that fails outside the engine's own verdict (an unreadable parent
   * artifact, a full disk, an exception while publishing, a transient engine failure) is retried
   * with backoff, and after the last attempt the batch is published FAILED with the reason, so the
   * worker goes on with the next one. Nothing thrown here ends the worker, not even an Error.
   */
  private void supervised(ConsumerRecord<String, UnlearningBatch> record, TopicPartition partition)
      throws BatchAbandoned {
    UnlearningBatch batch = record.value();
    for (int attempt = 1; running; attempt++) {
      try {
        handle(record, partition);
        return;
      } catch (BatchAbandoned
          | ProducerFencedException
          | org.apache.kafka.common.errors.WakeupException e) {
        throw e;
      } catch (Throwable e) {
        abortOpenTransaction();
        String reason = Supervision.describe(e);
        if (attempt >= supervision.maxAttempts()) {
          log.error(
              "Batch {} failed {} times; publishing it FAILED", batch.getBatchId(), attempt, e);
          publishFailedOrRetryLater(
              batch, partition, record.offset(), "failed " + attempt + " times: " + reason);
          return;
        }
        Duration wait = supervision.backoff(attempt);
        log.warn(
            "Batch {} attempt {} of {} failed ({}); retrying in {} ms",
            batch.getBatchId(),
            attempt,
            supervision.maxAttempts(),
            reason,
            wait.toMillis());
        keepAliveFor(wait);
      }
    }
  }

  /**
   * Publishes the batch FAILED; when even that fails (Kafka away), seeks back so the batch comes
   * round again after a backoff, rather than being skipped or ending the worker.
   */
  private void publishFailedOrRetryLater(
      UnlearningBatch batch, TopicPartition partition, long offset, String reason)
      throws BatchAbandoned {
    try {
      publish(batch, partition, offset, null, reason);
    } catch (BatchAbandoned
        | ProducerFencedException
        | org.apache.kafka.common.errors.WakeupException e) {
      throw e;
    } catch (Throwable e) {
      abortOpenTransaction();
      log.error(
          "Could not publish batch {} FAILED either; it comes round again", batch.getBatchId());
      keepAliveFor(supervision.backoff(supervision.maxAttempts()));
      if (consumer.assignment().contains(partition)) {
        consumer.seek(partition, offset);
      }
    }
  }

  /** Aborts the transaction an attempt left open, or replaces a producer that cannot abort. */
  private void abortOpenTransaction() {
    if (!inTransaction) {
      return;
    }
    inTransaction = false;
    try {
      producer.abortTransaction();
    } catch (ProducerFencedException e) {
      throw e;
    } catch (RuntimeException e) {
      log.warn("Could not abort the open transaction ({}); replacing the producer", e.toString());
      producer.close(Duration.ZERO);
      producer = newProducer();
    }
  }

  /** Waits while keeping the group membership (paused polls), as a batch in hand does. */
  private void keepAliveFor(Duration wait) throws BatchAbandoned {
    long until = System.nanoTime() + wait.toNanos();
    Set<TopicPartition> paused = consumer.assignment();
    consumer.pause(paused);
    try {
      while (running && System.nanoTime() < until) {
        consumer.poll(Duration.ofMillis(Math.min(200, Math.max(1, wait.toMillis()))));
        lastPollNanos = System.nanoTime();
        checkStillOwned();
      }
    } finally {
      consumer.resume(consumer.assignment());
    }
  }

  private static void sleepQuietly(Duration wait) {
    try {
      Thread.sleep(wait.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void handle(ConsumerRecord<String, UnlearningBatch> record, TopicPartition partition)
      throws Exception {
    batchStartedNanos = System.nanoTime();
    UnlearningBatch batch = record.value();
    versions.catchUp();
    if (versions.applied(batch.getBatchId())) {
      log.info("Batch {} was already applied; skipping", batch.getBatchId());
      commitOffsetOnly(partition, record.offset() + 1);
      return;
    }
    ModelVersion current = versions.latestGood(batch.getModelId()).orElse(null);
    if (current == null) {
      publish(batch, partition, record.offset(), null, "model has no verified version to build on");
      return;
    }
    ForgetLedger before = artifacts.ledger(current);
    BatchTriage triage;
    try {
      triage = runOffThread(() -> triage(batch, before));
    } catch (ExecutionException e) {
      log.error("Reading the training data of batch {} failed", batch.getBatchId(), e.getCause());
      publish(batch, partition, record.offset(), null, "unlearning failed: " + e.getCause());
      return;
    }
    if (!triage.refused().isEmpty()) {
      log.warn(
          "Batch {}: {} request(s) refused alone, the rest go on: {}",
          batch.getBatchId(),
          triage.refused().size(),
          triage.refused().values().iterator().next());
    }
    List<BatchedRequest> present = triage.present();
    if (present.isEmpty()) {
      // Nothing to erase: no version is made; every request is answered NOT_PRESENT, or FAILED
      // when it was refused.
      publish(batch, triage, partition, record.offset(), null, null, Map.of());
      return;
    }
    // Numbers are never reused, so a re-run after a crash gets the same one (and the same guard).
    int number = versions.highestVersion(batch.getModelId()) + 1;
    Unlearner.Job job = job(batch, present, before, parentWeights(current), number);
    Unlearner.Outcome outcome;
    try {
      outcome = runOffThread(() -> unlearner.unlearn(job));
    } catch (ExecutionException e) {
      if (Supervision.isTransient(e.getCause())) {
        throw new TransientFailure("the engine failed transiently", e.getCause());
      }
      log.error("Unlearning batch {} failed", batch.getBatchId(), e.getCause());
      publish(batch, partition, record.offset(), null, "unlearning failed: " + e.getCause());
      return;
    }
    Artifact artifact = store(outcome.weights());
    artifacts.putManifest(batch.getModelId(), number, job.after().toText());
    ModelVersion version =
        ModelVersion.newBuilder()
            .setModelId(batch.getModelId())
            .setVersion(number)
            .setParentVersion(current.getVersion())
            .setBatchId(batch.getBatchId())
            .setRequestIds(requestIds(present))
            .setStatus(outcome.status())
            .setFailureReason(outcome.failureReason())
            .setMethod(outcome.method())
            .setDevice(outcome.device())
            .setArtifact(artifact)
            .setMetrics(outcome.metrics())
            .setCreatedAt(Instant.now())
            .build();
    Map<String, TrainingLineage> lineage =
        VersionLog.applies(version.getStatus())
            ? lineageAfter(present, batch.getModelId(), job.after())
            : Map.of();
    publish(batch, triage, partition, record.offset(), version, outcome.failureReason(), lineage);
  }

  /**
   * The lineage records of the subjects a passed version erased, as they stand once it is committed
   * (null: a tombstone, the subject's data is gone from every model).
   */
  private Map<String, TrainingLineage> lineageAfter(
      List<BatchedRequest> present, String modelId, ForgetLedger after) {
    Map<String, TrainingLineage> out = new HashMap<>();
    Instant now = Instant.now();
    for (BatchedRequest r : present) {
      if (r.getSubjectId() != null && !out.containsKey(r.getSubjectId())) {
        out.put(
            r.getSubjectId(),
            SubjectLineage.current(
                r.getSubjectId(),
                unlearner,
                m ->
                    m.equals(modelId)
                        ? after
                        : versions.latestGood(m).map(artifacts::ledger).orElse(ForgetLedger.EMPTY),
                now));
      }
    }
    return out;
  }

  /**
   * Which of the batch's requests name a sample or class the model was trained on and has not
   * forgotten yet (the others are answered NOT_PRESENT), and which are refused ({@link
   * BatchTriage}).
   */
  private BatchTriage triage(UnlearningBatch batch, ForgetLedger before) {
    Set<Long> samples = new LinkedHashSet<>();
    Set<Integer> classes = new LinkedHashSet<>();
    for (BatchedRequest r : batch.getRequests()) {
      samples.addAll(r.getSampleIds());
      classes.addAll(r.getClassLabels());
    }
    // Every class of the output, so the triage knows how many the model has rows of.
    int outputs = unlearner.facts(batch.getModelId()).numClasses();
    for (int c = 0; c < outputs; c++) {
      classes.add(c);
    }
    Unlearner.Trained trained = unlearner.trainedOn(batch.getModelId(), samples, classes);
    return BatchTriage.of(
        batch.getModelId(), batch.getRequests(), trained, before, trained.classLabels());
  }

  /**
   * The weights the batch builds on. A trained first version whose file is missing or corrupt is
   * re-derived by training it again (deterministic, seeded) and restored when the result has the
   * recorded sha256; any other unreadable parent fails the attempt (retried, then FAILED): its
   * weights came from a method run that cannot be reproduced without them.
   */
  private byte[] parentWeights(ModelVersion current) throws Exception {
    String sha = current.getArtifact().getSha256();
    try {
      return artifacts.read(sha);
    } catch (ArtifactStore.Unavailable e) {
      boolean trained = current.getParentVersion() == null && current.getBatchId() == null;
      if (!trained) {
        throw e;
      }
      log.warn(
          "{}; re-deriving {} v{} by training it again",
          e.getMessage(),
          current.getModelId(),
          current.getVersion());
      byte[] weights;
      try {
        weights =
            runOffThread(() -> unlearner.trainInitial(current.getModelId(), line -> {})).weights();
      } catch (ExecutionException failed) {
        throw new IllegalStateException(
            e.getMessage() + "; training it again failed", failed.getCause());
      }
      if (!ArtifactStore.sha256(weights).equals(sha)) {
        throw new IllegalStateException(
            e.getMessage() + "; training it again gave other weights, so it cannot be restored");
      }
      artifacts.put(weights);
      log.info("Restored the artifact of {} v{}", current.getModelId(), current.getVersion());
      return weights;
    }
  }

  private Unlearner.Job job(
      UnlearningBatch batch,
      List<BatchedRequest> present,
      ForgetLedger before,
      byte[] parent,
      int number) {
    Set<Long> samples = new LinkedHashSet<>();
    Set<Integer> classes = new LinkedHashSet<>();
    for (BatchedRequest r : present) {
      samples.addAll(r.getSampleIds());
      classes.addAll(r.getClassLabels());
    }
    return new Unlearner.Job(
        batch.getModelId(),
        batch.getBatchId(),
        parent,
        before,
        before.plus(samples, classes),
        samples,
        classes,
        number,
        firstWeights(batch.getModelId()));
  }

  /**
   * Reads version 1's weights for the drift guard, when asked (the planner caches what it needs
   * from them, so this runs about once per model); null when the log knows no version 1.
   */
  private java.util.function.Supplier<byte[]> firstWeights(String modelId) {
    return versions
        .first(modelId)
        .<java.util.function.Supplier<byte[]>>map(
            v -> () -> artifacts.read(v.getArtifact().getSha256()))
        .orElse(null);
  }

  /** Runs engine work on its own thread while this thread keeps the consumer alive. */
  private <T> T runOffThread(java.util.concurrent.Callable<T> work) throws Exception {
    Future<T> future = engine.submit(work);
    Set<TopicPartition> paused = consumer.assignment();
    consumer.pause(paused);
    try {
      while (true) {
        try {
          return future.get(200, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
          consumer.poll(Duration.ZERO); // heartbeat-safe: returns nothing while paused
          lastPollNanos = System.nanoTime();
          checkStillOwned();
        }
      }
    } finally {
      consumer.resume(consumer.assignment());
    }
  }

  /** Throws when a rebalance took the batch's partition away (the engine's result is dropped). */
  private void checkStillOwned() throws BatchAbandoned {
    if (inHandRevoked) {
      throw new BatchAbandoned("its partition " + inHand + " was revoked mid-batch");
    }
  }

  private Artifact store(byte[] weights) {
    ArtifactStore.ArtifactRef ref = artifacts.put(weights);
    return new Artifact(ref.uri(), ref.sha256(), ref.sizeBytes());
  }

  /**
   * {@link #publish(UnlearningBatch, List, TopicPartition, long, ModelVersion, String)} for a batch
   * whose every request took part.
   */
  private void publish(
      UnlearningBatch batch,
      TopicPartition partition,
      long offset,
      ModelVersion version,
      String failure)
      throws BatchAbandoned {
    publish(
        batch,
        new BatchTriage(batch.getRequests(), Map.of()),
        partition,
        offset,
        version,
        failure,
        Map.of());
  }

  /**
   * One transaction: the version (if any), a receipt per request (APPLIED when the version passed
   * verification, FAILED otherwise; FAILED with its own reason for a request the triage refused;
   * NOT_PRESENT for any other request not in its {@code present}), and the input offset; with them
   * the lineage records the version changed ({@code lineage}, null values are tombstones).
   */
  private void publish(
      UnlearningBatch batch,
      BatchTriage triage,
      TopicPartition partition,
      long offset,
      ModelVersion version,
      String failure,
      Map<String, TrainingLineage> lineage)
      throws BatchAbandoned {
    checkStillOwned();
    boolean applied = version != null && VersionLog.applies(version.getStatus());
    List<BatchedRequest> present = triage.present();
    Set<String> presentIds = new LinkedHashSet<>(requestIds(present));
    long now = System.currentTimeMillis();
    producer.beginTransaction();
    inTransaction = true;
    try {
      if (version != null) {
        producer.send(
            new ProducerRecord<>(topics.modelVersions.name(), version.getModelId(), version));
      }
      lineage.forEach(
          (subject, record) ->
              producer.send(new ProducerRecord<>(topics.trainingLineage.name(), subject, record)));
      for (String requestId : requestIds(batch.getRequests())) {
        RequestReceipt receipt;
        String refusal = triage.refused().get(requestId);
        if (refusal != null) {
          receipt = Receipts.of(requestId, ReceiptStatus.FAILED, now);
          receipt.setReason(refusal);
        } else if (!presentIds.contains(requestId)) {
          receipt = Receipts.of(requestId, ReceiptStatus.NOT_PRESENT, now);
          receipt.setReason(
              "the training data of " + batch.getModelId() + " holds nothing the request names");
        } else {
          receipt =
              Receipts.of(requestId, applied ? ReceiptStatus.APPLIED : ReceiptStatus.FAILED, now);
          if (version != null) {
            receipt.setModelVersion(version.getVersion());
          }
          if (!applied) {
            receipt.setReason(failure == null ? "verification failed" : failure);
          }
        }
        receipt.setModelId(batch.getModelId());
        receipt.setBatchId(batch.getBatchId());
        producer.send(new ProducerRecord<>(topics.requestReceipts.name(), requestId, receipt));
      }
      producer.sendOffsetsToTransaction(
          Map.of(partition, new OffsetAndMetadata(offset + 1)), consumer.groupMetadata());
      listener.beforeCommit(batch, version);
      producer.commitTransaction();
      inTransaction = false;
    } catch (ProducerFencedException e) {
      throw e;
    } catch (KafkaException e) {
      log.warn(
          "Transaction for batch {} failed; it will be retried: {}",
          batch.getBatchId(),
          e.toString());
      abortOpenTransaction();
      if (!consumer.assignment().contains(partition)) {
        // Revoked while committing: the new owner has the batch (seek would throw here).
        throw new BatchAbandoned("its partition " + partition + " was revoked while committing");
      }
      consumer.seek(partition, offset);
      return;
    }
    versions.remember(version);
    if (version != null) {
      log.info(
          "Published {} v{} ({}, {}) for batch {} in {} ms (method {} ms)",
          version.getModelId(),
          version.getVersion(),
          version.getMethod(),
          version.getStatus(),
          batch.getBatchId(),
          (System.nanoTime() - batchStartedNanos) / 1_000_000,
          version.getMetrics() == null ? 0 : version.getMetrics().getDurationMillis());
    } else if (present.isEmpty()) {
      log.info(
          "Batch {} names nothing {} still holds: NOT_PRESENT ({} refused), no version",
          batch.getBatchId(),
          batch.getModelId(),
          triage.refused().size());
    } else {
      log.warn("Batch {} FAILED: {}", batch.getBatchId(), failure);
    }
    listener.committed(batch, version);
  }

  private void commitOffsetOnly(TopicPartition partition, long nextOffset) {
    producer.beginTransaction();
    inTransaction = true;
    producer.sendOffsetsToTransaction(
        Map.of(partition, new OffsetAndMetadata(nextOffset)), consumer.groupMetadata());
    producer.commitTransaction();
    inTransaction = false;
  }

  private static List<String> requestIds(List<BatchedRequest> requests) {
    List<String> ids = new ArrayList<>();
    for (BatchedRequest r : requests) {
      ids.add(r.getRequestId());
    }
    return ids;
  }

  /** Closes the consumer (leaving the group) and the producer, so {@link #open} starts afresh. */
  private void closeClients() {
    inTransaction = false;
    if (consumer != null) {
      try {
        consumer.close(Duration.ZERO);
      } catch (RuntimeException e) {
        log.debug("closing the consumer: {}", e.toString());
      }
      consumer = null;
    }
    if (producer != null) {
      try {
        producer.close(Duration.ZERO);
      } catch (RuntimeException e) {
        log.debug("closing the producer: {}", e.toString());
      }
      producer = null;
    }
    if (versions != null) {
      versions.close();
      versions = null;
    }
  }

  @Override
  public void close() {
    running = false;
    if (consumer != null) {
      consumer.wakeup();
    }
    try {
      loop.join(30_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    engine.shutdownNow();
    if (consumer != null) {
      consumer.close(Duration.ofSeconds(5));
    }
    if (producer != null) {
      producer.close(Duration.ofSeconds(5));
    }
    if (versions != null) {
      versions.close();
    }
  }

  /**
   * Values of several Avro types through one transactional producer, each with its topic's serde.
   */
  private static final class PerTopicSerializer
      implements org.apache.kafka.common.serialization.Serializer<Object> {
    private final LetheTopics topics;

    PerTopicSerializer(LetheTopics topics) {
      this.topics = topics;
    }

    @Override
    public byte[] serialize(String topic, Object value) {
      if (topic.equals(topics.modelVersions.name())) {
        return topics
            .modelVersions
            .valueSerde()
            .serializer()
            .serialize(topic, (ModelVersion) value);
      }
      if (value == null) {
        return null; // a tombstone
      }
      if (topic.equals(topics.trainingLineage.name())) {
        return topics
            .trainingLineage
            .valueSerde()
            .serializer()
            .serialize(topic, (TrainingLineage) value);
      }
      if (topic.equals(topics.requestReceipts.name())) {
        return topics
            .requestReceipts
            .valueSerde()
            .serializer()
            .serialize(topic, (RequestReceipt) value);
      }
      throw new IllegalArgumentException("the worker does not write to " + topic);
    }
  }
}
