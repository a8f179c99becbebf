package io.lethe.processor.engine.method;

import io.lethe.processor.engine.model.ClassifierModel;

/**
 * Retraining from scratch on the retain set: the exact oracle. Same architecture, training config
 * and seed as the original. For the random-features linear model it refits the head from the
 * original's own initial weights (same projection, same w0), so it is the exact reference MUSO is
 * compared with. No settings: the task's training config is the recipe.
 */
public final class Retrain extends AbstractUnlearningMethod<Retrain.Settings> {

  public static final String NAME = "retrain";

  /** None: retraining follows the task's training config. */
  public record Settings() {
    public static final Settings DEFAULTS = new Settings();
  }

  public Retrain() {
    super(NAME, Settings.DEFAULTS);
  }

  /** The retrained model is the working model: built from scratch, not copied. */
  @Override
  protected ClassifierModel startingModel(UnlearningTask task, Settings settings) {
    ClassifierModel original = task.original();
    return original
        .architecture()
        .retrain(original, task.retain(), task.trainingConfig(), task.seed());
  }

  @Override
  protected void run(Run<Settings> run) {
    run.note("epochs", run.task().trainingConfig().epochs());
    run.note("retainSize", run.task().retain().size());
  }
}
