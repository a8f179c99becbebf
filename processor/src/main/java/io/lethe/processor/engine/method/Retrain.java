package io.lethe.processor.engine.method;

import io.lethe.processor.engine.model.ClassifierModel;

/**
 * Retraining from scratch on the retain set: the exact oracle. Same architecture, training config
 * and seed as the original. For the random-features linear model it refits the head from the
 * original's own initial weights (same projection, same w0), so it is the exact reference MUSO is
 * compared with. No settings: the task's training config is the recipe. For CLASS scope the
 * forgotten classes are then taken out of the output space ({@link ClassifierModel#removeClasses}):
 * retraining alone leaves them some probability on inputs that look like them, and forgetting a
 * class means the model no longer answers it.
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
    ClassifierModel model =
        original
            .architecture()
            .retrain(original, task.retain(), task.trainingConfig(), task.seed());
    if (task.scope() == ForgetScope.CLASS) {
      try {
        model.removeClasses(task.forgetClasses());
      } catch (RuntimeException e) {
        model.close();
        throw e;
      }
    }
    return model;
  }

  @Override
  protected void run(Run<Settings> run) {
    run.note("epochs", run.task().trainingConfig().epochs());
    run.note("retainSize", run.task().retain().size());
    if (run.task().scope() == ForgetScope.CLASS && run.model().architecture().headBias()) {
      run.note("removedClasses", run.task().forgetClasses());
    }
  }
}
