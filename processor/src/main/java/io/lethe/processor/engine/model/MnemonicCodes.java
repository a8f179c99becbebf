package io.lethe.processor.engine.model;

import io.lethe.processor.engine.data.SampleShape;
import java.util.SplittableRandom;

/**
 * Class mnemonic codes (Yamashita et al., arXiv 2306.05670): one fixed random image per class,
 * drawn uniformly in [0, 1] from a seed. The model is trained with noisy copies of each code
 * labelled with its class, so that later the codes alone stand in for the class's training data.
 */
public final class MnemonicCodes {

  private final float[][] codes;
  private final float noise;

  private MnemonicCodes(float[][] codes, float noise) {
    this.codes = codes;
    this.noise = noise;
  }

  /** The codes of a model's spec. */
  public static MnemonicCodes of(ModelSpec spec) {
    if (!spec.hasMnemonicCodes()) {
      throw new IllegalStateException("model was trained without mnemonic codes");
    }
    return generate(
        spec.mnemonicSeed(), spec.numClasses(), spec.inputShape(), spec.mnemonicNoise());
  }

  /** Codes for {@code classes} classes of shape {@code shape} drawn from {@code seed}. */
  public static MnemonicCodes generate(long seed, int classes, SampleShape shape, float noise) {
    SplittableRandom random = new SplittableRandom(seed ^ 0xC0DEC0DEL);
    float[][] codes = new float[classes][shape.size()];
    for (float[] code : codes) {
      for (int j = 0; j < code.length; j++) {
        code[j] = (float) random.nextDouble();
      }
    }
    return new MnemonicCodes(codes, noise);
  }

  public int classes() {
    return codes.length;
  }

  /** The clean code of a class (a copy). */
  public float[] code(int label) {
    return codes[label].clone();
  }

  /** A noisy copy of a class's code, clipped to [0, 1]. */
  public float[] noisy(int label, SplittableRandom random) {
    float[] code = codes[label];
    float[] out = new float[code.length];
    for (int j = 0; j < code.length; j++) {
      float v = code[j] + (float) (Networks.RandomFeatureBlock.gaussian(random) * noise);
      out[j] = Math.min(1f, Math.max(0f, v));
    }
    return out;
  }
}
