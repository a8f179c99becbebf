package io.lethe.processor.engine;

import io.lethe.processor.engine.architecture.Mlp;
import io.lethe.processor.engine.data.BuiltinDatasets;
import io.lethe.processor.engine.data.Dataset;
import io.lethe.processor.engine.data.DatasetSplit;
import io.lethe.processor.engine.model.ClassifierModel;
import io.lethe.processor.engine.model.ModelTrainer;
import io.lethe.processor.engine.model.TrainingConfig;

/** Small, fast fixtures on real MNIST-10k data shared by the engine tests. */
public final class EngineFixtures {

  public static final long SEED = 7;

  private static DatasetSplit split;

  private EngineFixtures() {}

  /** The default split of MNIST-10k with seed 7 (cached). */
  public static synchronized DatasetSplit split() {
    if (split == null) {
      split = DatasetSplit.of(BuiltinDatasets.mnist10k(), SEED);
    }
    return split;
  }

  /** The first {@code n} training samples. */
  public static Dataset smallTrain(int n) {
    return split().train().subset(0, n);
  }

  /** The first {@code n} test samples. */
  public static Dataset smallTest(int n) {
    return split().test().subset(0, n);
  }

  /** A quick training config: 3 epochs, batch 64. */
  public static TrainingConfig quickConfig() {
    return TrainingConfig.defaults().withEpochs(3);
  }

  /** An MLP trained on {@code train} with {@link #quickConfig()}. */
  public static ClassifierModel quickMlp(Dataset train) {
    return ModelTrainer.train(new Mlp(), train, quickConfig(), SEED);
  }
}
