package io.lethe.processor.engine.data;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Per-feature standardization {@code (x - mean) / std}, with the statistics of the training rows
 * only (the test set must not leak into them); stored with the model so that the same transform
 * applies to every later input. A feature that is constant on the training rows gets std 1, so it
 * becomes 0 instead of NaN.
 *
 * @param mean per-feature mean of the training rows
 * @param std per-feature population standard deviation, 1 where it is 0
 */
public record Standardization(float[] mean, float[] std) {

  public Standardization {
    if (mean.length != std.length) {
      throw new IllegalArgumentException(mean.length + " means but " + std.length + " stds");
    }
    for (int j = 0; j < std.length; j++) {
      if (!(std[j] > 0) || !Float.isFinite(std[j]) || !Float.isFinite(mean[j])) {
        throw new IllegalArgumentException(
            "feature " + j + ": bad statistics mean=" + mean[j] + " std=" + std[j]);
      }
    }
    mean = mean.clone();
    std = std.clone();
  }

  /** The statistics of {@code train}'s features. */
  public static Standardization fit(Dataset train) {
    int width = train.featureSize();
    float[] row = new float[width];
    double[] sum = new double[width];
    for (int i = 0; i < train.size(); i++) {
      train.copyFeatures(i, row, 0);
      for (int j = 0; j < width; j++) {
        sum[j] += row[j];
      }
    }
    return fromSums(train, sum);
  }

  private static Standardization fromSums(Dataset train, double[] sum) {
    int n = train.size();
    if (n == 0) {
      throw new IllegalArgumentException("cannot standardize on an empty training set");
    }
    int width = sum.length;
    double[] mean = new double[width];
    for (int j = 0; j < width; j++) {
      mean[j] = sum[j] / n;
    }
    // Two passes (mean, then squared deviations) rather than sum of squares: no cancellation for
    // features with a large mean and a small spread.
    double[] squares = new double[width];
    float[] row = new float[width];
    for (int i = 0; i < n; i++) {
      train.copyFeatures(i, row, 0);
      for (int j = 0; j < width; j++) {
        double d = row[j] - mean[j];
        squares[j] += d * d;
      }
    }
    float[] m = new float[width];
    float[] s = new float[width];
    for (int j = 0; j < width; j++) {
      m[j] = (float) mean[j];
      float std = (float) Math.sqrt(squares[j] / n);
      s[j] = std > 0 && Float.isFinite(std) ? std : 1f;
    }
    return new Standardization(m, s);
  }

  /** Number of features. */
  public int size() {
    return mean.length;
  }

  /** A new dataset with the features of {@code data} standardized (labels, ids, shape kept). */
  public Dataset apply(Dataset data) {
    checkWidth(data.featureSize());
    int width = data.featureSize();
    float[] values = new float[Math.multiplyExact(data.size(), width)];
    for (int i = 0; i < data.size(); i++) {
      data.copyFeatures(i, values, i * width);
    }
    applyInPlace(values);
    return Dataset.of(values, data.labels(), data.ids(), data.shape(), data.numClasses());
  }

  /** Standardizes one sample's features in place. */
  public void applyToSample(float[] features) {
    checkWidth(features.length);
    applyInPlace(features);
  }

  /** Standardizes rows of {@link #size()} values, in place (the loader owns the fresh arrays). */
  void applyInPlace(float[] values) {
    int width = mean.length;
    float[] inverse = new float[width];
    for (int j = 0; j < width; j++) {
      inverse[j] = 1f / std[j];
    }
    for (int o = 0; o < values.length; o += width) {
      for (int j = 0; j < width; j++) {
        values[o + j] = (values[o + j] - mean[j]) * inverse[j];
      }
    }
  }

  private void checkWidth(int width) {
    if (width != mean.length) {
      throw new IllegalArgumentException(
          "standardization of " + mean.length + " features applied to " + width);
    }
  }

  /**
   * Two lines, {@code mean v1 v2 ...} and {@code std v1 v2 ...}: floats written exactly ({@link
   * Float#toString} round-trips), for storing with the model.
   */
  public String toText() {
    return "mean " + join(mean) + "\nstd " + join(std) + "\n";
  }

  /** Reads what {@link #toText()} wrote. */
  public static Standardization parse(String text) {
    String[] lines = text.strip().split("\n");
    if (lines.length != 2 || !lines[0].startsWith("mean ") || !lines[1].startsWith("std ")) {
      throw new IllegalArgumentException(
          "not a standardization: expected lines 'mean ...', 'std ...'");
    }
    return new Standardization(floats(lines[0], "mean "), floats(lines[1], "std "));
  }

  /** {@code {"mean": [...], "std": [...]}}, for a JSON or YAML document. */
  public Map<String, List<Float>> toMap() {
    Map<String, List<Float>> map = new LinkedHashMap<>();
    map.put("mean", boxed(mean));
    map.put("std", boxed(std));
    return map;
  }

  /** Reads what {@link #toMap()} wrote. */
  public static Standardization fromMap(Map<String, ? extends List<? extends Number>> map) {
    List<? extends Number> m = map.get("mean");
    List<? extends Number> s = map.get("std");
    if (m == null || s == null) {
      throw new IllegalArgumentException("a standardization needs 'mean' and 'std'");
    }
    return new Standardization(unboxed(m), unboxed(s));
  }

  private static String join(float[] values) {
    StringBuilder out = new StringBuilder();
    for (int j = 0; j < values.length; j++) {
      if (j > 0) {
        out.append(' ');
      }
      out.append(values[j]);
    }
    return out.toString();
  }

  private static float[] floats(String line, String prefix) {
    String body = line.substring(prefix.length()).strip();
    if (body.isEmpty()) {
      return new float[0];
    }
    String[] parts = body.split(" ");
    float[] out = new float[parts.length];
    for (int j = 0; j < parts.length; j++) {
      try {
        out[j] = Float.parseFloat(parts[j]);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(prefix.strip() + " value " + j + ": '" + parts[j] + "'");
      }
    }
    return out;
  }

  private static List<Float> boxed(float[] values) {
    Float[] out = new Float[values.length];
    for (int j = 0; j < values.length; j++) {
      out[j] = values[j];
    }
    return List.of(out);
  }

  private static float[] unboxed(List<? extends Number> values) {
    float[] out = new float[values.size()];
    for (int j = 0; j < out.length; j++) {
      out[j] = values.get(j).floatValue();
    }
    return out;
  }

  @Override
  public float[] mean() {
    return mean.clone();
  }

  @Override
  public float[] std() {
    return std.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Standardization other
        && Arrays.equals(mean, other.mean)
        && Arrays.equals(std, other.std);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(mean) + Arrays.hashCode(std);
  }

  @Override
  public String toString() {
    return "Standardization[" + mean.length + " features]";
  }
}
