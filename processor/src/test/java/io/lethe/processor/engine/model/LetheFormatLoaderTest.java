package io.lethe.processor.engine.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.ndarray.NDManager;
import io.lethe.processor.engine.EngineFixtures;
import io.lethe.processor.engine.data.Dataset;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model Lethe trained itself (the LETH format) is read outside the JVM by tools/lethe_model.py
 * (numpy only) and gives Lethe's logits; a model with one weight changed does not.
 */
class LetheFormatLoaderTest {

  private static final String PYTHON = "/usr/bin/python3";
  private static final Path LOADER = Path.of("..", "tools", "lethe_model.py");

  @TempDir Path dir;

  @Test
  void theLoaderOutsideTheJvmGivesTheSameLogits() throws Exception {
    boolean numpy = has("import numpy");
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      assertTrue(numpy, PYTHON + " has no numpy: CI installs python3-numpy (.ci/run)");
    }
    assumeTrue(numpy && Files.isRegularFile(LOADER), "no " + PYTHON + " with numpy");
    Dataset test = EngineFixtures.smallTest(100);
    try (ClassifierModel model = EngineFixtures.quickMlp(EngineFixtures.smallTrain(300));
        ClassifierModel changed = model.copy()) {
      float[] head = changed.headWeights();
      head[3] += 0.5f;
      changed.setHeadWeights(head);
      float[] x;
      float[] expected;
      float[] control;
      try (NDManager scope = model.manager().newSubManager()) {
        var batch = model.batch(scope, test, range(test.size()));
        x = batch.toFloatArray();
        expected = model.logits(batch).toFloatArray();
        control = changed.logits(batch).toFloatArray();
      }
      Path file = dir.resolve("model.leth");
      Files.write(file, model.toBytes());
      Path in = dir.resolve("x.f32");
      Path out = dir.resolve("y.f32");
      write(in, x);
      Process p =
          new ProcessBuilder(
                  PYTHON, LOADER.toString(), file.toString(), in.toString(), out.toString())
              .redirectErrorStream(true)
              .start();
      String log = new String(p.getInputStream().readAllBytes());
      assertTrue(p.waitFor(120, TimeUnit.SECONDS));
      assertEquals(0, p.exitValue(), log);
      float[] outside = read(out);
      assertTrue(TorchScriptRoundTripTest.maxAbsDifference(expected, outside) <= 1e-4);
      assertTrue(TorchScriptRoundTripTest.maxAbsDifference(control, outside) > 1e-4);
    }
  }

  private static boolean has(String code) {
    try {
      Process p = new ProcessBuilder(PYTHON, "-c", code).redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }

  private static int[] range(int n) {
    int[] idx = new int[n];
    for (int i = 0; i < n; i++) {
      idx[i] = i;
    }
    return idx;
  }

  private static void write(Path file, float[] values) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    b.asFloatBuffer().put(values);
    Files.write(file, b.array());
  }

  private static float[] read(Path file) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    float[] values = new float[bytes.length / 4];
    ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
    return values;
  }
}
