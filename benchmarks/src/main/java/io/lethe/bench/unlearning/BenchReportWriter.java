package io.lethe.bench.unlearning;

import io.lethe.processor.engine.calibrate.CalibrationResult;
import io.lethe.processor.engine.calibrate.CandidateScore;
import io.lethe.processor.engine.calibrate.Choice;
import io.lethe.processor.engine.method.ForgetScope;
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

  /**
   * Writes {@code results.csv} and {@code results.md} into {@code dir}, and {@code calibration.csv}
   * (every candidate the calibration tried) when it calibrated.
   */
  public static List<Path> write(Benchmark.Result result, Path dir) throws IOException {
    Files.createDirectories(dir);
    Path csv = dir.resolve("results.csv");
    Path md = dir.resolve("results.md");
    Files.writeString(csv, csv(result), StandardCharsets.UTF_8);
    Files.writeString(md, markdown(result), StandardCharsets.UTF_8);
    if (result.calibration() == null) {
      return List.of(csv, md);
    }
    Path cal = dir.resolve("calibration.csv");
    Files.writeString(cal, calibrationCsv(result.calibration()), StandardCharsets.UTF_8);
    return List.of(csv, md, cal);
  }

  /** {@code calibrated: class → famr {lr=0.05}, samples → muso {...}}, or what it could not do. */
  public static String calibratedLine(CalibrationResult c) {
    List<String> parts = new ArrayList<>();
    for (ForgetScope scope : List.of(ForgetScope.CLASS, ForgetScope.SAMPLES)) {
      Choice choice = c.choices().get(scope);
      parts.add(
          scope.name().toLowerCase(Locale.ROOT)
              + " → "
              + (choice == null
                  ? "none (the defaults stay)"
                  : choice.method()
                      + " "
                      + choice.settings()
                      + (choice.pinned() ? " (pinned)" : "")));
    }
    return "calibrated: " + String.join(", ", parts);
  }

  /**
   * Every candidate: fractions as in {@code results.csv}, gap as a fraction, cost in retrainings.
   */
  public static String calibrationCsv(CalibrationResult c) {
    StringBuilder sb =
        new StringBuilder(
            "scope,method,settings,avg_gap,forget_acc,held_out_acc,oracle_held_out_acc,"
                + "cost_retrainings,verdict,chosen,reason\n");
    for (CandidateScore s : c.candidates()) {
      sb.append(
              String.join(
                  ",",
                  s.scope().name().toLowerCase(Locale.ROOT),
                  s.method(),
                  quote(s.settings().toString()),
                  num(s.avgGap()),
                  num(s.forgetAccuracy()),
                  num(s.heldOutAccuracy()),
                  num(s.oracleHeldOutAccuracy()),
                  num(s.costRetrainings()),
                  s.verdict(),
                  String.valueOf(s.chosen()),
                  quote(s.reason() == null ? "" : s.reason())))
          .append('\n');
    }
    return sb.toString();
  }

  private static void calibrationSection(StringBuilder sb, CalibrationResult c) {
    sb.append("## Calibration\n\n");
    sb.append(
        String.format(
            Locale.ROOT,
            "On the training rows only (docs/engine.md, \"Calibration\"): %s; seed %d, %.1f of %d"
                + " retrainings in %.1f s. Simulated deletions: %s. Avg Gap here is to each"
                + " simulation's own oracle on the calibration's held-out rows (points, mean over the"
                + " scope's simulations); cost in retrainings of the model. Every candidate is in"
                + " `calibration.csv`.%s\n\n",
            c.status(),
            c.seed(),
            c.retrainingsUsed(),
            c.budgetRetrainings(),
            c.durationMillis() / 1e3,
            String.join(
                ", ",
                c.simulations().stream()
                    .map(d -> d.name() + " (" + d.forgetSetSize() + " rows)")
                    .toList()),
            c.reason() == null ? "" : " " + c.reason() + "."));
    sb.append(
        "| scope | method | settings | Avg Gap | UA | held-out | oracle held-out | cost | verdict |\n");
    sb.append("|---|---|---|---:|---:|---:|---:|---:|---|\n");
    for (CandidateScore s : c.candidates()) {
      if (s.verdict().equals(CandidateScore.SKIPPED)) {
        continue;
      }
      sb.append(
          String.format(
              Locale.ROOT,
              "| %s | %s | %s | %s | %s | %s | %s | %.2f | %s%s |\n",
              s.scope().name().toLowerCase(Locale.ROOT),
              s.method(),
              s.settings().isEmpty() ? "(defaults)" : s.settings().toString(),
              pct(s.avgGap()),
              pct(s.forgetAccuracy()),
              pct(s.heldOutAccuracy()),
              pct(s.oracleHeldOutAccuracy()),
              s.costRetrainings(),
              s.verdict(),
              s.chosen() ? " **chosen**" : ""));
    }
    long skipped =
        c.candidates().stream().filter(s -> s.verdict().equals(CandidateScore.SKIPPED)).count();
    sb.append('\n');
    if (skipped > 0) {
      sb.append(skipped).append(" candidates SKIPPED (budget spent, or the method cannot work on");
      sb.append(" this model); see `calibration.csv`.\n\n");
    }
  }

  private static String pct(Double v) {
    return v == null ? "" : String.format(Locale.ROOT, "%.2f", 100 * v);
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
    if (result.calibration() != null) {
      sb.append(calibratedLine(result.calibration()))
          .append(" (each calibrated method runs with its best calibrated settings; see the notes")
          .append(" and the Calibration section)\n\n");
    }
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
    if (result.calibration() != null) {
      calibrationSection(sb, result.calibration());
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
