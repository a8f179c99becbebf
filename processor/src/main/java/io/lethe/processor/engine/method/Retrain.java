package io.lethe.processor.engine.method;

import io.lethe.processor.engine.model.Architecture;
import io.lethe.processor.engine.model.ClassifierModel;
import io.lethe.processor.engine.model.ModelTrainer;
import io.lethe.processor.engine.model.RandomFeatures;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Retraining from scratch on the retain set: the exact oracle. Same architecture, training config
 * and seed as the original. For the random-features linear model it refits the head from the
 * original's own initial weights (same projection, same w0), so it is the exact reference MUSO is
 * compared with.
 */
public final class Retrain implements UnlearningMethod {

  @Override
  public String name() {
    return "retrain";
  }

  @Override
  public UnlearningResult unlearn(UnlearningTask task) {
    checkScope(task);
    long start = System.nanoTime();
    ClassifierModel original = task.original();
    Map<String, String> notes = new LinkedHashMap<>();
    ClassifierModel model;
    if (original.architecture() == Architecture.RANDOM_FEATURES_LINEAR) {
      model = original.copy();
      try {
        model.setHeadWeights(original.initialHeadWeights());
        RandomFeatures.fitFromInitial(model, task.retain());
      } catch (RuntimeException e) {
        model.close();
        throw e;
      }
      notes.put("init", "original's initial head weights");
    } else {
      model =
          ModelTrainer.train(
              original.architecture(), task.retain(), task.trainingConfig(), task.seed());
      notes.put("epochs", String.valueOf(task.trainingConfig().epochs()));
    }
    notes.put("retainSize", String.valueOf(task.retain().size()));
    return new UnlearningResult(model, name(), (System.nanoTime() - start) / 1_000_000, notes);
  }
}
