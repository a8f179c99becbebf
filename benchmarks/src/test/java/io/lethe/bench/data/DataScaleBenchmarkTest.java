package io.lethe.bench.data;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The benchmark at a small size, so that its generate-and-load path keeps working. */
class DataScaleBenchmarkTest {

  @Test
  void generatesLoadsAndReportsBothSets() throws Exception {
    PrintStream original = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    try (PrintStream out = new PrintStream(captured, true, StandardCharsets.UTF_8)) {
      System.setOut(out);
      DataScaleBenchmark.main(new String[] {"2000", "4", "600"});
    } finally {
      System.setOut(original);
    }
    String report = captured.toString(StandardCharsets.UTF_8);
    assertTrue(
        report.contains(
            "loaded: train 1800, test 200 samples of 4, 4 classes, 200 training subjects"),
        report);
    assertTrue(
        report.contains("loaded: train 600, test 100 samples of 1x28x28, 10 classes"), report);
    assertTrue(report.contains("load time"), report);
    assertTrue(report.contains("process RSS"), report);
  }
}
