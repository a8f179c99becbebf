package io.lethe.processor.engine.method;

import io.lethe.processor.engine.model.ModelSpec;
import io.lethe.processor.engine.model.ModelTrainer;
import io.lethe.processor.engine.model.TrainingProgress;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.LongUnaryOperator;

/**
 * SISA (Bourtoule et al. 2021): exact unlearning for an ensemble trained on disjoint shards (see
 * {@link ModelTrainer#trainSisa}). Only the members whose shard holds a forgotten sample are
 * re-initialized and retrained on their shard's retain data; the others are untouched. Shards
 * follow the groups of {@link UnlearningTask#groupOf()} (data subjects, when the ensemble was
 * trained with the same function), so erasing one subject retrains one member. The original must be
 * such an ensemble. No settings: the task's training config is the recipe.
 */
public final class Sisa extends AbstractUnlearningMethod<Sisa.Settings> {

  public static final String NAME = "sisa";

  /** None: members are retrained with the task's training config. */
  public record Settings() {
    public static final Settings DEFAULTS = new Settings();
  }

  public Sisa() {
    super(NAME, Settings.DEFAULTS);
  }

  @Override
  protected Optional<String> refuseModel(ModelSpec spec) {
    if (!spec.isEnsemble()) {
      return Optional.of(
          "needs a SISA ensemble trained with ModelTrainer.trainSisa; this model is a single "
              + spec.architecture().name()
              + " network");
    }
    return Optional.empty();
  }

  @Override
  protected void run(Run<Settings> run) {
    UnlearningTask task = run.task();
    int shards = task.original().spec().shards();
    LongUnaryOperator groupOf = task.groupOf();
    Set<Integer> affected = new TreeSet<>();
    for (long id : task.forget().ids()) {
      affected.add(ModelTrainer.shardOf(groupOf.applyAsLong(id), shards));
    }
    for (int s : affected) {
      ModelTrainer.trainMember(
          run.model(),
          s,
          ModelTrainer.shardData(task.retain(), s, shards, groupOf),
          task.trainingConfig(),
          task.seed(),
          TrainingProgress.NONE);
    }
    run.note("shards", shards);
    run.note("retrainedShards", affected.size());
  }
}
