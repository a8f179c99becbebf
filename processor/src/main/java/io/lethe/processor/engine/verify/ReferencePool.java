package io.lethe.processor.engine.verify;

import io.lethe.processor.engine.method.UnlearningTask;
import io.lethe.processor.engine.model.ClassifierModel;
import java.util.ArrayList;
import java.util.List;

/**
 * Reference models for the per-example membership test: each an exact retraining on the task's
 * retain set with the task's recipe and its own seed, so together they are samples of "a model that
 * never saw the forget set" as the exact oracle is one. Costs {@code size} retrainings; built for
 * one batch and closed after its verification, so no model trained on erased data outlives the
 * batch (a pool kept across batches would have been trained on every later deletion).
 */
public final class ReferencePool implements AutoCloseable {

  /** Seeds of the reference models are the task's seed plus multiples of this. */
  private static final long SEED_STRIDE = 7_919;

  private final List<ClassifierModel> models;
  private final long millis;

  private ReferencePool(List<ClassifierModel> models, long millis) {
    this.models = models;
    this.millis = millis;
  }

  /** No reference models (the per-example test off). */
  public static ReferencePool empty() {
    return new ReferencePool(List.of(), 0);
  }

  /** Trains {@code size} reference models for {@code task} (none when {@code size} is 0). */
  public static ReferencePool train(UnlearningTask task, int size) {
    if (size < 0 || size > 64) {
      throw new IllegalArgumentException("a pool of 0 to 64 models, got " + size);
    }
    long started = System.currentTimeMillis();
    List<ClassifierModel> out = new ArrayList<>();
    try {
      for (int k = 1; k <= size; k++) {
        ClassifierModel original = task.original();
        out.add(
            original
                .architecture()
                .retrain(
                    original, task.retain(), task.trainingConfig(), task.seed() + k * SEED_STRIDE));
      }
    } catch (RuntimeException e) {
      out.forEach(ClassifierModel::close);
      throw e;
    }
    return new ReferencePool(List.copyOf(out), System.currentTimeMillis() - started);
  }

  public List<ClassifierModel> models() {
    return models;
  }

  public int size() {
    return models.size();
  }

  /** Wall time spent training the pool. */
  public long millis() {
    return millis;
  }

  @Override
  public void close() {
    models.forEach(ClassifierModel::close);
  }
}
