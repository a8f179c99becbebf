package io.lethe.processor.engine.calibrate;

import io.lethe.processor.engine.method.ForgetScope;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * What a calibration found: per scope the method and its settings, and every candidate's score.
 *
 * @param status CALIBRATED (at least one scope searched and chosen), PINNED (every scope pinned,
 *     nothing searched) or FAILED (nothing could be chosen, or the model cannot be retrained)
 * @param reason why it failed, or what to know about the choice (e.g. chosen with insufficient
 *     evidence); null when there is nothing to say
 * @param seed the calibration's seed
 * @param budgetRetrainings the budget it had
 * @param retrainingsUsed what it spent, in retrainings of the model
 * @param durationMillis its wall time
 * @param simulations the simulated deletions
 * @param choices per scope the choice; a scope without one keeps the catalog's method
 * @param candidates every candidate in the order tried
 */
public record CalibrationResult(
    Status status,
    String reason,
    long seed,
    int budgetRetrainings,
    double retrainingsUsed,
    long durationMillis,
    List<SimulatedDeletion> simulations,
    Map<ForgetScope, Choice> choices,
    List<CandidateScore> candidates) {

  /** The outcome of a calibration. */
  public enum Status {
    CALIBRATED,
    PINNED,
    FAILED
  }

  public CalibrationResult {
    simulations = List.copyOf(simulations);
    Map<ForgetScope, Choice> copy = new EnumMap<>(ForgetScope.class);
    copy.putAll(choices);
    choices = Collections.unmodifiableMap(copy);
    candidates = List.copyOf(candidates);
  }

  /**
   * The best settings found for one method on one scope, by the rule the scope's choice follows:
   * PASSED candidates (INSUFFICIENT ones where none passed), the lowest gap, the earliest tried
   * among those within the tolerance; the scope's choice itself where it is this method. Empty
   * where the method was not tried or every try failed. For reports that show each method at its
   * calibrated settings (the benchmark), not only the chosen one.
   */
  public java.util.Optional<CandidateScore> bestOf(ForgetScope scope, String method) {
    List<CandidateScore> mine =
        candidates.stream()
            .filter(c -> c.scope() == scope && c.method().equals(method) && c.avgGap() != null)
            .toList();
    java.util.Optional<CandidateScore> chosen =
        mine.stream().filter(CandidateScore::chosen).findFirst();
    if (chosen.isPresent()) {
      return chosen;
    }
    for (String verdict : List.of(CandidateScore.PASSED, CandidateScore.INSUFFICIENT)) {
      List<CandidateScore> pool = mine.stream().filter(c -> c.verdict().equals(verdict)).toList();
      if (!pool.isEmpty()) {
        double best = pool.stream().mapToDouble(CandidateScore::avgGap).min().orElseThrow();
        return pool.stream().filter(c -> c.avgGap() <= best + Calibrator.TOLERANCE).findFirst();
      }
    }
    return java.util.Optional.empty();
  }
}
