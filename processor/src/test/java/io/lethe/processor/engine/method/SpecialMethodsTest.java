package io.lethe.processor.engine.method;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.nn.Parameter;
import io.lethe.processor.engine.EngineFixtures;
import io.lethe.processor.engine.architecture.Mlp;
import io.lethe.processor.engine.architecture.RandomFeaturesLinear;
import io.lethe.processor.engine.data.Dataset;
import io.lethe.processor.engine.data.DatasetSplit;
import io.lethe.processor.engine.model.ClassifierModel;
import io.lethe.processor.engine.model.Evaluator;
import io.lethe.processor.engine.model.ModelTrainer;
import io.lethe.processor.engine.model.TrainingConfig;
import io.lethe.processor.engine.model.TrainingProgress;
import io.lethe.processor.engine.verify.Verifier;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.LongUnaryOperator;
import org.junit.jupiter.api.Test;

class SpecialMethodsTest {

  @Test
  void musoLandsExactlyOnTheRetrainedWeightsInTheLinearSetting() {
    Dataset train = EngineFixtures.smallTrain(300);
    TrainingConfig config = TrainingConfig.defaults();
    try (ClassifierModel original =
        ModelTrainer.train(new RandomFeaturesLinear(700), train, config, 5)) {
      Set<Long> ids = new TreeSet<>();
      int[] order = DatasetSplit.shuffledIndices(train.size(), 1);
      for (int i = 0; i < 30; i++) {
        ids.add(train.id(order[i]));
      }
      List<UnlearningTask> tasks =
          List.of(
              UnlearningTask.forgetClasses(original, train, Set.of(4), 5),
              UnlearningTask.forgetSamples(original, train, ids, 5));
      for (UnlearningTask task : tasks) {
        try (UnlearningResult oracle = Methods.byName("retrain").unlearn(task);
            UnlearningResult muso = Methods.byName("muso").unlearn(task)) {
          float[] w = muso.model().flatTrainableParameters();
          float[] wr = oracle.model().flatTrainableParameters();
          double distance = Verifier.relativeDistance(w, wr);
          assertTrue(distance <= 1e-6, task.scope() + ": ||w - w_r|| / ||w_r|| = " + distance);
          double moved = Verifier.relativeDistance(original.flatTrainableParameters(), wr);
          assertTrue(moved > 1e-2, "the original is already the retrained model: " + moved);
        }
      }
    }
  }

  @Test
  void sisaRetrainsOnlyTheShardHoldingTheErasedSubject() {
    Dataset train = EngineFixtures.smallTrain(900);
    TrainingConfig config = EngineFixtures.quickConfig().withEpochs(2);
    int shards = 3;
    // this test's subjects: 100 of them, subject k owning the samples whose id is k modulo 100
    LongUnaryOperator subjectOf = id -> id % 100;
    try (ClassifierModel ensemble =
        ModelTrainer.trainSisa(
            new Mlp(), train, config, 3, shards, subjectOf, TrainingProgress.NONE)) {
      assertTrue(Evaluator.accuracy(ensemble, EngineFixtures.smallTest(300)) > 0.7);
      long subjectKey = subjectOf.applyAsLong(train.id(17));
      Set<Long> subject = new HashSet<>();
      for (long id : train.ids()) {
        if (subjectOf.applyAsLong(id) == subjectKey) {
          subject.add(id);
        }
      }
      assertTrue(subject.size() > 1, "a subject of one sample proves nothing");
      int shard = ModelTrainer.shardOf(subjectKey, shards);
      for (int s = 0; s < shards; s++) {
        Set<Long> inShard = ModelTrainer.shardData(train, s, shards, subjectOf).idSet();
        for (long id : subject) {
          assertEquals(s == shard, inShard.contains(id), "sample " + id + " in shard " + s);
        }
      }
      UnlearningTask task =
          UnlearningTask.forgetSamples(ensemble, train, subject, 3)
              .withTrainingConfig(config)
              .withGroupOf(subjectOf);
      try (UnlearningResult result = Methods.byName("sisa").unlearn(task)) {
        assertEquals("1", result.notes().get("retrainedShards"));
        for (int s = 0; s < shards; s++) {
          boolean same =
              java.util.Arrays.equals(
                  flat(ensemble.members().get(s).getParameters().values()),
                  flat(result.model().members().get(s).getParameters().values()));
          assertEquals(
              s != shard, same, "member " + s + (s == shard ? " not retrained" : " changed"));
        }
      }
      // without the subject function each sample is its own group: the subject spans shards
      UnlearningTask bySample =
          UnlearningTask.forgetSamples(ensemble, train, subject, 3).withTrainingConfig(config);
      Set<Integer> sampleShards = new HashSet<>();
      for (long id : subject) {
        sampleShards.add(ModelTrainer.shardOf(bySample.groupOf().applyAsLong(id), shards));
      }
      assertTrue(sampleShards.size() > 1, "identity grouping put the subject in one shard");
      UnlearningTask classTask =
          UnlearningTask.forgetClasses(ensemble, train, Set.of(1), 3)
              .withTrainingConfig(config)
              .withGroupOf(subjectOf);
      try (UnlearningResult result = Methods.byName("sisa").unlearn(classTask)) {
        assertEquals(String.valueOf(shards), result.notes().get("retrainedShards"));
        assertEquals(0.0, Evaluator.accuracy(result.model(), classTask.forget()), 1e-12);
      }
    }
  }

  @Test
  void methodsRefuseModelsTheyCannotWorkOn() {
    Dataset train = EngineFixtures.smallTrain(300);
    try (ClassifierModel plain =
        ModelTrainer.train(
            new Mlp(),
            train,
            EngineFixtures.quickConfig().withEpochs(1).withMnemonicCodes(false),
            1)) {
      assertFalse(plain.spec().hasMnemonicCodes());
      UnlearningTask task = UnlearningTask.forgetClasses(plain, train, Set.of(2), 1);
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class, () -> Methods.byName("mnemonic").unlearn(task));
      assertTrue(e.getMessage().contains("mnemonic codes"), e.getMessage());
      IllegalArgumentException s =
          assertThrows(IllegalArgumentException.class, () -> Methods.byName("sisa").unlearn(task));
      assertTrue(s.getMessage().contains("SISA ensemble"), s.getMessage());
    }
  }

  @Test
  void everyRegisteredMethodResolvesByName() {
    assertEquals(
        List.of(
            "retrain",
            "finetune",
            "neggrad-plus",
            "sisa",
            "muso",
            "mnemonic",
            "famr",
            "slug",
            "ssd",
            "salun",
            "scrub"),
        Methods.names());
    for (String name : Methods.names()) {
      UnlearningMethod m = Methods.byName(name);
      assertEquals(name, m.name());
      assertFalse(m.scopes().isEmpty());
    }
  }

  private static float[] flat(List<Parameter> params) {
    int n = 0;
    for (Parameter p : params) {
      n += (int) p.getArray().size();
    }
    float[] out = new float[n];
    int off = 0;
    for (Parameter p : params) {
      float[] v = p.getArray().toFloatArray();
      System.arraycopy(v, 0, out, off, v.length);
      off += v.length;
    }
    return out;
  }

  @SuppressWarnings("unused")
  private static void unusedArrayEqualsGuard() {
    assertArrayEquals(new int[0], new int[0]);
  }
}
