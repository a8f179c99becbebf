package io.lethe.processor.engine.model;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The model families the engine trains. Every one takes its input size from the data. */
public enum Architecture {
  /** Multi-layer perceptron: flatten, 256 ReLU, 128 ReLU, linear head. */
  MLP,
  /** Small CNN: two 3x3 conv + ReLU + 2x2 max-pool stages (16 and 32 filters), 64 ReLU, head. */
  CNN,
  /**
   * MUSO's linear setting: a fixed random ReLU feature map (not trained) and a linear head trained
   * to the exact limit of gradient descent on the squared loss (over-parameterized: more features
   * than training samples).
   */
  RANDOM_FEATURES_LINEAR;

  /** Parses {@code mlp}, {@code cnn}, {@code random-features-linear} (case and '-'/'_' free). */
  public static Architecture parse(String text) {
    String norm = text.trim().toUpperCase(Locale.ROOT).replace('-', '_');
    if (norm.equals("LINEAR") || norm.equals("RF") || norm.equals("RANDOM_FEATURES")) {
      return RANDOM_FEATURES_LINEAR;
    }
    for (Architecture a : values()) {
      if (a.name().equals(norm)) {
        return a;
      }
    }
    throw new IllegalArgumentException(
        "unknown architecture '"
            + text
            + "'; known: "
            + Arrays.stream(values()).map(Architecture::cliName).collect(Collectors.joining(", ")));
  }

  /** The lower-case, dash-separated name used on the command line. */
  public String cliName() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }
}
