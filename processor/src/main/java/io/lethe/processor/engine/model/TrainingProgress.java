package io.lethe.processor.engine.model;

/** Called after each training epoch (for progress output). */
@FunctionalInterface
public interface TrainingProgress {

  /** Ignores progress. */
  TrainingProgress NONE = (epoch, loss, accuracy) -> {};

  /**
   * @param epoch 1-based epoch just finished
   * @param loss mean training loss of the epoch
   * @param accuracy training accuracy over the epoch's batches
   */
  void onEpoch(int epoch, double loss, double accuracy);
}
