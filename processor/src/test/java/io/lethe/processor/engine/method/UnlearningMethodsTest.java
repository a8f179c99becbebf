package io.lethe.processor.engine.method;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lethe.processor.engine.EngineFixtures;
import io.lethe.processor.engine.architecture.Mlp;
import io.lethe.processor.engine.data.Dataset;
import io.lethe.processor.engine.data.DatasetSplit;
import io.lethe.processor.engine.model.ClassifierModel;
import io.lethe.processor.engine.model.Evaluator;
import io.lethe.processor.engine.model.ModelTrainer;
import io.lethe.processor.engine.model.TrainingConfig;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Each method on a small MLP moves what it should: forget accuracy (class) or forget loss (samples)
 * moves away from the original's while retain accuracy holds. A no-op fails every one.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UnlearningMethodsTest {

  private static final int FORGET_CLASS = 3;

  private Dataset train;
  private Dataset validation;
  private ClassifierModel original;
  private String originalSha;
  // sample forgetting needs a model that has memorized its training data: a small, long-trained one
  private Dataset smallTrain;
  private ClassifierModel overfit;
  private String overfitSha;

  @BeforeAll
  void trainOriginals() {
    train = EngineFixtures.smallTrain(2000);
    validation = EngineFixtures.split().validation().subset(0, 500);
    original = EngineFixtures.quickMlp(train);
    originalSha = original.sha256();
    smallTrain = EngineFixtures.smallTrain(1000);
    overfit =
        ModelTrainer.train(new Mlp(), smallTrain, TrainingConfig.defaults().withEpochs(12), 3);
    overfitSha = overfit.sha256();
  }

  @AfterAll
  void close() {
    original.close();
    overfit.close();
  }

  @ParameterizedTest
  @ValueSource(strings = {"famr", "slug", "mnemonic", "ssd", "neggrad-plus", "muso"})
  void classForgettingDropsForgetAccuracyAndKeepsRetainAccuracy(String name) {
    UnlearningTask task =
        UnlearningTask.forgetClasses(original, train, Set.of(FORGET_CLASS), EngineFixtures.SEED)
            .withTrainingConfig(EngineFixtures.quickConfig())
            .withValidation(validation)
            // this small model sees 3x fewer retain batches per epoch than the benchmark's
            .withBudget(
                name.equals("neggrad-plus") ? Budget.empty().with("epochs", 3) : Budget.empty());
    double forgetBefore = Evaluator.accuracy(original, task.forget());
    double retainBefore = Evaluator.accuracy(original, task.retain());
    assertTrue(forgetBefore > 0.8, "the original should know class " + FORGET_CLASS);
    try (UnlearningResult result = Methods.byName(name).unlearn(task)) {
      double forgetAfter = Evaluator.accuracy(result.model(), task.forget());
      double retainAfter = Evaluator.accuracy(result.model(), task.retain());
      assertTrue(forgetAfter <= 0.05, name + ": forget accuracy still " + forgetAfter);
      assertTrue(
          retainAfter >= retainBefore - 0.08,
          name + ": retain accuracy fell from " + retainBefore + " to " + retainAfter);
      assertEquals(name, result.method());
      assertTrue(result.wallTimeMillis() >= 0);
      assertNotEquals(originalSha, result.model().sha256());
    }
    assertEquals(originalSha, original.sha256(), name + " modified the original model");
  }

  @ParameterizedTest
  @ValueSource(strings = {"finetune", "neggrad-plus", "muso", "ssd"})
  void sampleForgettingRaisesForgetLossAndKeepsRetainAccuracy(String name) {
    Set<Long> ids = new TreeSet<>();
    int[] order = DatasetSplit.shuffledIndices(smallTrain.size(), 99);
    for (int i = 0; i < smallTrain.size() / 10; i++) {
      ids.add(smallTrain.id(order[i]));
    }
    UnlearningTask task =
        UnlearningTask.forgetSamples(overfit, smallTrain, ids, EngineFixtures.SEED)
            .withTrainingConfig(EngineFixtures.quickConfig())
            .withValidation(validation);
    double lossBefore = Evaluator.evaluate(overfit, task.forget()).meanLoss();
    double retainBefore = Evaluator.accuracy(overfit, task.retain());
    try (UnlearningResult result = Methods.byName(name).unlearn(task)) {
      double lossAfter = Evaluator.evaluate(result.model(), task.forget()).meanLoss();
      double retainAfter = Evaluator.accuracy(result.model(), task.retain());
      assertTrue(
          lossAfter > lossBefore * 1.05,
          name + ": forget loss did not rise: " + lossBefore + " -> " + lossAfter);
      assertTrue(
          retainAfter >= retainBefore - 0.05,
          name + ": retain accuracy fell from " + retainBefore + " to " + retainAfter);
    }
    assertEquals(overfitSha, overfit.sha256());
  }

  @ParameterizedTest
  @ValueSource(strings = {"famr", "slug", "mnemonic"})
  void classOnlyMethodsRefuseSampleScopeNamingMethodAndScope(String name) {
    UnlearningTask task =
        UnlearningTask.forgetSamples(original, train, Set.of(train.id(0)), EngineFixtures.SEED);
    UnsupportedScopeException e =
        assertThrows(UnsupportedScopeException.class, () -> Methods.byName(name).unlearn(task));
    assertTrue(e.getMessage().contains("'" + name + "'"), e.getMessage());
    assertTrue(e.getMessage().contains("SAMPLES"), e.getMessage());
    assertEquals(ForgetScope.SAMPLES, e.scope());
    assertEquals(Set.of(ForgetScope.CLASS), Methods.byName(name).scopes());
  }
}
