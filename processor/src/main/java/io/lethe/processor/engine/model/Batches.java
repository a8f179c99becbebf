package io.lethe.processor.engine.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.lethe.processor.engine.data.Dataset;
import io.lethe.processor.engine.data.SampleShape;

/** Uploads dataset rows into NDArrays (always into a caller-owned, short-lived scope). */
public final class Batches {

  private Batches() {}

  /** Samples {@code idx} as a (n, shape...) float batch in {@code scope}. */
  public static NDArray samples(NDManager scope, Dataset data, int[] idx, SampleShape shape) {
    int size = shape.size();
    if (data.featureSize() != size) {
      throw new IllegalArgumentException(
          "data samples have " + data.featureSize() + " values, the model expects " + size);
    }
    float[] buffer = new float[idx.length * size];
    for (int k = 0; k < idx.length; k++) {
      data.copyFeatures(idx[k], buffer, k * size);
    }
    return scope.create(buffer, shape.batch(idx.length));
  }

  /** Raw sample rows as a (n, shape...) batch. */
  public static NDArray rows(NDManager scope, float[][] rows, SampleShape shape) {
    int size = shape.size();
    float[] buffer = new float[rows.length * size];
    for (int k = 0; k < rows.length; k++) {
      System.arraycopy(rows[k], 0, buffer, k * size, size);
    }
    return scope.create(buffer, shape.batch(rows.length));
  }

  /** One-hot targets (n, classes) for samples {@code idx}. */
  public static NDArray oneHot(NDManager scope, Dataset data, int[] idx, int classes) {
    float[] t = new float[idx.length * classes];
    for (int k = 0; k < idx.length; k++) {
      t[k * classes + data.label(idx[k])] = 1f;
    }
    return scope.create(t, new Shape(idx.length, classes));
  }

  /** One-hot targets (n, classes) for explicit labels. */
  public static NDArray oneHot(NDManager scope, int[] labels, int classes) {
    float[] t = new float[labels.length * classes];
    for (int k = 0; k < labels.length; k++) {
      t[k * classes + labels[k]] = 1f;
    }
    return scope.create(t, new Shape(labels.length, classes));
  }

  /** Positions {@code [from, min(to, order.length))} of an index order. */
  public static int[] slice(int[] order, int from, int to) {
    return java.util.Arrays.copyOfRange(order, from, Math.min(to, order.length));
  }
}
