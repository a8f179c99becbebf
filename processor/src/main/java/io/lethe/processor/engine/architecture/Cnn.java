package io.lethe.processor.engine.architecture;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;
import io.lethe.processor.engine.data.SampleShape;
import io.lethe.processor.engine.settings.Settings;
import java.util.Map;

/**
 * Small CNN for images ({@code channels x height x width}): per entry of {@code filters} a 3x3
 * convolution + ReLU + 2x2 max-pool (the pool is left out once the map is smaller than 2x2), then a
 * {@code dense}-unit ReLU layer, whose output is the feature width.
 */
public final class Cnn implements Architecture {

  public static final String NAME = "cnn";

  /**
   * @param filters filters of each convolution stage (default 16, 32)
   * @param dense width of the dense layer before the head (default 64)
   */
  public record Sizes(int[] filters, int dense) {
    public static final Sizes DEFAULTS = new Sizes(new int[] {16, 32}, 64);

    public Sizes {
      if (filters.length == 0) {
        throw new IllegalArgumentException("filters needs at least one stage");
      }
      for (int f : filters) {
        if (f <= 0 || f > 4096) {
          throw new IllegalArgumentException("filters must be in 1..4096, got " + f);
        }
      }
      if (dense <= 0 || dense > 65_536) {
        throw new IllegalArgumentException("dense must be in 1..65536, got " + dense);
      }
      filters = filters.clone();
    }
  }

  private final Sizes sizes;

  public Cnn(Sizes sizes) {
    this.sizes = sizes;
  }

  /** The default CNN: 16 and 32 filters, 64 dense units. */
  public Cnn() {
    this(Sizes.DEFAULTS);
  }

  static Cnn fromSettings(Map<String, String> settings) {
    return new Cnn(Settings.bind(Sizes.DEFAULTS, settings, NAME));
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Map<String, String> settings() {
    return Settings.describe(sizes);
  }

  @Override
  public void checkInput(SampleShape input) {
    if (input.rank() != 3) {
      throw new IllegalArgumentException(
          "cnn needs image samples (channels x height x width), the data has shape " + input);
    }
  }

  @Override
  public Block body(SampleShape input, long seed) {
    checkInput(input);
    SequentialBlock body = new SequentialBlock();
    int h = input.dim(1);
    int w = input.dim(2);
    for (int filters : sizes.filters()) {
      body.add(
              Conv2d.builder()
                  .setFilters(filters)
                  .setKernelShape(new Shape(3, 3))
                  .optPadding(new Shape(1, 1))
                  .build())
          .add(Activation::relu);
      if (h >= 2 && w >= 2) {
        body.add(Pool.maxPool2dBlock(new Shape(2, 2), new Shape(2, 2)));
        h /= 2;
        w /= 2;
      }
    }
    return body.add(Blocks.batchFlattenBlock())
        .add(Linear.builder().setUnits(sizes.dense()).build())
        .add(Activation::relu);
  }

  @Override
  public int featureDim() {
    return sizes.dense();
  }
}
