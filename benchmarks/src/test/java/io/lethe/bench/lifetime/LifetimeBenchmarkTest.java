package io.lethe.bench.lifetime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lethe.processor.engine.architecture.Mlp;
import io.lethe.processor.engine.method.ForgetScope;
import io.lethe.processor.engine.method.Methods;
import io.lethe.processor.engine.method.UnlearningMethod;
import io.lethe.processor.engine.method.UnlearningResult;
import io.lethe.processor.engine.method.UnlearningTask;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LifetimeBenchmarkTest {

  @TempDir Path dir;

  /** The control: hands back the parent's weights unchanged, so nothing is ever forgotten. */
  static final class NoOp implements UnlearningMethod {
    record Settings() {}

    @Override
    public String name() {
      return "noop";
    }

    @Override
    public Class<? extends Record> settingsType() {
      return Settings.class;
    }

    @Override
    public Record defaultSettings(ForgetScope scope) {
      return new Settings();
    }

    @Override
    public void checkSettings(Map<String, String> settings) {}

    @Override
    public UnlearningResult unlearn(UnlearningTask task) {
      return new UnlearningResult(task.original().copy(), name(), 0, Map.of());
    }
  }

  /** Four batches: samples, class, samples (subjects at even numbers), class; oracle after 2, 4. */
  private List<Map<String, String>> run(String classMethod, String sampleMethod, Path out)
      throws IOException {
    return run(classMethod, sampleMethod, out, false);
  }

  private List<Map<String, String>> run(
      String classMethod, String sampleMethod, Path out, boolean guard) throws IOException {
    LifetimeOptions options =
        new LifetimeOptions(
            42,
            new Mlp(),
            3,
            1500,
            4,
            2,
            2,
            20,
            10,
            classMethod,
            sampleMethod,
            false,
            out,
            guard,
            0);
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    new LifetimeBenchmark(
            options,
            new PrintStream(log, true, StandardCharsets.UTF_8),
            name -> name.equals("noop") ? new NoOp() : Methods.byName(name))
        .run();
    List<String> lines = Files.readAllLines(out.resolve(options.fileStem() + ".csv"));
    assertEquals(LifetimeReport.HEADER, lines.get(0));
    assertEquals(5, lines.size(), "a header and one row per batch: " + lines);
    String svg = Files.readString(out.resolve(options.fileStem() + ".svg"));
    assertTrue(svg.startsWith("<svg") && svg.contains("<polyline"), svg);
    List<String> header = Arrays.asList(lines.get(0).split(","));
    return lines.subList(1, lines.size()).stream()
        .map(
            line -> {
              // The policy column is quoted and may hold commas: split outside quotes.
              String[] cells = line.split(",(?=(?:[^\"]*\"[^\"]*\")*[^\"]*$)", -1);
              assertEquals(header.size(), cells.length, line);
              Map<String, String> row = new java.util.HashMap<>();
              for (int i = 0; i < cells.length; i++) {
                row.put(header.get(i), cells[i]);
              }
              return row;
            })
        .toList();
  }

  private static double value(Map<String, String> row, String column) {
    return Double.parseDouble(row.get(column));
  }

  @Test
  void csvHasTheColumnsAndTheNoOpControlShowsTheEarlierClassRecognized() throws IOException {
    for (String column :
        List.of(
            "batch",
            "kind",
            "chain_test_acc",
            "chain_retain_acc",
            "chain_earlier_max_forget_acc",
            "chain_earlier_class_max_acc",
            "chain_mia",
            "oracle_test_acc",
            "oracle_retain_acc",
            "oracle_earlier_max_forget_acc",
            "oracle_mia",
            "test_gap")) {
      assertTrue(LifetimeReport.HEADER.contains(column), column);
    }
    List<Map<String, String>> noop = run("noop", "noop", dir.resolve("noop"));
    assertEquals(
        List.of("samples", "class", "samples", "class"),
        noop.stream().map(r -> r.get("kind")).toList());
    // Batch 4 re-tests batch 2's class: the no-op version still recognizes it, the oracle cannot.
    Map<String, String> last = noop.get(3);
    assertTrue(value(last, "chain_earlier_class_max_acc") > 0.8, last.toString());
    assertTrue(value(last, "chain_earlier_max_forget_acc") > 0.8, last.toString());
    assertTrue(value(last, "oracle_earlier_class_max_acc") < 0.05, last.toString());
    assertTrue(noop.get(2).get("oracle_test_acc").isEmpty(), "no oracle after batch 3");

    // A real class method on the same batches: batch 2's class stays forgotten at batch 4.
    List<Map<String, String>> famr = run("famr", "muso", dir.resolve("famr"));
    Map<String, String> famrLast = famr.get(3);
    assertTrue(value(famrLast, "chain_earlier_class_max_acc") < 0.05, famrLast.toString());
    assertTrue(Math.abs(value(famrLast, "test_gap")) < 0.1, famrLast.toString());
  }

  /**
   * The drift guard on the no-op chain: batch 3 re-tests batch 2's class, finds it recognized (the
   * no-op bypasses the methods' skeleton, so nothing takes it out of the head) and re-anchors by
   * exact retraining; at batch 4 the class is gone. The control is the guard-off no-op run of the
   * test above (> 80 % at batch 4).
   */
  @Test
  void theDriftGuardReanchorsWhenAnEarlierClassComesBack() throws IOException {
    List<Map<String, String>> guarded = run("noop", "noop", dir.resolve("guard"), true);
    assertEquals("\"\"", guarded.get(1).get("reanchor"), "batch 2 has no earlier set yet");
    String reason = guarded.get(2).get("reanchor");
    assertTrue(reason.contains("earlier class"), guarded.get(2).toString());
    assertEquals("noop->reanchor", guarded.get(2).get("method"));
    assertTrue(
        value(guarded.get(2), "chain_earlier_class_max_acc") < 0.05, guarded.get(2).toString());
    Map<String, String> last = guarded.get(3);
    assertTrue(value(last, "chain_earlier_class_max_acc") < 0.05, last.toString());
    List<Map<String, String>> off = run("noop", "noop", dir.resolve("noguard"), false);
    assertTrue(value(off.get(3), "chain_earlier_class_max_acc") > 0.8, "control: " + off.get(3));
    assertTrue(off.get(2).get("drift_test_drop").isEmpty(), "guard off: no drift figures");
  }
}
