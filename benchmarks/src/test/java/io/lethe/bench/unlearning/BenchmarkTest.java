package io.lethe.bench.unlearning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lethe.processor.catalog.BuiltinCatalog;
import io.lethe.processor.engine.data.BuiltinDatasets;
import io.lethe.processor.engine.data.Dataset;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchmarkTest {

  @TempDir Path dir;

  /**
   * On a catalog model the benchmark uses the model's own split, architecture, recipe and method
   * settings: here the patient table (two classes, so the last class is forgotten by default) and
   * the settings the catalog pins for famr.
   */
  @Test
  void runsOnACatalogModelWithItsOwnDataAndSettings() throws IOException {
    Path catalog = BuiltinCatalog.writeExamples(dir.resolve("catalog"));
    Path out = dir.resolve("catalog-bench");
    BenchmarkOptions options =
        Benchmark.parse(
            new String[] {
              "--catalog",
              catalog.toString(),
              "--model",
              BuiltinCatalog.PATIENTS_MLP,
              "--methods",
              "retrain,famr,finetune",
              "--linear-samples",
              "0",
              "--out",
              out.toString()
            });
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    Benchmark.Result result =
        new Benchmark(options, new PrintStream(log, true, StandardCharsets.UTF_8)).run();
    String progress = log.toString(StandardCharsets.UTF_8);
    assertTrue(progress.contains("train 456, validation 456, test 113"), progress);
    assertTrue(progress.contains("epoch 30/30"), "the catalog's recipe: " + progress);
    assertEquals("mlp(hidden=64,32)", result.architecture());
    assertEquals(7L, result.seed());
    BenchmarkRow famr =
        result.rows().stream()
            .filter(r -> r.table().equals("class") && r.method().equals("famr"))
            .findFirst()
            .orElseThrow();
    assertEquals(
        result.rows().stream()
            .filter(r -> r.table().equals("class") && r.method().equals("retrain"))
            .findFirst()
            .orElseThrow()
            .report()
            .forgetSetSize(),
        famr.report().forgetSetSize());
    assertTrue(famr.report().forgetAccuracy() <= 0.01, famr.toString());
    String md = Files.readString(out.resolve("results.md"));
    assertTrue(md.contains("model patients-mlp"));
    // Calibrated first, on the training rows, over the methods asked for: the rows say so.
    assertTrue(progress.contains("calibration: 456 training rows"), progress);
    assertTrue(md.startsWith("# Lethe unlearning benchmark\n\ncalibrated: class → "), md);
    assertTrue(md.contains("## Calibration"), md);
    assertTrue(Files.exists(out.resolve("calibration.csv")));
    var c = result.calibration();
    assertTrue(
        c.candidates().stream()
            .allMatch(s -> s.method().equals("famr") || s.method().equals("finetune")),
        c.candidates().toString());
    c.bestOf(io.lethe.processor.engine.method.ForgetScope.CLASS, "famr")
        .ifPresent(
            best ->
                assertTrue(famr.notes().startsWith("calibrated " + best.settings()), famr.notes()));
  }

  @Test
  void runsOnAnyIdxDatasetAndWritesCsvAndMarkdown() throws IOException {
    // 900 MNIST digits cropped to 20x16 (rows 4..23, cols 6..21), written as gzipped IDX
    Dataset source = BuiltinDatasets.mnist10k().subset(0, 900);
    int rows = 20;
    int cols = 16;
    byte[] pixels = new byte[source.size() * rows * cols];
    byte[] labels = new byte[source.size()];
    for (int i = 0; i < source.size(); i++) {
      float[] f = source.features(i);
      for (int r = 0; r < rows; r++) {
        for (int c = 0; c < cols; c++) {
          pixels[(i * rows + r) * cols + c] = (byte) Math.round(f[(r + 4) * 28 + c + 6] * 255);
        }
      }
      labels[i] = (byte) source.label(i);
    }
    Path images = write("imgs.gz", 0x00000803, new int[] {source.size(), rows, cols}, pixels);
    Path labelFile = write("labs.gz", 0x00000801, new int[] {source.size()}, labels);
    Path out = dir.resolve("bench");
    BenchmarkOptions options =
        Benchmark.parse(
            new String[] {
              "--images",
              images.toString(),
              "--labels",
              labelFile.toString(),
              "--methods",
              "retrain,famr,slug,muso,sisa",
              "--epochs",
              "2",
              "--shards",
              "2",
              "--linear-samples",
              "120",
              "--forget-class",
              "1",
              "--no-calibrate",
              "--out",
              out.toString()
            });
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    Benchmark.Result result =
        new Benchmark(options, new PrintStream(log, true, StandardCharsets.UTF_8)).run();

    String progress = log.toString(StandardCharsets.UTF_8);
    assertTrue(progress.contains("1x20x16"), progress);
    assertTrue(progress.contains("epoch 2/2"), progress);
    Set<String> tables =
        result.rows().stream().map(BenchmarkRow::table).collect(Collectors.toSet());
    assertEquals(Set.of("class", "samples", "linear-class", "linear-samples"), tables);
    List<String> classMethods =
        result.rows().stream()
            .filter(r -> r.table().equals("class"))
            .map(BenchmarkRow::method)
            .toList();
    assertEquals(
        List.of("retrain", "sisa", "muso", "famr", "slug", "famr[uniform=all]"), classMethods);
    List<String> sampleMethods =
        result.rows().stream()
            .filter(r -> r.table().equals("samples"))
            .map(BenchmarkRow::method)
            .toList();
    assertEquals(List.of("retrain", "sisa", "muso"), sampleMethods, "class-only methods skipped");
    for (BenchmarkRow row : result.rows()) {
      if (row.method().equals("retrain")) {
        assertEquals(0.0, row.report().avgGap(), 1e-12);
      }
      if (row.table().startsWith("linear") && row.method().equals("muso")) {
        assertTrue(row.report().parameterDistance() <= 1e-6, row.toString());
      }
    }
    String csv = Files.readString(out.resolve("results.csv"));
    assertTrue(csv.startsWith("table,method,forget_acc,retain_acc,test_acc,mia,avg_gap"), csv);
    assertEquals(result.rows().size() + 1, csv.lines().count());
    String md = Files.readString(out.resolve("results.md"));
    assertTrue(md.contains("## Table 1: forget one class"), md);
    assertTrue(md.contains("| famr |"), md);
    assertTrue(md.contains("imgs.gz"), md);
    // --no-calibrate: the old behaviour, every method at its defaults.
    assertTrue(result.calibration() == null && !md.contains("calibrated"), md);
    assertTrue(!progress.contains("calibration"), progress);
  }

  @Test
  void rejectsUnknownMethodsAndHalfGivenDatasets() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> Benchmark.parse(new String[] {"--methods", "x"}));
    assertTrue(e.getMessage().contains("famr"), e.getMessage());
    assertThrows(
        IllegalArgumentException.class, () -> Benchmark.parse(new String[] {"--images", "a"}));
    assertEquals("cnn", Benchmark.parse(new String[] {"--arch", "cnn"}).architecture().name());
  }

  private Path write(String name, int magic, int[] dims, byte[] body) throws IOException {
    Path p = dir.resolve(name);
    try (OutputStream file = Files.newOutputStream(p);
        DataOutputStream out = new DataOutputStream(new GZIPOutputStream(file))) {
      out.writeInt(magic);
      for (int d : dims) {
        out.writeInt(d);
      }
      out.write(body);
    }
    return p;
  }
}
