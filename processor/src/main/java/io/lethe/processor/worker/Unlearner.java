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

  /**
   * Which of {@code sampleIds} and {@code classLabels} the model's training data holds: a request
   * naming none of them asks to erase what the model never learned from, so it gets a NOT_PRESENT
   * receipt and no version. By default everything counts as trained on (no version is skipped).
   */
  default Trained trainedOn(String modelId, Set<Long> sampleIds, Set<Integer> classLabels) {
    return new Trained(sampleIds, classLabels);
  }

  /** The training sample ids of one subject in one model (empty when it has none there). */
  default long[] samplesOf(String modelId, String subjectId) {
    long[] ids = facts(modelId).samplesBySubject().get(subjectId);
    return ids == null ? new long[0] : ids;
  }

  /** The models this unlearner manages. */
  java.util.List<String> modelIds();

  /** Trains a model's first version; {@code progress} receives human-readable lines. */
  Outcome trainInitial(String modelId, java.util.function.Consumer<String> progress);

  /**
   * @param before what the current version already excludes
   * @param after what the new version must exclude (before + this batch)
   * @param version the number the new version will get (0 when unknown: no periodic re-anchoring)
   * @param firstWeights reads version 1's weights, which the drift guard compares with (called at
   *     most once per model by a planner, which caches what it needs); null when unknown
   */
  record Job(
      String modelId,
      String batchId,
      byte[] currentWeights,
      ForgetLedger before,
      ForgetLedger after,
      Set<Long> batchSampleIds,
      Set<Integer> batchClassLabels,
      int version,
      java.util.function.Supplier<byte[]> firstWeights) {

    /**
     * A job whose version number and first version are unknown (the drift guard then only re-tests
     * the ledger).
     */
    public Job(
        String modelId,
        String batchId,
        byte[] currentWeights,
        ForgetLedger before,
        ForgetLedger after,
        Set<Long> batchSampleIds,
        Set<Integer> batchClassLabels) {
      this(
          modelId,
          batchId,
          currentWeights,
          before,
          after,
          batchSampleIds,
          batchClassLabels,
          0,
          null);
    }
  }

  /** The part of what a batch names that the model's training data holds. */
  record Trained(Set<Long> sampleIds, Set<Integer> classLabels) {
    public Trained {
      sampleIds = Set.copyOf(sampleIds);
      classLabels = Set.copyOf(classLabels);
    }

    /** Whether a request naming these samples and classes names anything trained on. */
    public boolean anyOf(
        java.util.Collection<Long> samples, java.util.Collection<Integer> classes) {
      return samples.stream().anyMatch(sampleIds::contains)
          || classes.stream().anyMatch(classLabels::contains);
    }
  }

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
