package io.lethe.processor.engine.method;

import io.lethe.processor.engine.model.ClassifierModel;
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
    model =
        original
            .architecture()
            .retrain(original, task.retain(), task.trainingConfig(), task.seed());
    notes.put("epochs", String.valueOf(task.trainingConfig().epochs()));
    notes.put("retainSize", String.valueOf(task.retain().size()));
    return new UnlearningResult(model, name(), (System.nanoTime() - start) / 1_000_000, notes);
  }
}
