package io.lethe.processor.engine.calibrate;

import java.util.Objects;
import java.util.function.Consumer;

/**
 * Calibrates a model's unlearning on its own training rows (see the package documentation and
 * docs/engine.md, "Calibration").
 */
public final class Calibrator {

  private final CalibrationOptions options;

  public Calibrator(CalibrationOptions options) {
    this.options = Objects.requireNonNull(options, "options");
  }

  /**
   * Calibrates.
   *
   * @param progress receives one line per oracle and per candidate
   */
  public CalibrationResult calibrate(CalibrationInput in, Consumer<String> progress) {
    Objects.requireNonNull(in, "in");
    Objects.requireNonNull(progress, "progress");
    throw new UnsupportedOperationException("calibration search: being built on branch cal");
  }
}
