package io.lethe.processor.engine.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.lethe.processor.engine.EngineFixtures;
import io.lethe.processor.engine.architecture.Mlp;
import io.lethe.processor.engine.data.Dataset;
import org.junit.jupiter.api.Test;

/** Every loop step's arrays are scoped: long training must not grow the model's live arrays. */
class NativeMemoryTest {

  @Test
  void liveArraysDoNotGrowOverManyTrainingSteps() {
    Dataset train = EngineFixtures.smallTrain(640);
    TrainingConfig oneEpoch = TrainingConfig.defaults().withEpochs(1).withBatchSize(32);
    try (ClassifierModel model = ModelTrainer.train(new Mlp(), train, oneEpoch, 5)) {
      // warm-up: optimizer state is created on the first steps of a session
      ModelTrainer.fit(model, train, oneEpoch, 6, TrainingProgress.NONE);
      Evaluator.evaluate(model, train);
      int before = model.manager().getManagedArrays().size();
      for (int round = 0; round < 5; round++) {
        ModelTrainer.fit(model, train, oneEpoch, 7 + round, TrainingProgress.NONE); // 20 steps
        Evaluator.evaluate(model, train);
      }
      int after = model.manager().getManagedArrays().size();
      assertEquals(before, after, "live NDArrays grew over 100 training steps");
    }
  }
}
