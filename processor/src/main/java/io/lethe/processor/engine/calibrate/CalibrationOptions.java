package io.lethe.processor.engine.calibrate;

/**
 * How much a calibration may spend and its seed.
 *
 * @param budgetRetrainings the most it may cost, counted in retrainings of the model (its own
 *     original, every oracle, and each candidate's wall time over the mean oracle's); candidates
 *     left when it is spent are reported SKIPPED
 * @param seed seed of the held-out split and of the simulated deletions: the same seed gives the
 *     same choice
 */
public record CalibrationOptions(int budgetRetrainings, long seed) {

  /** The default budget: 20 retrainings. */
  public static final int DEFAULT_BUDGET_RETRAININGS = 20;

  public CalibrationOptions {
    if (budgetRetrainings < 1 || budgetRetrainings > 10_000) {
      throw new IllegalArgumentException(
          "budgetRetrainings must be 1..10000, got " + budgetRetrainings);
    }
  }

  /** A budget of {@value #DEFAULT_BUDGET_RETRAININGS} retrainings. */
  public static CalibrationOptions defaults(long seed) {
    return new CalibrationOptions(DEFAULT_BUDGET_RETRAININGS, seed);
  }
}
