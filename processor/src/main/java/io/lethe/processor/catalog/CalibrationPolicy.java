package io.lethe.processor.catalog;

import io.lethe.processor.engine.method.ForgetScope;
import java.util.EnumSet;
import java.util.Set;

/**
 * Whether and how a model's unlearning is calibrated on its own training data. A scope whose method
 * the catalog names ({@code unlearning.class} or {@code unlearning.samples}) is pinned: calibration
 * never changes it. The others start on the defaults and take the calibration's choice once a
 * calibration for the model's generation exists.
 *
 * @param onboarding calibrate when the model is onboarded (else only on demand: {@code lethe models
 *     calibrate ID})
 * @param budgetRetrainings the cost bound: at most this many retrainings of the model
 * @param pinned the scopes the catalog fixes
 */
public record CalibrationPolicy(
    boolean onboarding, int budgetRetrainings, Set<ForgetScope> pinned) {

  /** At most 20 retrainings of the model, the bound (and enough for the default grids). */
  public static final int DEFAULT_BUDGET = 20;

  /** The largest budget a catalog may ask for: a calibration must end. */
  public static final int MAX_BUDGET = 200;

  public static final CalibrationPolicy DEFAULTS =
      new CalibrationPolicy(true, DEFAULT_BUDGET, Set.of());

  public CalibrationPolicy {
    if (budgetRetrainings < 2 || budgetRetrainings > MAX_BUDGET) {
      throw new IllegalArgumentException(
          "budget must be between 2 and " + MAX_BUDGET + " retrainings, got " + budgetRetrainings);
    }
    pinned = pinned.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(pinned));
  }

  /** Whether calibration may change this scope's method. */
  public boolean searches(ForgetScope scope) {
    return !pinned.contains(scope);
  }

  /** Whether there is anything to calibrate: some scope is not pinned. */
  public boolean searchesAny() {
    return searches(ForgetScope.CLASS) || searches(ForgetScope.SAMPLES);
  }

  public CalibrationPolicy withOnboarding(boolean value) {
    return new CalibrationPolicy(value, budgetRetrainings, pinned);
  }

  public CalibrationPolicy withPinned(Set<ForgetScope> value) {
    return new CalibrationPolicy(onboarding, budgetRetrainings, value);
  }
}
