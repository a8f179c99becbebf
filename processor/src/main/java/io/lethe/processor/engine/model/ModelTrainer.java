package io.lethe.processor.engine.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.lethe.processor.engine.architecture.Architecture;
import io.lethe.processor.engine.data.Dataset;
import io.lethe.processor.engine.data.DatasetSplit;
import java.util.SplittableRandom;
import java.util.function.LongUnaryOperator;

/**
 * Trains classifiers with fixed seeds.
 *
 * <p>MLP and CNN: Adam on the cross-entropy, mini-batches shuffled by {@code seed + epoch}, DJL's
 * random generator seeded with {@code seed} (PyTorch on CPU is then deterministic for a fixed
 * thread count). With {@link TrainingConfig#mnemonicCodes()} every batch also holds one noisy
 * mnemonic code per class. Random-features linear: the head is fitted in closed form (the limit of
 * gradient descent on the squared loss from its seeded initial weights, see {@link
 * RandomFeatures#fitFromInitial}). What differs is the {@link Architecture}'s own {@code fit}.
 */
public final class ModelTrainer {

  private ModelTrainer() {}

  /** Trains without progress output. */
  public static ClassifierModel train(
      Architecture architecture, Dataset train, TrainingConfig recipe, long seed) {
    return train(architecture, train, recipe, seed, TrainingProgress.NONE);
  }

  /** Trains a new model of {@code architecture} on {@code train}. */
  public static ClassifierModel train(
      Architecture architecture,
      Dataset train,
      TrainingConfig recipe,
      long seed,
      TrainingProgress progress) {
    return train(specFor(architecture, train, recipe, seed), train, recipe, seed, progress);
  }

  /** Trains a new model of {@code spec} (a single network) on {@code train}, without progress. */
  public static ClassifierModel train(
      ModelSpec spec, Dataset train, TrainingConfig recipe, long seed) {
    return train(spec, train, recipe, seed, TrainingProgress.NONE);
  }

  /** Trains a new model of {@code spec} (a single network) on {@code train}. */
  public static ClassifierModel train(
      ModelSpec spec, Dataset train, TrainingConfig recipe, long seed, TrainingProgress progress) {
    ClassifierModel model = ClassifierModel.create(spec, seed);
    try {
      spec.architecture().fit(model, train, recipe, seed, progress);
      return model;
    } catch (RuntimeException e) {
      model.close();
      throw e;
    }
  }

  /** The spec a model trained on {@code train} with {@code recipe} gets. */
  public static ModelSpec specFor(
      Architecture architecture, Dataset train, TrainingConfig recipe, long seed) {
    Architecture resolved = architecture.resolve(train);
    boolean codes = recipe.mnemonicCodes() && resolved.gradientTrained();
    return new ModelSpec(
        resolved,
        train.shape(),
        train.numClasses(),
        codes ? seed : null,
        recipe.mnemonicNoise(),
        1);
  }

  /**
   * Continues training {@code model} on {@code train} (also used by fine-tuning methods): Adam,
   * {@code config.epochs()} epochs, with the model's mnemonic codes mixed in when it has them.
   */
  public static void fit(
      ClassifierModel model,
      Dataset train,
      TrainingConfig config,
      long seed,
      TrainingProgress progress) {
    try (GradientSession session = GradientSession.forRecipe(model, config)) {
      fit(session, train, config, seed, progress);
    }
  }

  /**
   * Trains a SISA ensemble with one group per sample ({@code groupOf} the identity): see {@link
   * #trainSisa(Architecture, Dataset, TrainingConfig, long, int, LongUnaryOperator,
   * TrainingProgress)}.
   */
  public static ClassifierModel trainSisa(
      Architecture architecture,
      Dataset train,
      TrainingConfig config,
      long seed,
      int shards,
      TrainingProgress progress) {
    return trainSisa(
        architecture, train, config, seed, shards, LongUnaryOperator.identity(), progress);
  }

  /**
   * Trains a SISA ensemble (Bourtoule et al.): {@code shards} members, member {@code s} trained
   * only on the samples whose group (see {@link #shardData}) falls in shard {@code s}, each with
   * its own seed.
   *
   * @param groupOf from a sample id to its group key, e.g. the index of the data subject that owns
   *     the sample, so that all of a subject's samples land in one shard; unlearning must use the
   *     same function ({@code UnlearningTask.groupOf})
   */
  public static ClassifierModel trainSisa(
      Architecture architecture,
      Dataset train,
      TrainingConfig config,
      long seed,
      int shards,
      LongUnaryOperator groupOf,
      TrainingProgress progress) {
    if (!architecture.gradientTrained()) {
      throw new IllegalArgumentException(
          "SISA ensembles are built of gradient-trained members, not " + architecture.name());
    }
    ModelSpec spec = specFor(architecture, train, config, seed).withShards(shards);
    ClassifierModel model = ClassifierModel.create(spec, seed);
    try {
      for (int s = 0; s < shards; s++) {
        trainMember(model, s, shardData(train, s, shards, groupOf), config, seed, progress);
      }
      return model;
    } catch (RuntimeException e) {
      model.close();
      throw e;
    }
  }

  /** The SISA shard of a group key: a fixed hash of the key modulo the number of shards. */
  public static int shardOf(long groupKey, int shards) {
    long z = groupKey * 0x9E3779B97F4A7C15L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    z = z ^ (z >>> 31);
    return (int) Math.floorMod(z, (long) shards);
  }

  /**
   * The samples of {@code data} in shard {@code shard}: those whose group {@code
   * groupOf.applyAsLong(id)} has {@link #shardOf(long, int)} {@code == shard}.
   */
  public static Dataset shardData(Dataset data, int shard, int shards, LongUnaryOperator groupOf) {
    return data.filterIndices(i -> shardOf(groupOf.applyAsLong(data.id(i)), shards) == shard);
  }

  /**
   * Re-initializes member {@code member} of an ensemble (fresh weights from {@code seed + member})
   * and trains it on {@code data} alone.
   */
  public static void trainMember(
      ClassifierModel ensemble,
      int member,
      Dataset data,
      TrainingConfig config,
      long seed,
      TrainingProgress progress) {
    long memberSeed = seed + 1_000_003L * (member + 1);
    try (ClassifierModel fresh =
        ClassifierModel.create(ensemble.spec().withShards(1), memberSeed)) {
      Networks.ClassifierNet target = ensemble.members().get(member);
      var mine = target.getParameters().values();
      var theirs = fresh.block().getParameters().values();
      for (int i = 0; i < mine.size(); i++) {
        mine.get(i)
            .getArray()
            .set(java.nio.FloatBuffer.wrap(theirs.get(i).getArray().toFloatArray()));
      }
    }
    if (data.isEmpty()) {
      return;
    }
    try (GradientSession session = GradientSession.forMember(ensemble, member, config)) {
      fit(session, data, config, memberSeed, progress);
    }
  }

  private static void fit(
      GradientSession session,
      Dataset train,
      TrainingConfig config,
      long seed,
      TrainingProgress progress) {
    ClassifierModel model = session.model();
    if (train.isEmpty()) {
      throw new IllegalArgumentException("no training data");
    }
    int classes = model.numClasses();
    MnemonicCodes codes =
        model.spec().hasMnemonicCodes() && config.mnemonicCodes()
            ? MnemonicCodes.of(model.spec())
            : null;
    SplittableRandom noise = new SplittableRandom(seed * 31 + 7);
    {
      for (int epoch = 1; epoch <= config.epochs(); epoch++) {
        int[] order = DatasetSplit.shuffledIndices(train.size(), seed + epoch);
        double lossSum = 0;
        long correct = 0;
        int steps = 0;
        for (int from = 0; from < order.length; from += config.batchSize()) {
          int[] idx = Batches.slice(order, from, from + config.batchSize());
          try (NDManager scope = model.manager().newSubManager()) {
            NDArray x = model.batch(scope, train, idx);
            NDArray y = Batches.oneHot(scope, train, idx, classes);
            if (codes != null) {
              float[][] rows = new float[classes][];
              int[] labels = new int[classes];
              for (int c = 0; c < classes; c++) {
                rows[c] = codes.noisy(c, noise);
                labels[c] = c;
              }
              x = x.concat(Batches.rows(scope, rows, model.inputShape()), 0);
              y = y.concat(Batches.oneHot(scope, labels, classes), 0);
            }
            NDArray input = x;
            NDArray target = y;
            NDArray[] logits = new NDArray[1];
            lossSum +=
                session.step(
                    () -> {
                      logits[0] = session.forward(input);
                      return Losses.meanCrossEntropy(logits[0], target);
                    });
            int[] predicted =
                logits[0]
                    .get("0:" + idx.length)
                    .argMax(1)
                    .toType(ai.djl.ndarray.types.DataType.INT32, false)
                    .toIntArray();
            for (int k = 0; k < idx.length; k++) {
              if (predicted[k] == train.label(idx[k])) {
                correct++;
              }
            }
            steps++;
          }
        }
        progress.onEpoch(epoch, lossSum / Math.max(1, steps), (double) correct / train.size());
      }
    }
  }
}
