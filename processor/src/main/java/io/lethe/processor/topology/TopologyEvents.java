package io.lethe.processor.topology;

import io.lethe.avro.UnlearningBatch;

/** What the topology reports as it goes (metrics); every method defaults to doing nothing. */
public interface TopologyEvents {
  TopologyEvents NONE = new TopologyEvents() {};

  /** An input record arrived, valid or not. */
  default void received() {}

  default void duplicate() {}

  /** A record was refused; {@code reason} is the human-readable reason. */
  default void rejected(String reason) {}

  /** A model's open batch changed; {@code openBatch} is null when the model has none open. */
  default void openBatchChanged(String modelId, UnlearningBatch openBatch) {}

  default void batchClosed(UnlearningBatch batch) {}
}
