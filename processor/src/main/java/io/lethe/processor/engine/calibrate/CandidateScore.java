package io.lethe.processor.engine.calibrate;

import io.lethe.processor.engine.method.ForgetScope;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One candidate (a method with one point of its settings grid) scored over its scope's simulated
 * deletions. Fractions in [0, 1]; the figures are null for a SKIPPED candidate (or one that threw).
 *
 * @param scope the scope it was tried on
 * @param method the method's name
 * @param settings the grid point
 * @param avgGap mean |difference| to the oracle over UA, RA, held-out accuracy and MIA, averaged
 *     over the scope's simulations
 * @param forgetAccuracy mean forget accuracy (UA)
 * @param heldOutAccuracy mean accuracy on the calibration's held-out rows
 * @param oracleHeldOutAccuracy the oracles' mean held-out accuracy
 * @param costRetrainings its wall time over the mean oracle's, summed over the simulations
 * @param verdict PASSED, FAILED, INSUFFICIENT or SKIPPED: the worst over the simulations
 * @param reason why it failed, lacked evidence or was skipped; null when it passed
 * @param chosen whether it is its scope's choice
 */
public record CandidateScore(
    ForgetScope scope,
    String method,
    Map<String, String> settings,
    Double avgGap,
    Double forgetAccuracy,
    Double heldOutAccuracy,
    Double oracleHeldOutAccuracy,
    double costRetrainings,
    String verdict,
    String reason,
    boolean chosen) {

  public static final String PASSED = "PASSED";
  public static final String FAILED = "FAILED";
  public static final String INSUFFICIENT = "INSUFFICIENT";
  public static final String SKIPPED = "SKIPPED";

  public CandidateScore {
    settings = Collections.unmodifiableMap(new LinkedHashMap<>(settings));
  }

  /** This score marked as its scope's choice. */
  public CandidateScore asChosen() {
    return new CandidateScore(
        scope,
        method,
        settings,
        avgGap,
        forgetAccuracy,
        heldOutAccuracy,
        oracleHeldOutAccuracy,
        costRetrainings,
        verdict,
        reason,
        true);
  }
}
