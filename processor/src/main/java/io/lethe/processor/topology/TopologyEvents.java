package io.lethe.processor.topology;

import io.lethe.avro.UnlearningBatch;
import java.time.Instant;

/** What the topology reports as it goes (metrics); every method defaults to doing nothing. */
public interface TopologyEvents {
  TopologyEvents NONE = new TopologyEvents() {};

  /** An input record arrived, valid or not. */
  default void received() {}

  default void duplicate() {}

  /** A record was refused, for the reason of this kind. */
  default void rejected(RejectionKind kind) {}

  /**
   * A model's open batch changed: {@code pending} requests (0 when it closed), the oldest since
   * {@code since}, the earliest deadline among them ({@code null} when none has one).
   */
  default void openBatchChanged(
      String modelId, int pending, Instant since, Instant earliestDeadline) {}

  default void batchClosed(UnlearningBatch batch) {}
}
