package io.lethe.processor.engine.architecture;

import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import io.lethe.processor.engine.data.SampleShape;
import io.lethe.processor.engine.settings.Settings;
import java.util.Map;

/**
 * Multi-layer perceptron: flatten, then one ReLU layer per entry of {@code hidden}; the last width
 * is the feature width. Takes any sample shape (a table row of 30 features as naturally as 784
 * pixels).
 */
public final class Mlp implements Architecture {

  public static final String NAME = "mlp";

  /**
   * @param hidden widths of the hidden ReLU layers (default 256, 128)
   */
  public record Sizes(int[] hidden) {
    public static final Sizes DEFAULTS = new Sizes(new int[] {256, 128});

    public Sizes {
      if (hidden.length == 0) {
        throw new IllegalArgumentException("hidden needs at least one layer width");
      }
      for (int h : hidden) {
        if (h <= 0 || h > 65_536) {
          throw new IllegalArgumentException("hidden layer width must be in 1..65536, got " + h);
        }
      }
      hidden = hidden.clone();
    }
  }

  private final Sizes sizes;

  public Mlp(Sizes sizes) {
    this.sizes = sizes;
  }

  /** The default MLP: 256 and 128 ReLU units. */
  public Mlp() {
    this(Sizes.DEFAULTS);
  }

  static Mlp fromSettings(Map<String, String> settings) {
    return new Mlp(Settings.bind(Sizes.DEFAULTS, settings, NAME));
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
    // any shape: it is flattened
  }

  @Override
  public Block body(SampleShape input, long seed) {
    SequentialBlock body = new SequentialBlock().add(Blocks.batchFlattenBlock());
    for (int width : sizes.hidden()) {
      body.add(Linear.builder().setUnits(width).build()).add(Activation::relu);
    }
    return body;
  }

  @Override
  public int featureDim() {
    int[] hidden = sizes.hidden();
    return hidden[hidden.length - 1];
  }
}
