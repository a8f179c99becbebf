package io.lethe.processor.engine.method;

import io.lethe.processor.engine.model.ClassifierModel;
import io.lethe.processor.engine.model.ModelTrainer;
import io.lethe.processor.engine.model.TrainingProgress;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * SISA (Bourtoule et al. 2021): exact unlearning for an ensemble trained on disjoint shards (see
 * {@link ModelTrainer#trainSisa}). Only the members whose shard holds a forgotten sample are
 * re-initialized and retrained on their shard's retain data; the others are untouched. Shards
 * follow data subjects, so erasing one subject retrains one member. The original must be such an
 * ensemble.
 */
public final class Sisa implements UnlearningMethod {

  @Override
  public String name() {
    return "sisa";
  }

  @Override
  public UnlearningResult unlearn(UnlearningTask task) {
    checkScope(task);
    ClassifierModel original = task.original();
    if (!original.spec().isEnsemble()) {
      throw new IllegalArgumentException(
          "sisa needs a SISA ensemble trained with ModelTrainer.trainSisa; this model is a single "
              + original.architecture().name()
              + " network");
    }
    long start = System.nanoTime();
    int shards = original.spec().shards();
    Set<Integer> affected = new TreeSet<>();
    for (long id : task.forget().ids()) {
      affected.add(ModelTrainer.shardOf(id, shards));
    }
    ClassifierModel model = original.copy();
    try {
      for (int s : affected) {
        ModelTrainer.trainMember(
            model,
            s,
            ModelTrainer.shardData(task.retain(), s, shards),
            task.trainingConfig(),
            task.seed(),
            TrainingProgress.NONE);
      }
    } catch (RuntimeException e) {
      model.close();
      throw e;
    }
    Map<String, String> notes = new LinkedHashMap<>();
    notes.put("shards", String.valueOf(shards));
    notes.put("retrainedShards", String.valueOf(affected.size()));
    return new UnlearningResult(model, name(), MethodSupport.millisSince(start), notes);
  }
}
