package io.lethe.processor.engine.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lethe.processor.engine.EngineFixtures;
import io.lethe.processor.engine.architecture.Cnn;
import io.lethe.processor.engine.architecture.Mlp;
import io.lethe.processor.engine.architecture.RandomFeaturesLinear;
import io.lethe.processor.engine.data.Dataset;
import io.lethe.processor.engine.data.SampleShape;
import io.lethe.processor.engine.data.Standardization;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ModelTrainerTest {

  @Test
  void mlpLearnsDeterministicallyAndReportsProgress() {
    Dataset train = EngineFixtures.smallTrain(1500);
    Dataset test = EngineFixtures.smallTest(500);
    List<double[]> progress = new ArrayList<>();
    try (ClassifierModel a =
            ModelTrainer.train(
                new Mlp(),
                train,
                EngineFixtures.quickConfig(),
                11,
                (e, l, acc) -> progress.add(new double[] {e, l, acc}));
        ClassifierModel b =
            ModelTrainer.train(new Mlp(), train, EngineFixtures.quickConfig(), 11)) {
      assertTrue(Evaluator.accuracy(a, test) > 0.80, "test accuracy too low");
      assertEquals(3, progress.size());
      assertTrue(progress.get(2)[1] < progress.get(0)[1], "loss did not fall");
      assertEquals(a.sha256(), b.sha256(), "same seed, same data: same weights");
      assertTrue(a.spec().hasMnemonicCodes());
    }
  }

  @Test
  void saveLoadRoundTripKeepsWeightsAndPredictions() {
    Dataset train = EngineFixtures.smallTrain(600);
    Dataset test = EngineFixtures.smallTest(200);
    try (ClassifierModel model = EngineFixtures.quickMlp(train)) {
      byte[] bytes = model.toBytes();
      try (ClassifierModel loaded = ClassifierModel.fromBytes(bytes);
          ClassifierModel copy = model.copy()) {
        assertEquals(model.sha256(), loaded.sha256());
        assertEquals(ClassifierModel.sha256(bytes), copy.sha256());
        assertEquals(64, model.sha256().length());
        assertArrayEquals(
            Evaluator.evaluate(model, test).predictions(),
            Evaluator.evaluate(loaded, test).predictions());
        assertArrayEquals(model.initialHeadWeights(), loaded.initialHeadWeights());
        // a copy is independent: changing it leaves the original alone
        float[] head = copy.headWeights();
        head[0] += 1f;
        copy.setHeadWeights(head);
        assertNotEquals(model.sha256(), copy.sha256());
      }
      assertThrows(
          IllegalArgumentException.class, () -> ClassifierModel.fromBytes(new byte[] {1, 2, 3, 4}));
    }
  }

  @Test
  void cnnTakesItsInputSizeFromTheData() {
    // 14x14 images: every second pixel of MNIST
    Dataset full = EngineFixtures.smallTrain(300);
    float[][] rows = new float[full.size()][];
    for (int i = 0; i < rows.length; i++) {
      float[] src = full.features(i);
      float[] dst = new float[14 * 14];
      for (int r = 0; r < 14; r++) {
        for (int c = 0; c < 14; c++) {
          dst[r * 14 + c] = src[(2 * r) * 28 + 2 * c];
        }
      }
      rows[i] = dst;
    }
    Dataset small = Dataset.ofRows(rows, full.labels(), full.ids(), SampleShape.of(1, 14, 14), 10);
    try (ClassifierModel cnn =
        ModelTrainer.train(new Cnn(), small, EngineFixtures.quickConfig().withEpochs(2), 1)) {
      assertEquals(SampleShape.of(1, 14, 14), cnn.inputShape());
      assertTrue(Evaluator.accuracy(cnn, small) > 0.3, "CNN did not learn at all");
    }
  }

  @Test
  void theInputStandardizationTravelsWithTheWeights() {
    Dataset train = EngineFixtures.smallTrain(200);
    Standardization stats = Standardization.fit(train);
    ModelSpec spec =
        ModelTrainer.specFor(new Mlp(), train, EngineFixtures.quickConfig(), 3)
            .withInputStandardization(stats);
    try (ClassifierModel model =
            ModelTrainer.train(spec, train, EngineFixtures.quickConfig().withEpochs(1), 3);
        ClassifierModel loaded = ClassifierModel.fromBytes(model.toBytes())) {
      Standardization back = loaded.spec().inputStandardization();
      assertArrayEquals(stats.mean(), back.mean());
      assertArrayEquals(stats.std(), back.std());
      assertEquals(model.sha256(), loaded.sha256());
    }
    try (ClassifierModel plain = EngineFixtures.quickMlp(train);
        ClassifierModel loaded = ClassifierModel.fromBytes(plain.toBytes())) {
      assertEquals(null, loaded.spec().inputStandardization());
    }
  }

  @Test
  void randomFeaturesModelInterpolatesItsTrainingData() {
    Dataset train = EngineFixtures.smallTrain(300);
    try (ClassifierModel rf =
        ModelTrainer.train(new RandomFeaturesLinear(700), train, TrainingConfig.defaults(), 3)) {
      assertEquals(1.0, Evaluator.accuracy(rf, train), 1e-9);
      assertTrue(Evaluator.accuracy(rf, EngineFixtures.smallTest(300)) > 0.6);
      assertEquals(700, rf.spec().featureDim());
      assertTrue(!rf.spec().hasMnemonicCodes());
      try (ClassifierModel copy = rf.copy()) {
        assertEquals(rf.sha256(), copy.sha256());
      }
    }
  }

  @Test
  void devicesDescribeTheDevice() {
    String d = Devices.describe();
    assertTrue(d.equals("cpu") || d.matches("gpu\\(\\d+\\)"), d);
  }
}
