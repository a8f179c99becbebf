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
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * SalUn and SCRUB on a small MLP that has memorized its MNIST training rows: with their defaults
 * they raise the forget loss of a random 10 % while retain accuracy holds; with no steps (the
 * control) the forget loss stays the parent's.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SalUnScrubTest {

  private Dataset train;
  private ClassifierModel overfit;
  private String overfitSha;
  private Set<Long> forgetIds;

  @BeforeAll
  void trainOriginal() {
    train = EngineFixtures.smallTrain(1000);
    overfit = ModelTrainer.train(new Mlp(), train, TrainingConfig.defaults().withEpochs(12), 3);
    overfitSha = overfit.sha256();
    forgetIds = new TreeSet<>();
    int[] order = DatasetSplit.shuffledIndices(train.size(), 99);
    for (int i = 0; i < train.size() / 10; i++) {
      forgetIds.add(train.id(order[i]));
    }
  }

  @AfterAll
  void close() {
    overfit.close();
  }

  private UnlearningTask samplesTask(Budget budget, long seed) {
    return UnlearningTask.forgetSamples(overfit, train, forgetIds, seed)
        .withTrainingConfig(EngineFixtures.quickConfig())
        .withBudget(budget);
  }

  @ParameterizedTest
  @CsvSource({"salun, epochs=0", "scrub, maxSteps=0;minSteps=0"})
  void sampleForgettingRaisesForgetLossAndKeepsRetainAccuracyButNoStepsDoNot(
      String name, String control) {
    UnlearningTask task = samplesTask(Budget.empty(), EngineFixtures.SEED);
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
      assertEquals(name, result.method());
    }
    Budget none = Budget.empty();
    for (String kv : control.split(";")) {
      String[] p = kv.split("=");
      none = none.with(p[0], p[1]);
    }
    try (UnlearningResult result = Methods.byName(name).unlearn(samplesTask(none, 7))) {
      double lossAfter = Evaluator.evaluate(result.model(), task.forget()).meanLoss();
      assertEquals(lossBefore, lossAfter, 1e-6, name + " moved the forget loss with no steps");
    }
    assertEquals(overfitSha, overfit.sha256(), name + " modified the original model");
  }

  @ParameterizedTest
  @CsvSource({"salun", "scrub"})
  void theSameSeedGivesTheSameModelAndAnotherSeedAnother(String name) {
    String first;
    String again;
    String other;
    try (UnlearningResult a = Methods.byName(name).unlearn(samplesTask(Budget.empty(), 11));
        UnlearningResult b = Methods.byName(name).unlearn(samplesTask(Budget.empty(), 11));
        UnlearningResult c = Methods.byName(name).unlearn(samplesTask(Budget.empty(), 12))) {
      first = a.model().sha256();
      again = b.model().sha256();
      other = c.model().sha256();
    }
    assertEquals(first, again, name + " is not deterministic for a seed");
    assertNotEquals(first, other, name + " ignores the seed");
  }

  /** The saliency mask bounds what changes; a mask of everything (the control) changes more. */
  @Test
  void salunChangesOnlyTheSalientFractionOfTheWeights() {
    float[] before = overfit.flatTrainableParameters();
    double changedAtTenth = changedFraction(before, 0.1);
    double changedAtAll = changedFraction(before, 1.0);
    assertTrue(changedAtTenth <= 0.1 + 1e-3, "changed " + changedAtTenth + " at saliency 0.1");
    assertTrue(changedAtTenth > 0.02, "changed only " + changedAtTenth + " at saliency 0.1");
    assertTrue(changedAtAll > 0.5, "changed only " + changedAtAll + " at saliency 1");
  }

  private double changedFraction(float[] before, double saliency) {
    UnlearningTask task =
        samplesTask(Budget.empty().with("saliency", saliency), EngineFixtures.SEED);
    try (UnlearningResult result = Methods.byName("salun").unlearn(task)) {
      float[] after = result.model().flatTrainableParameters();
      int changed = 0;
      for (int i = 0; i < after.length; i++) {
        if (after[i] != before[i]) {
          changed++;
        }
      }
      long salient = Long.parseLong(result.notes().get("salientWeights"));
      assertTrue(salient <= Math.round(saliency * before.length) + 1, "salient " + salient);
      return (double) changed / after.length;
    }
  }

  @Test
  void salunForgetsAClassAndScrubRefusesClassScope() {
    Dataset classTrain = EngineFixtures.smallTrain(2000);
    try (ClassifierModel original = EngineFixtures.quickMlp(classTrain)) {
      UnlearningTask task =
          UnlearningTask.forgetClasses(original, classTrain, Set.of(3), EngineFixtures.SEED)
              .withTrainingConfig(EngineFixtures.quickConfig());
      double retainBefore = Evaluator.accuracy(original, task.retain());
      assertTrue(Evaluator.accuracy(original, task.forget()) > 0.8);
      try (UnlearningResult result = Methods.byName("salun").unlearn(task)) {
        double forgetAfter = Evaluator.accuracy(result.model(), task.forget());
        double retainAfter = Evaluator.accuracy(result.model(), task.retain());
        assertTrue(forgetAfter <= 0.05, "salun: forget accuracy still " + forgetAfter);
        assertTrue(
            retainAfter >= retainBefore - 0.08,
            "salun: retain accuracy fell from " + retainBefore + " to " + retainAfter);
      }
      UnsupportedScopeException e =
          assertThrows(UnsupportedScopeException.class, () -> new Scrub().unlearn(task));
      assertTrue(e.getMessage().contains("'scrub'"), e.getMessage());
    }
  }

  @Test
  void badOrUnknownSettingsAreRefusedNamingTheKey() {
    SalUn salun = new SalUn();
    Scrub scrub = new Scrub();
    for (var bad :
        Map.of(
                "saliency", "0",
                "retainRatio", "-1",
                "epochs", "-1",
                "lr", "0")
            .entrySet()) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () -> salun.checkSettings(Map.of(bad.getKey(), bad.getValue())));
      assertTrue(e.getMessage().contains(bad.getKey()), e.getMessage());
    }
    assertThrows(
        IllegalArgumentException.class, () -> salun.checkSettings(Map.of("saliency", "1.5")));
    for (var bad : Map.of("temperature", "0", "alpha", "-0.5", "maxSteps", "-1").entrySet()) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () -> scrub.checkSettings(Map.of(bad.getKey(), bad.getValue())));
      assertTrue(e.getMessage().contains(bad.getKey()), e.getMessage());
    }
    IllegalArgumentException unknown =
        assertThrows(
            IllegalArgumentException.class, () -> scrub.checkSettings(Map.of("gamma", "1")));
    assertTrue(unknown.getMessage().contains("known: lr, maxSteps"), unknown.getMessage());
    salun.checkSettings(Map.of("saliency", "1", "epochs", "0"));
    scrub.checkSettings(Map.of("maxSteps", "0", "minSteps", "0"));
  }
}
