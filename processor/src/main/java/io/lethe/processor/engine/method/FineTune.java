package io.lethe.processor.engine.method;

import io.lethe.processor.engine.model.ModelTrainer;
import io.lethe.processor.engine.model.TrainingConfig;
import io.lethe.processor.engine.model.TrainingProgress;

/** Fine-tuning on the retain set only ("catastrophic forgetting" baseline). */
public final class FineTune extends AbstractUnlearningMethod<FineTune.Settings> {

  public static final String NAME = "finetune";

  /**
   * @param epochs passes over the retain set (default 2)
   * @param lr Adam's learning rate (default 1e-3)
   * @param batch samples per step (default 64)
   */
  public record Settings(int epochs, float lr, int batch) {
    public static final Settings DEFAULTS = new Settings(2, 1e-3f, 64);

    public Settings {
      MethodSupport.requireRange("epochs", epochs, 1, 10_000);
      MethodSupport.requirePositive("lr", lr);
      MethodSupport.requireRange("batch", batch, 1, 1 << 20);
    }
  }

  public FineTune() {
    super(NAME, Settings.DEFAULTS);
  }

  @Override
  protected void run(Run<Settings> run) {
    Settings s = run.settings();
    UnlearningTask task = run.task();
    TrainingConfig config =
        task.trainingConfig()
            .withEpochs(s.epochs())
            .withLearningRate(s.lr())
            .withBatchSize(s.batch());
    ModelTrainer.fit(run.model(), task.retain(), config, task.seed(), TrainingProgress.NONE);
  }

  /** Epochs over the retain set (cost) and the learning rate. */
  @Override
  public java.util.List<java.util.Map<String, String>> calibrationGrid(ForgetScope scope) {
    return java.util.List.of(
        java.util.Map.of("epochs", "1"), java.util.Map.of(), java.util.Map.of("lr", "3e-4"));
  }
}
