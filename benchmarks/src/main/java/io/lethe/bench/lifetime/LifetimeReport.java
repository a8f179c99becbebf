package io.lethe.bench.lifetime;

import io.lethe.bench.lifetime.LifetimeRow.Figures;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * Writes a lifetime run as {@code STEM.csv} and a two-panel {@code STEM.svg} ({@link
 * LifetimeOptions#fileStem}).
 */
final class LifetimeReport {

  static final String FIGURE_COLUMNS =
      "test_acc,retain_acc,forget_acc,mia,mia_cumulative,earlier_max_forget_acc,"
          + "earlier_class_max_acc,earlier_samples_acc";

  static final String HEADER =
      "batch,kind,forget_size,retain_size,method,policy,unlearn_ms,"
          + prefixed("chain_")
          + ","
          + prefixed("oracle_")
          + ",oracle_ms,test_gap,drift_test_drop,drift_earlier_forget_acc,drift_divergence,reanchor";

  private LifetimeReport() {}

  private static String prefixed(String prefix) {
    return prefix + FIGURE_COLUMNS.replace(",", "," + prefix);
  }

  static List<Path> write(
      List<LifetimeRow> rows, LifetimeOptions options, double originalTest, Path dir)
      throws IOException {
    Files.createDirectories(dir);
    Path csv = dir.resolve(options.fileStem() + ".csv");
    Files.writeString(csv, csv(rows), StandardCharsets.UTF_8);
    Path svg = dir.resolve(options.fileStem() + ".svg");
    Files.writeString(svg, svg(rows, options, originalTest), StandardCharsets.UTF_8);
    return List.of(csv, svg);
  }

  static String csv(List<LifetimeRow> rows) {
    StringBuilder b = new StringBuilder(HEADER).append('\n');
    for (LifetimeRow r : rows) {
      b.append(r.batch())
          .append(',')
          .append(r.kind().name().toLowerCase(Locale.ROOT))
          .append(',')
          .append(r.forgetSize())
          .append(',')
          .append(r.retainSize())
          .append(',')
          .append(r.method())
          .append(",\"")
          .append(r.policy().replace("\"", "'"))
          .append("\",")
          .append(r.unlearnMillis())
          .append(',')
          .append(figures(r.chain()))
          .append(',')
          .append(figures(r.oracle()))
          .append(',')
          .append(r.oracle() == null ? "" : Long.toString(r.oracleMillis()))
          .append(',')
          .append(
              r.oracle() == null
                  ? ""
                  : number(r.chain().testAccuracy() - r.oracle().testAccuracy()))
          .append(',')
          .append(r.drift() == null ? "" : number(r.drift().testDrop()))
          .append(',')
          .append(r.drift() == null ? "" : number(r.drift().earlierForgetAccuracy()))
          .append(',')
          .append(r.drift() == null ? "" : number(r.drift().divergence()))
          .append(",\"")
          .append(r.reanchor().replace("\"", "'"))
          .append('"')
          .append('\n');
    }
    return b.toString();
  }

  private static String figures(Figures f) {
    if (f == null) {
      return ",,,,,,,";
    }
    return String.join(
        ",",
        number(f.testAccuracy()),
        number(f.retainAccuracy()),
        number(f.forgetAccuracy()),
        number(f.mia()),
        number(f.cumulativeMia()),
        number(f.earlierMaxForgetAccuracy()),
        number(f.earlierClassMaxAccuracy()),
        number(f.earlierSamplesAccuracy()));
  }

  private static String number(Double v) {
    return v == null ? "" : number(v.doubleValue());
  }

  private static String number(double v) {
    return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.5f", v);
  }

  // ---- SVG: two panels sharing the batch axis, percent on the y axis.

  private static final int WIDTH = 900;
  private static final int PANEL = 260;
  private static final int LEFT = 60;
  private static final int RIGHT = 220;
  private static final int TOP = 50;
  private static final int GAP = 60;

  /** A line of one panel: what it reads from a row's figures, and how it is drawn. */
  private record Series(
      String label, boolean oracle, ToDoubleFunction<Figures> value, String color, String dash) {}

  static String svg(List<LifetimeRow> rows, LifetimeOptions options, double originalTest) {
    int height = TOP + 2 * PANEL + GAP + 50;
    StringBuilder b = new StringBuilder();
    b.append(
        String.format(
            Locale.ROOT,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\""
                + " font-family=\"sans-serif\" font-size=\"12\">\n"
                + "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n",
            WIDTH,
            height));
    b.append(
        text(
            LEFT,
            22,
            String.format(
                    Locale.ROOT,
                    "Lifetime: %d batches on MNIST-10k, %s (original TA %.2f %%); %s / %s%s",
                    rows.size(),
                    options.architecture().describe(),
                    100 * originalTest,
                    options.classMethod(),
                    options.sampleMethod(),
                    options.escalate() ? ", escalation on" : ", no escalation")
                + (options.driftGuard()
                    ? String.format(
                        Locale.ROOT,
                        "; drift guard on (%d re-anchors, grey lines)",
                        rows.stream().filter(r -> !r.reanchor().isEmpty()).count())
                    : "; drift guard off"),
            "14"));
    int lastBatch = rows.isEmpty() ? 1 : rows.get(rows.size() - 1).batch();
    panel(
        b,
        rows,
        lastBatch,
        TOP,
        "accuracy (%)",
        List.of(
            new Series("test, chain", false, Figures::testAccuracy, "#1f77b4", ""),
            new Series("test, oracle", true, Figures::testAccuracy, "#1f77b4", "6,4"),
            new Series("retain, chain", false, Figures::retainAccuracy, "#2ca02c", ""),
            new Series("retain, oracle", true, Figures::retainAccuracy, "#2ca02c", "6,4")));
    panel(
        b,
        rows,
        lastBatch,
        TOP + PANEL + GAP,
        "earlier forget sets (%), MIA x100",
        List.of(
            new Series(
                "earlier classes max, chain",
                false,
                Figures::earlierClassMaxAccuracy,
                "#d62728",
                ""),
            new Series(
                "earlier classes max, oracle",
                true,
                Figures::earlierClassMaxAccuracy,
                "#d62728",
                "6,4"),
            new Series(
                "earlier samples, chain", false, Figures::earlierSamplesAccuracy, "#ff7f0e", ""),
            new Series(
                "earlier samples, oracle", true, Figures::earlierSamplesAccuracy, "#ff7f0e", "6,4"),
            new Series("cumulative MIA, chain", false, Figures::cumulativeMia, "#9467bd", ""),
            new Series("cumulative MIA, oracle", true, Figures::cumulativeMia, "#9467bd", "6,4")));
    reanchorLines(b, rows, lastBatch, height);
    b.append(text(LEFT + (WIDTH - LEFT - RIGHT) / 2 - 20, height - 12, "batch", "12"));
    b.append("</svg>\n");
    return b.toString();
  }

  private static void panel(
      StringBuilder b,
      List<LifetimeRow> rows,
      int lastBatch,
      int top,
      String title,
      List<Series> series) {
    double lo = 100;
    double hi = 0;
    for (Series s : series) {
      for (LifetimeRow r : rows) {
        Figures f = s.oracle() ? r.oracle() : r.chain();
        if (f != null && !Double.isNaN(s.value().applyAsDouble(f))) {
          double v = 100 * s.value().applyAsDouble(f);
          lo = Math.min(lo, v);
          hi = Math.max(hi, v);
        }
      }
    }
    if (hi < lo) {
      lo = 0;
      hi = 100;
    }
    // Round the range outward to 5 points so the grid lines fall on round numbers.
    lo = Math.max(0, Math.floor(lo / 5) * 5);
    hi = Math.min(100, Math.ceil(hi / 5) * 5);
    if (hi - lo < 5) {
      hi = Math.min(100, lo + 5);
      lo = hi - 5;
    }
    int plotWidth = WIDTH - LEFT - RIGHT;
    b.append(text(LEFT, top - 8, title, "12"));
    b.append(
        String.format(
            Locale.ROOT,
            "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#888\"/>\n",
            LEFT,
            top,
            plotWidth,
            PANEL));
    for (int g = 0; g <= 5; g++) {
      double v = lo + g * (hi - lo) / 5;
      double y = top + PANEL - g * PANEL / 5.0;
      b.append(
          String.format(
              Locale.ROOT,
              "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#eee\"/>\n",
              LEFT,
              y,
              LEFT + plotWidth,
              y));
      b.append(text(LEFT - 40, (int) y + 4, String.format(Locale.ROOT, "%.1f", v), "11"));
    }
    for (int g = 0; g <= 4; g++) {
      int batch = Math.max(1, Math.round(g * lastBatch / 4f));
      double x = LEFT + plotWidth * (batch - 1) / (double) Math.max(1, lastBatch - 1);
      b.append(text((int) x - 6, top + PANEL + 16, Integer.toString(batch), "11"));
    }
    int legendY = top + 12;
    for (Series s : series) {
      StringBuilder points = new StringBuilder();
      for (LifetimeRow r : rows) {
        Figures f = s.oracle() ? r.oracle() : r.chain();
        if (f == null || Double.isNaN(s.value().applyAsDouble(f))) {
          continue;
        }
        double v = Math.max(lo, Math.min(hi, 100 * s.value().applyAsDouble(f)));
        double x = LEFT + plotWidth * (r.batch() - 1) / (double) Math.max(1, lastBatch - 1);
        double y = top + PANEL - PANEL * (v - lo) / (hi - lo);
        points.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
      }
      b.append(
          String.format(
              Locale.ROOT,
              "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"1.6\"%s points=\"%s\"/>\n",
              s.color(),
              s.dash().isEmpty() ? "" : " stroke-dasharray=\"" + s.dash() + "\"",
              points.toString().trim()));
      b.append(
          String.format(
              Locale.ROOT,
              "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" stroke-width=\"1.6\"%s/>\n",
              LEFT + plotWidth + 12,
              legendY - 4,
              LEFT + plotWidth + 40,
              legendY - 4,
              s.color(),
              s.dash().isEmpty() ? "" : " stroke-dasharray=\"" + s.dash() + "\""));
      b.append(text(LEFT + plotWidth + 46, legendY, s.label(), "11"));
      legendY += 18;
    }
  }

  /** A thin grey vertical line across both panels at every re-anchored batch. */
  private static void reanchorLines(
      StringBuilder b, List<LifetimeRow> rows, int lastBatch, int height) {
    int plotWidth = WIDTH - LEFT - RIGHT;
    for (LifetimeRow r : rows) {
      if (r.reanchor().isEmpty()) {
        continue;
      }
      double x = LEFT + plotWidth * (r.batch() - 1) / (double) Math.max(1, lastBatch - 1);
      b.append(
          String.format(
              Locale.ROOT,
              "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#999\""
                  + " stroke-width=\"0.8\"/>\n",
              x,
              TOP,
              x,
              TOP + 2 * PANEL + GAP));
    }
  }

  private static String text(int x, int y, String s, String size) {
    String escaped = s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    return String.format(
        Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"%s\">%s</text>\n", x, y, size, escaped);
  }
}
