package io.lethe.processor.worker;

import io.lethe.avro.VerificationMetrics;
import io.lethe.avro.VerificationStatus;
import java.util.Set;

/**
 * What the worker needs from the unlearning engine: turn the current weights into weights that
 * exclude the batch, verified. Implementations know nothing of Kafka and must be deterministic for
 * the same job (a re-run after a crash gives the same result).
 */
public interface Unlearner {

  Outcome unlearn(Job job);

  /** Called once on the thread that will run every job (device set-up). */
  default void prepareThread() {}

  /** Who owns the model's training data (for lineage), and its number of classes. */
  ModelFacts facts(String modelId);

  /** The models this unlearner manages. */
  java.util.List<String> modelIds();

  /** Trains a model's first version; {@code progress} receives human-readable lines. */
  Outcome trainInitial(String modelId, java.util.function.Consumer<String> progress);

  /**
   * @param before what the current version already excludes
   * @param after what the new version must exclude (before + this batch)
   */
  record Job(
      String modelId,
      String batchId,
      byte[] currentWeights,
      ForgetLedger before,
      ForgetLedger after,
      Set<Long> batchSampleIds,
      Set<Integer> batchClassLabels) {}

  record Outcome(
      byte[] weights,
      VerificationStatus status,
      String failureReason,
      VerificationMetrics metrics,
      String method,
      String device) {}

  /**
   * @param samplesBySubject the training sample ids of each data subject (the user's subject ids)
   */
  record ModelFacts(
      String modelId, int numClasses, java.util.Map<String, long[]> samplesBySubject) {}
}
