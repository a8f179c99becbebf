package io.lethe.processor.engine.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.nn.Parameter;
import io.lethe.processor.TorchScriptFixtures;
import io.lethe.processor.engine.architecture.TorchScriptModule;
import io.lethe.processor.engine.data.SampleShape;
import java.io.IOException;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/**
 * Exact retraining of a module starts from a seeded re-initialization: PyTorch's default for Linear
 * and Conv layers (uniform within 1/sqrt(fan_in)), the same for the same seed, another for another.
 */
class TorchScriptReinitializationTest {

  private static ModelSpec spec() throws IOException {
    byte[] module = Files.readAllBytes(TorchScriptFixtures.module("digits-cnn.pt"));
    return new ModelSpec(
        new TorchScriptModule(module, "head.weight", "head.bias", "features"),
        SampleShape.of(1, 28, 28),
        10,
        null,
        0f,
        1);
  }

  @Test
  void theSameSeedGivesTheSameWeightsWithinPyTorchsDefaultBounds() throws IOException {
    ModelSpec spec = spec();
    try (ClassifierModel a = ClassifierModel.create(spec, 5);
        ClassifierModel b = ClassifierModel.create(spec, 5);
        ClassifierModel c = ClassifierModel.create(spec, 6);
        ClassifierModel given = ClassifierModel.load(spec)) {
      assertArrayEquals(a.toBytes(), b.toBytes());
      assertFalse(
          java.util.Arrays.equals(a.flatTrainableParameters(), c.flatTrainableParameters()));
      assertFalse(
          java.util.Arrays.equals(a.flatTrainableParameters(), given.flatTrainableParameters()));
      for (Parameter p : a.trainableParameters()) {
        var shape = p.getArray().getShape();
        // head.weight is (10, 32): fan_in 32; the conv weight (8, 1, 3, 3): fan_in 9.
        if (shape.dimension() >= 2) {
          double bound = 1 / Math.sqrt(shape.size() / shape.get(0));
          for (float v : p.getArray().toFloatArray()) {
            assertTrue(Math.abs(v) <= bound, p.getName() + " " + v + " > " + bound);
          }
        }
      }
    }
  }
}
