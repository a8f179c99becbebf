package io.lethe.processor.engine.model;

import ai.djl.ndarray.types.Shape;
import io.lethe.processor.engine.data.Dataset;

/** The shape of one input sample: channels x height x width. */
public record InputShape(int channels, int height, int width) {

  public InputShape {
    if (channels <= 0 || height <= 0 || width <= 0) {
      throw new IllegalArgumentException(
          "bad input shape " + channels + "x" + height + "x" + width);
    }
  }

  /** The shape of the samples of {@code data}. */
  public static InputShape of(Dataset data) {
    return new InputShape(data.channels(), data.height(), data.width());
  }

  /** Values per sample. */
  public int size() {
    return channels * height * width;
  }

  /** The DJL shape of a batch of {@code n} samples: (n, channels, height, width). */
  public Shape batch(long n) {
    return new Shape(n, channels, height, width);
  }

  @Override
  public String toString() {
    return channels + "x" + height + "x" + width;
  }
}
