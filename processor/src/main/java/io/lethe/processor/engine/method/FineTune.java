package io.lethe.processor.engine.method;

import io.lethe.processor.engine.model.ClassifierModel;
import io.lethe.processor.engine.model.ModelTrainer;
import io.lethe.processor.engine.model.TrainingConfig;
import io.lethe.processor.engine.model.TrainingProgress;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Fine-tuning on the retain set only ("catastrophic forgetting" baseline). Settings: {@code epochs}
 * (2), {@code lr} (1e-3), {@code batch} (64).
 */
public final class FineTune implements UnlearningMethod {

  @Override
  public String name() {
    return "finetune";
  }

  @Override
  public UnlearningResult unlearn(UnlearningTask task) {
    checkScope(task);
    long start = System.nanoTime();
    Budget b = task.budget();
    TrainingConfig config =
        task.trainingConfig()
            .withEpochs(b.getInt("epochs", 2))
            .withLearningRate(b.getFloat("lr", 1e-3f))
            .withBatchSize(b.getInt("batch", 64));
    ClassifierModel model = task.original().copy();
    try {
      ModelTrainer.fit(model, task.retain(), config, task.seed(), TrainingProgress.NONE);
    } catch (RuntimeException e) {
      model.close();
      throw e;
    }
    Map<String, String> notes = new LinkedHashMap<>();
    notes.put("epochs", String.valueOf(config.epochs()));
    notes.put("lr", String.valueOf(config.learningRate()));
    return new UnlearningResult(model, name(), MethodSupport.millisSince(start), notes);
  }
}
