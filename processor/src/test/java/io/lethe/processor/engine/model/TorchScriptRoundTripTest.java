package io.lethe.processor.engine.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.lethe.processor.TorchScriptFixtures;
import io.lethe.processor.catalog.CatalogModel;
import io.lethe.processor.catalog.ModelCatalog;
import io.lethe.processor.engine.data.Dataset;
import io.lethe.processor.engine.method.Budget;
import io.lethe.processor.engine.method.ForgetScope;
import io.lethe.processor.engine.method.Methods;
import io.lethe.processor.engine.method.UnlearningResult;
import io.lethe.processor.engine.method.UnlearningTask;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An imported model's versions are TorchScript files: the artifact of an unlearned version loads in
 * a new ClassifierModel and in PyTorch ({@code torch.jit.load} by /usr/bin/python3) and gives the
 * in-memory model's logits on the whole test set; a model with one weight changed does not.
 */
class TorchScriptRoundTripTest {

  private static final double TOLERANCE = 1e-4;
  private static final String PYTHON = "/usr/bin/python3";

  @TempDir static Path dir;
  private static CatalogModel digits;
  private static ClassifierModel unlearned;

  @BeforeAll
  static void unlearnOnce() throws IOException {
    Path catalog = dir.resolve("catalog.yaml");
    Files.writeString(
        catalog,
        "models:\n"
            + TorchScriptFixtures.digitsEntry("digits-ts", TorchScriptFixtures.CNN_HEAD, ""));
    digits = ModelCatalog.load(catalog).require("digits-ts");
    ClassifierModel original = ClassifierModel.load(specOf(digits));
    Dataset train = digits.train();
    Dataset forget = train.filterIndices(i -> i % 50 == 0);
    Dataset retain = train.filterIndices(i -> i % 50 != 0);
    UnlearningTask task =
        new UnlearningTask(
            original,
            forget,
            retain,
            ForgetScope.SAMPLES,
            Set.of(),
            Budget.empty(),
            7L,
            null,
            null);
    try (original;
        UnlearningResult result = Methods.byName("neggrad-plus").unlearn(task)) {
      unlearned = result.model().copy();
    }
  }

  @AfterAll
  static void close() {
    if (unlearned != null) {
      unlearned.close();
    }
  }

  static ModelSpec specOf(CatalogModel m) {
    return ModelTrainer.specFor(
        m.entry().architecture(),
        m.train(),
        m.entry().training().config(),
        m.entry().training().seed());
  }

  @Test
  void theArtifactIsAPlainTorchScriptZipAndLoadsBackWithTheSameLogits() throws IOException {
    byte[] bytes = unlearned.toBytes();
    assertTrue(TorchScriptNet.isZip(bytes));
    List<String> entries = zipEntries(bytes);
    assertTrue(entries.stream().anyMatch(e -> e.endsWith("/data.pkl")), entries.toString());
    try (ClassifierModel fresh = ClassifierModel.fromBytes(bytes)) {
      assertEquals(unlearned.spec().inputShape(), fresh.spec().inputShape());
      assertEquals(10, fresh.numClasses());
      assertTrue(maxAbsDifference(logits(unlearned), logits(fresh)) <= TOLERANCE);
      // Control: one weight changed is seen.
      try (ClassifierModel changed = ClassifierModel.fromBytes(bytes)) {
        float[] b = changed.headWeights();
        b[0] += 0.5f;
        changed.setHeadWeights(b);
        assertTrue(maxAbsDifference(logits(unlearned), logits(changed)) > TOLERANCE);
      }
    }
  }

  /** Content addressing needs the same bytes for the same weights. */
  @Test
  void theBytesAreTheSameForTheSameWeights() {
    byte[] once = unlearned.toBytes();
    assertArrayEquals(once, unlearned.toBytes());
    try (ClassifierModel fresh = ClassifierModel.fromBytes(once)) {
      assertEquals(ClassifierModel.sha256(once), fresh.sha256());
    }
  }

  @Test
  void theArtifactLoadsInPyTorchWithTheSameLogits() throws Exception {
    boolean ci = "true".equalsIgnoreCase(System.getenv("CI"));
    boolean torch = hasTorch();
    if (ci) {
      assertTrue(torch, PYTHON + " has no torch: CI installs python3-torch (.ci/run)");
    }
    assumeTrue(torch, PYTHON + " has no torch (apt-get install python3-torch)");
    Dataset test = digits.test();
    Path module = dir.resolve("version.pt");
    Files.write(module, unlearned.toBytes());
    Path inputs = dir.resolve("inputs.f32");
    Path outputs = dir.resolve("logits.f32");
    float[] x;
    try (NDManager scope = unlearned.manager().newSubManager()) {
      x = unlearned.batch(scope, test, range(test.size())).toFloatArray();
    }
    writeFloats(inputs, x);
    String script =
        "import sys, numpy as np, torch\n"
            + "torch.set_num_threads(1)\n"
            + "m = torch.jit.load(sys.argv[1]).eval()\n"
            + "x = np.fromfile(sys.argv[2], dtype='<f4').reshape(-1, 1, 28, 28)\n"
            + "with torch.no_grad():\n"
            + "    y = m(torch.from_numpy(x)).numpy().astype('<f4')\n"
            + "y.tofile(sys.argv[3])\n";
    Process p =
        new ProcessBuilder(
                PYTHON, "-c", script, module.toString(), inputs.toString(), outputs.toString())
            .redirectErrorStream(true)
            .start();
    String output = new String(p.getInputStream().readAllBytes());
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "python did not finish");
    assertEquals(0, p.exitValue(), output);
    float[] inPyTorch = readFloats(outputs);
    float[] inLethe = logits(unlearned);
    assertEquals(inLethe.length, inPyTorch.length);
    assertTrue(maxAbsDifference(inLethe, inPyTorch) <= TOLERANCE);
    // Control: the original module (before unlearning) answers differently.
    try (ClassifierModel original = ClassifierModel.load(specOf(digits))) {
      assertTrue(maxAbsDifference(logits(original), inPyTorch) > TOLERANCE);
    }
  }

  private static boolean hasTorch() {
    if (!Files.isExecutable(Path.of(PYTHON))) {
      return false;
    }
    try {
      Process p =
          new ProcessBuilder(PYTHON, "-c", "import torch, numpy").redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }

  private static float[] logits(ClassifierModel model) {
    Dataset test = digits.test();
    try (NDManager scope = model.manager().newSubManager()) {
      NDArray y = model.logits(model.batch(scope, test, range(test.size())));
      return y.toFloatArray();
    }
  }

  private static int[] range(int n) {
    int[] idx = new int[n];
    for (int i = 0; i < n; i++) {
      idx[i] = i;
    }
    return idx;
  }

  static double maxAbsDifference(float[] a, float[] b) {
    assertEquals(a.length, b.length);
    double max = 0;
    for (int i = 0; i < a.length; i++) {
      max = Math.max(max, Math.abs(a[i] - b[i]));
    }
    return max;
  }

  /** The archive's entries, from its central directory (PyTorch stores them with descriptors). */
  private static List<String> zipEntries(byte[] bytes) throws IOException {
    Path file = dir.resolve("listed.pt");
    Files.write(file, bytes);
    try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(file.toFile())) {
      return zip.stream().map(java.util.zip.ZipEntry::getName).toList();
    }
  }

  private static void writeFloats(Path file, float[] values) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    b.asFloatBuffer().put(values);
    Files.write(file, b.array());
  }

  private static float[] readFloats(Path file) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    float[] values = new float[bytes.length / 4];
    ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
    return values;
  }
}
