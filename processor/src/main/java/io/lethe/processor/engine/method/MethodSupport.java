package io.lethe.processor.engine.method;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import io.lethe.processor.engine.data.Dataset;
import io.lethe.processor.engine.model.Batches;
import io.lethe.processor.engine.model.ClassifierModel;
import io.lethe.processor.engine.model.GradientSession;
import io.lethe.processor.engine.model.Losses;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Helpers shared by the unlearning methods. */
final class MethodSupport {

  private MethodSupport() {}

  /**
   * The trainable parameters grouped by layer (weight and bias of one Linear/Conv block), in block
   * order; the key is the parameter name without its {@code _weight}/{@code _bias} suffix (DJL) or
   * its {@code .weight}/{@code .bias} suffix (a TorchScript module's named parameters).
   */
  static Map<String, List<Parameter>> layers(ClassifierModel model) {
    Map<String, List<Parameter>> layers = new LinkedHashMap<>();
    for (var pair : model.block().getParameters()) {
      if (!pair.getValue().requiresGradient()) {
        continue;
      }
      String name = pair.getKey();
      // DJL names end "_weight"/"_bias"; a TorchScript module's ".weight"/".bias".
      int cut = Math.max(name.lastIndexOf('_'), name.lastIndexOf('.'));
      String layer = cut > 0 ? name.substring(0, cut) : name;
      layers.computeIfAbsent(layer, k -> new ArrayList<>()).add(pair.getValue());
    }
    return layers;
  }

  /**
   * Accumulates the gradient of the mean cross-entropy of {@code data} (in batches, each in its own
   * scope) onto the parameters; the caller reads and zeroes them.
   *
   * @return the mean loss
   */
  static double accumulateGradient(GradientSession session, Dataset data, int batchSize) {
    ClassifierModel model = session.model();
    double total = 0;
    for (int from = 0; from < data.size(); from += batchSize) {
      int to = Math.min(data.size(), from + batchSize);
      int[] idx = range(from, to);
      float weight = (float) idx.length / data.size();
      try (NDManager scope = model.manager().newSubManager()) {
        NDArray x = model.batch(scope, data, idx);
        NDArray y = Batches.oneHot(scope, data, idx, model.numClasses());
        total +=
            weight
                * session.backwardOnly(
                    () -> Losses.meanCrossEntropy(session.forward(x), y).mul(weight));
      }
    }
    return total;
  }

  /**
   * Diagonal Fisher information of the trainable parameters: the mean over mini-batches of {@code
   * batch} samples of the squared gradient of the mean cross-entropy ({@code batch = 1} gives the
   * per-sample empirical Fisher). Accumulated on the device, copied out once.
   */
  static double[][] fisher(GradientSession session, Dataset data, int batch) {
    ClassifierModel model = session.model();
    List<Parameter> params = session.trainableParameters();
    double[][] out = new double[params.size()][];
    int batches = 0;
    try (NDManager accumulator = model.manager().newSubManager()) {
      NDArray[] acc = new NDArray[params.size()];
      for (int p = 0; p < acc.length; p++) {
        NDArray w = params.get(p).getArray();
        acc[p] = accumulator.zeros(w.getShape(), w.getDataType());
      }
      session.zeroGradients();
      for (int from = 0; from < data.size(); from += batch) {
        int[] idx = range(from, Math.min(data.size(), from + batch));
        try (NDManager scope = model.manager().newSubManager()) {
          NDArray x = model.batch(scope, data, idx);
          NDArray y = Batches.oneHot(scope, data, idx, model.numClasses());
          session.backwardOnly(() -> Losses.meanCrossEntropy(session.forward(x), y));
        }
        session.accumulateSquaredGradients(acc);
        batches++;
      }
      for (int p = 0; p < acc.length; p++) {
        float[] v = acc[p].toFloatArray();
        out[p] = new double[v.length];
        for (int i = 0; i < v.length; i++) {
          out[p][i] = (double) v[i] / Math.max(1, batches);
        }
      }
    }
    return out;
  }

  static int[] range(int from, int to) {
    int[] idx = new int[to - from];
    for (int k = 0; k < idx.length; k++) {
      idx[k] = from + k;
    }
    return idx;
  }

  static double norm(float[] v) {
    double s = 0;
    for (float x : v) {
      s += (double) x * x;
    }
    return Math.sqrt(s);
  }

  static double dot(float[] a, float[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += (double) a[i] * b[i];
    }
    return s;
  }

  static long millisSince(long startNanos) {
    return (System.nanoTime() - startNanos) / 1_000_000;
  }

  /** Refuses {@code value} unless it is in {@code min..max}, naming the setting. */
  static void requireRange(String key, int value, int min, int max) {
    if (value < min || value > max) {
      throw new IllegalArgumentException(
          key + " must be in " + min + ".." + max + ", got " + value);
    }
  }

  /**
   * Refuses {@code value} unless it is in {@code [min, max]} (so never NaN), naming the setting.
   */
  static void requireRange(String key, double value, double min, double max) {
    if (!(value >= min && value <= max)) {
      throw new IllegalArgumentException(
          key + " must be in [" + min + ", " + max + "], got " + value);
    }
  }

  /** Refuses {@code value} unless it is finite and {@code > 0}, naming the setting. */
  static void requirePositive(String key, double value) {
    if (!(value > 0) || Double.isInfinite(value)) {
      throw new IllegalArgumentException(key + " must be a finite number > 0, got " + value);
    }
  }

  /** Refuses {@code value} unless it is finite and {@code >= 0}, naming the setting. */
  static void requireNonNegative(String key, double value) {
    if (!(value >= 0) || Double.isInfinite(value)) {
      throw new IllegalArgumentException(key + " must be a finite number >= 0, got " + value);
    }
  }

  /** Formats a number for notes. */
  static String fmt(double v) {
    return String.format(java.util.Locale.ROOT, "%.4g", v);
  }
}
