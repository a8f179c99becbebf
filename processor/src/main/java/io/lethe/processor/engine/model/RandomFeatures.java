package io.lethe.processor.engine.model;

import io.lethe.processor.engine.data.Dataset;
import java.util.stream.IntStream;

/**
 * The random-features model in double precision: features {@code phi(x) = relu(x P)/sqrt(D)}
 * computed in Java from the model's stored projection, and the closed-form training of its head.
 * Double precision and a batch-independent computation keep the linear setting exact.
 */
public final class RandomFeatures {

  private final float[] projection; // inputs x features, row-major
  private final int inputs;
  private final int features;

  private RandomFeatures(float[] projection, int inputs, int features) {
    this.projection = projection;
    this.inputs = inputs;
    this.features = features;
  }

  /** The feature map of a random-features model. */
  public static RandomFeatures of(ClassifierModel model) {
    if (!(model.net().body() instanceof Networks.RandomFeatureBlock block)) {
      throw new IllegalArgumentException(
          "not a random-features model: " + model.spec().architecture().describe());
    }
    return new RandomFeatures(block.projectionArray(), model.inputShape().size(), block.features());
  }

  public int features() {
    return features;
  }

  /** The (n x D) feature matrix of a dataset. */
  public double[][] transform(Dataset data) {
    double[][] out = new double[data.size()][];
    double scale = 1.0 / Math.sqrt(features);
    IntStream.range(0, data.size())
        .parallel()
        .forEach(
            i -> {
              float[] x = data.features(i); // one row at a time: no copy of the set
              double[] z = new double[features];
              for (int k = 0; k < inputs; k++) {
                double xk = x[k];
                if (xk == 0) {
                  continue;
                }
                int base = k * features;
                for (int j = 0; j < features; j++) {
                  z[j] += xk * projection[base + j];
                }
              }
              for (int j = 0; j < features; j++) {
                z[j] = z[j] > 0 ? z[j] * scale : 0;
              }
              out[i] = z;
            });
    return out;
  }

  /** One-hot regression targets (n x classes). */
  public static double[][] oneHotTargets(Dataset data) {
    double[][] y = new double[data.size()][data.numClasses()];
    for (int i = 0; i < data.size(); i++) {
      y[i][data.label(i)] = 1;
    }
    return y;
  }

  /** A row-major (rows x cols) float array as double rows. */
  public static double[][] toRows(float[] values, int rows, int cols) {
    double[][] out = new double[rows][cols];
    for (int r = 0; r < rows; r++) {
      for (int c = 0; c < cols; c++) {
        out[r][c] = values[r * cols + c];
      }
    }
    return out;
  }

  /** Double rows as a row-major float array. */
  public static float[] toFloats(double[][] rows) {
    int cols = rows[0].length;
    float[] out = new float[rows.length * cols];
    for (int r = 0; r < rows.length; r++) {
      for (int c = 0; c < cols; c++) {
        out[r * cols + c] = (float) rows[r][c];
      }
    }
    return out;
  }

  /**
   * Trains the head of a random-features model on {@code data} from its initial head weights {@code
   * w0}: the exact limit of gradient descent on the squared loss against one-hot targets, {@code w
   * = w0 + Phi^+ (Y - Phi w0)}. Needs fewer samples than features.
   */
  public static void fitFromInitial(ClassifierModel model, Dataset data) {
    RandomFeatures rf = of(model);
    if (data.size() >= rf.features()) {
      throw new IllegalArgumentException(
          "random-features model is not over-parameterized: "
              + data.size()
              + " samples >= "
              + rf.features()
              + " features");
    }
    double[][] w0 = toRows(model.initialHeadWeights(), model.numClasses(), rf.features());
    double[][] w = LinearAlgebra.minNormInterpolation(rf.transform(data), oneHotTargets(data), w0);
    model.setHeadWeights(toFloats(w));
  }
}
