package io.lethe.processor.worker;

import io.lethe.avro.ModelVersion;
import io.lethe.avro.UnlearningBatch;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.producer.Producer;

/** Observes the worker's steps (progress output, metrics, and fault injection in tests). */
public interface WorkerListener {
  WorkerListener NONE = new WorkerListener() {};

  /**
   * After unlearning and sending, before the transaction commits. Throwing here fails the attempt:
   * the transaction is aborted and the batch retried with backoff, then published FAILED.
   */
  default void beforeCommit(UnlearningBatch batch, ModelVersion version) {}

  /** After the version, its receipts and the input offset were committed together. */
  default void committed(UnlearningBatch batch, ModelVersion version) {}

  /**
   * A batch was given up without committing anything: its partition was revoked meanwhile, so its
   * new owner runs it.
   */
  default void abandoned(UnlearningBatch batch) {}

  /** Once, when the worker has created its consumer and its transactional producer (metrics). */
  default void clientsOpened(Consumer<?, ?> consumer, Producer<?, ?> producer) {}

  /** Both listeners, {@code first} first. */
  static WorkerListener both(WorkerListener first, WorkerListener second) {
    return new WorkerListener() {
      @Override
      public void beforeCommit(UnlearningBatch batch, ModelVersion version) {
        first.beforeCommit(batch, version);
        second.beforeCommit(batch, version);
      }

      @Override
      public void committed(UnlearningBatch batch, ModelVersion version) {
        first.committed(batch, version);
        second.committed(batch, version);
      }

      @Override
      public void abandoned(UnlearningBatch batch) {
        first.abandoned(batch);
        second.abandoned(batch);
      }

      @Override
      public void clientsOpened(Consumer<?, ?> consumer, Producer<?, ?> producer) {
        first.clientsOpened(consumer, producer);
        second.clientsOpened(consumer, producer);
      }
    };
  }
}
