package io.lethe.processor.metrics;

import io.lethe.avro.BatchedRequest;
import io.lethe.avro.ModelVersion;
import io.lethe.avro.UnlearningBatch;
import io.lethe.avro.VerificationMetrics;
import io.lethe.processor.topology.RejectionKind;
import io.lethe.processor.topology.TopologyEvents;
import io.lethe.processor.worker.WorkerListener;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.function.BiConsumer;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.producer.Producer;

/**
 * Turns what the topology and the worker report into {@link LetheMetrics}. A request is pending
 * from the moment it joins a model's open batch until its batch is committed by the worker; the
 * bridge keeps that count per model (in memory: it restarts at zero with the process).
 */
public final class MetricsBridge implements TopologyEvents, WorkerListener {
  private final LetheMetrics metrics;
  private final BiConsumer<Consumer<?, ?>, Producer<?, ?>> workerClients;
  private final Map<String, Open> open = new HashMap<>();
  private final Map<String, UnlearningBatch> inFlight = new HashMap<>();

  private record Open(int pending, Instant since, Instant earliestDeadline) {}

  public MetricsBridge(LetheMetrics metrics) {
    this(metrics, (consumer, producer) -> {});
  }

  /**
   * @param workerClients given the worker's Kafka clients once it has created them, to bind their
   *     metrics
   */
  public MetricsBridge(
      LetheMetrics metrics, BiConsumer<Consumer<?, ?>, Producer<?, ?>> workerClients) {
    this.metrics = metrics;
    this.workerClients = workerClients;
  }

  @Override
  public void clientsOpened(Consumer<?, ?> consumer, Producer<?, ?> producer) {
    workerClients.accept(consumer, producer);
  }

  @Override
  public void received() {
    metrics.requestReceived();
  }

  @Override
  public void duplicate() {
    metrics.requestDuplicate();
  }

  @Override
  public void rejected(RejectionKind kind) {
    metrics.requestRejected(kind);
  }

  @Override
  public synchronized void openBatchChanged(
      String modelId, int pending, Instant since, Instant earliestDeadline) {
    if (pending == 0) {
      open.remove(modelId);
    } else {
      open.put(modelId, new Open(pending, since, earliestDeadline));
    }
    publishPending(modelId);
  }

  @Override
  public synchronized void batchClosed(UnlearningBatch batch) {
    metrics.batchClosed(
        batch.getModelId(), batch.getRequests().size(), batch.getCloseReason().name());
    inFlight.put(batch.getBatchId(), batch);
    publishPending(batch.getModelId());
  }

  @Override
  public synchronized void committed(UnlearningBatch batch, ModelVersion version) {
    inFlight.remove(batch.getBatchId());
    publishPending(batch.getModelId());
    Instant now = Instant.now();
    for (BatchedRequest r : batch.getRequests()) {
      if (r.getDeadline() != null && r.getDeadline().isBefore(now)) {
        metrics.deadlineBreached(batch.getModelId());
      }
    }
    if (version == null) {
      metrics.verificationOutcome(batch.getModelId(), "FAILED");
      return;
    }
    VerificationMetrics m = version.getMetrics();
    metrics.versionPublished(version.getModelId());
    metrics.verificationOutcome(version.getModelId(), version.getStatus().name());
    metrics.unlearningDuration(
        version.getMethod(), version.getDevice(), Duration.ofMillis(m.getDurationMillis()));
    metrics.modelQuality(
        version.getModelId(),
        orNaN(m.getForgetAccuracy()),
        orNaN(m.getRetainAccuracy()),
        orNaN(m.getTestAccuracy()),
        orNaN(m.getMia()));
  }

  /** Pending = the open batch plus the closed batches the worker has not committed yet. */
  private void publishPending(String modelId) {
    Open o = open.get(modelId);
    int pending = o == null ? 0 : o.pending();
    Instant oldest = o == null ? null : o.since();
    Instant earliestDeadline = o == null ? null : o.earliestDeadline();
    for (UnlearningBatch b : inFlight.values()) {
      if (!b.getModelId().equals(modelId)) {
        continue;
      }
      pending += b.getRequests().size();
      oldest = earliest(oldest, b.getCreatedAt());
      for (BatchedRequest r : b.getRequests()) {
        earliestDeadline = earliest(earliestDeadline, r.getDeadline());
      }
    }
    metrics.pendingChanged(modelId, pending, oldest, earliestDeadline);
  }

  private static Instant earliest(Instant a, Instant b) {
    return a == null ? b : b == null || a.isBefore(b) ? a : b;
  }

  private static double orNaN(Double value) {
    return value == null ? Double.NaN : value;
  }
}
