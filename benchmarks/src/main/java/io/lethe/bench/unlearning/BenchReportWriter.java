package io.lethe.bench.unlearning;

import io.lethe.processor.engine.verify.VerificationReport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Writes benchmark results as CSV (one file, all tables) and Markdown (one section per table). */
public final class BenchReportWriter {

  private static final Map<String, String> TITLES = new LinkedHashMap<>();

  static {
    TITLES.put("class", "Table 1: forget one class");
    TITLES.put("samples", "Table 2: forget a random fraction of the training samples");
    TITLES.put("linear-class", "Table 3a: MUSO linear setting, forget one class");
    TITLES.put("linear-samples", "Table 3b: MUSO linear setting, forget random samples");
  }

  private BenchReportWriter() {}

  /** Writes {@code results.csv} and {@code results.md} into {@code dir}. */
  public static List<Path> write(Benchmark.Result result, Path dir) throws IOException {
    Files.createDirectories(dir);
    Path csv = dir.resolve("results.csv");
    Path md = dir.resolve("results.md");
    Files.writeString(csv, csv(result), StandardCharsets.UTF_8);
    Files.writeString(md, markdown(result), StandardCharsets.UTF_8);
    return List.of(csv, md);
  }

  /** The CSV text: accuracies and MIA as fractions, times in milliseconds. */
  public static String csv(Benchmark.Result result) {
    StringBuilder sb = new StringBuilder();
    sb.append(
        "table,method,forget_acc,retain_acc,test_acc,mia,avg_gap,js_divergence,param_distance,"
            + "time_ms,speedup,cpu_ms,cpu_speedup,forget_size,retain_size,policy,notes\n");
    for (BenchmarkRow row : result.rows()) {
      VerificationReport r = row.report();
      sb.append(
          String.join(
              ",",
              row.table(),
              row.method(),
              num(r.forgetAccuracy()),
              num(r.retainAccuracy()),
              num(r.testAccuracy()),
              num(r.mia()),
              num(r.avgGap()),
              num(r.jsDivergence()),
              num(r.parameterDistance()),
              r.durationMillis() == null ? "" : String.valueOf(r.durationMillis()),
              num(r.speedup()),
              String.valueOf(row.cpuMillis()),
              num(row.cpuSpeedup()),
              String.valueOf(r.forgetSetSize()),
              String.valueOf(r.retainSetSize()),
              quote(row.policy()),
              quote(row.notes())));
      sb.append('\n');
    }
    return sb.toString();
  }

  /** The Markdown text. */
  public static String markdown(Benchmark.Result result) {
    BenchmarkOptions o = result.options();
    StringBuilder sb = new StringBuilder();
    sb.append("# Lethe unlearning benchmark\n\n");
    sb.append(
        String.format(
            Locale.ROOT,
            "Dataset: %s, seed %d, model %s (%d epochs), device %s. Original model: accuracy %.2f %%"
                + " on the %s split, trained in %.1f s. UA/RA/TA = forget/retain/test accuracy"
                + " (%%), MIA = attack accuracy forget vs unseen (0.5 = chance), Avg Gap = mean"
                + " |difference| to the retrained oracle over UA, RA, TA, MIA (points), JS ="
                + " Jensen-Shannon divergence to the oracle's outputs on the forget set (bits),"
                + " speed-up = oracle retraining wall time / method wall time; CPU speed-up = the same"
                + " ratio of process CPU time (robust when other processes share the cores).%s\n\n",
            result.dataset(),
            result.seed(),
            result.architecture(),
            result.epochs(),
            result.device(),
            100 * result.originalTestAccuracy(),
            o.evaluateOnValidation() ? "validation" : "test",
            result.originalTrainMillis() / 1e3,
            o.evaluateOnValidation()
                ? " **TA and MIA on the validation split (tuning run).**"
                : ""));
    for (Map.Entry<String, String> t : TITLES.entrySet()) {
      List<BenchmarkRow> rows = new ArrayList<>();
      for (BenchmarkRow r : result.rows()) {
        if (r.table().equals(t.getKey())) {
          rows.add(r);
        }
      }
      if (rows.isEmpty()) {
        continue;
      }
      VerificationReport first = rows.get(0).report();
      sb.append("## ").append(t.getValue()).append("\n\n");
      sb.append(
          String.format(
              Locale.ROOT,
              "Forget set %d samples, retain set %d.\n\n",
              first.forgetSetSize(),
              first.retainSetSize()));
      boolean linear = t.getKey().startsWith("linear");
      sb.append("| method | UA | RA | TA | MIA | Avg Gap | JS |")
          .append(linear ? " ‖w−w_r‖/‖w_r‖ |" : "")
          .append(" time (s) | speed-up | CPU speed-up | policy |\n");
      sb.append("|---|---:|---:|---:|---:|---:|---:|")
          .append(linear ? "---:|" : "")
          .append("---:|---:|---:|---|\n");
      for (BenchmarkRow row : rows) {
        VerificationReport r = row.report();
        sb.append(
            String.format(
                Locale.ROOT,
                "| %s | %.2f | %.2f | %.2f | %.3f | %.2f | %.4f |%s %.2f | %s | %.1f× | %s |\n",
                row.method(),
                100 * r.forgetAccuracy(),
                100 * r.retainAccuracy(),
                100 * r.testAccuracy(),
                r.mia(),
                r.avgGap() == null ? Double.NaN : 100 * r.avgGap(),
                r.jsDivergence() == null ? Double.NaN : r.jsDivergence(),
                linear
                    ? String.format(
                        Locale.ROOT,
                        " %.2e |",
                        r.parameterDistance() == null ? Double.NaN : r.parameterDistance())
                    : "",
                r.durationMillis() == null ? Double.NaN : r.durationMillis() / 1e3,
                r.speedup() == null ? "" : String.format(Locale.ROOT, "%.1f×", r.speedup()),
                row.cpuSpeedup(),
                row.policy()));
      }
      sb.append('\n');
    }
    sb.append("Method notes:\n\n");
    for (BenchmarkRow row : result.rows()) {
      sb.append("- ")
          .append(row.table())
          .append(" / ")
          .append(row.method())
          .append(": ")
          .append(row.notes())
          .append('\n');
    }
    return sb.toString();
  }

  private static String num(Double v) {
    return v == null || v.isNaN() ? "" : String.format(Locale.ROOT, "%.6g", v);
  }

  private static String quote(String s) {
    return '"' + s.replace("\"", "\"\"") + '"';
  }
}
