package io.lethe.processor.engine.data;

import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The shape of one sample: {@code [features]} for a table row, {@code [channels, height, width]}
 * for an image. Architectures say which shapes they accept; the data says which one it has.
 */
public final class SampleShape {

  private final int[] dims;

  private SampleShape(int[] dims) {
    if (dims.length == 0) {
      throw new IllegalArgumentException("a sample shape needs at least one dimension");
    }
    long size = 1;
    for (int d : dims) {
      if (d <= 0) {
        throw new IllegalArgumentException("bad sample shape " + Arrays.toString(dims));
      }
      size *= d;
      if (size > Integer.MAX_VALUE) {
        throw new IllegalArgumentException("sample shape too large: " + Arrays.toString(dims));
      }
    }
    this.dims = dims;
  }

  /** A shape of the given dimensions, e.g. {@code of(30)} or {@code of(1, 28, 28)}. */
  public static SampleShape of(int... dims) {
    return new SampleShape(dims.clone());
  }

  /** Parses the form {@link #toString()} writes: {@code 30} or {@code 1x28x28}. */
  public static SampleShape parse(String text) {
    try {
      return of(Arrays.stream(text.trim().split("x")).mapToInt(Integer::parseInt).toArray());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("bad sample shape '" + text + "' (e.g. 30 or 1x28x28)");
    }
  }

  /** A copy of the dimensions. */
  public int[] dims() {
    return dims.clone();
  }

  public int rank() {
    return dims.length;
  }

  public int dim(int i) {
    return dims[i];
  }

  /** Values per sample. */
  public int size() {
    int n = 1;
    for (int d : dims) {
      n *= d;
    }
    return n;
  }

  /** The DJL shape of a batch of {@code n} samples: {@code (n, dims...)}. */
  public Shape batch(long n) {
    long[] s = new long[dims.length + 1];
    s[0] = n;
    for (int i = 0; i < dims.length; i++) {
      s[i + 1] = dims[i];
    }
    return new Shape(s);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SampleShape other && Arrays.equals(dims, other.dims);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(dims);
  }

  @Override
  public String toString() {
    return Arrays.stream(dims).mapToObj(Integer::toString).collect(Collectors.joining("x"));
  }
}
