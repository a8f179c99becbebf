package io.lethe.processor.topology;

import io.lethe.avro.BatchedRequest;
import io.lethe.avro.RequestReceipt;
import io.lethe.avro.UnlearningBatch;

/**
 * What a processing step produced. Steps return data, never write to topics themselves; {@link
 * DeletionTopology} is the one place that routes each kind to its topic.
 */
public sealed interface Routed {

  /** A receipt for the request's life cycle, keyed by request id. */
  record Receipt(RequestReceipt receipt) implements Routed {}

  /**
   * An input record that cannot be processed: the original bytes; which step refused it and why
   * travel in the record's headers ({@link DeletionTopology#HEADER_REASON} and friends).
   */
  record DeadLetter(byte[] value) implements Routed {}

  /** A valid request resolved to one model, to be batched. */
  record Resolved(String modelId, BatchedRequest request) implements Routed {}

  /** A closed batch, keyed by model id. */
  record Batch(UnlearningBatch batch) implements Routed {}
}
