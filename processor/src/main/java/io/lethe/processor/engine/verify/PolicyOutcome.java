package io.lethe.processor.engine.verify;

import java.util.List;

/**
 * The verdict of a {@link VerificationPolicy}.
 *
 * @param status PASSED when every check passed and they show the model forgot
 * @param failedChecks the names of the failing checks (empty unless FAILED)
 * @param details one human-readable line per check, passing or not, and one on the evidence
 */
public record PolicyOutcome(Status status, List<String> failedChecks, List<String> details) {

  /** Verdict. */
  public enum Status {
    /** Every check passed, and at least one of them could have failed the parent (or exact). */
    PASSED,
    /** A check failed. */
    FAILED,
    /**
     * Every check passed, but the parent passes the forgetting checks too: nothing measured tells
     * this model from one that did not forget. Never to be published as PASSED.
     */
    INSUFFICIENT_EVIDENCE
  }

  public PolicyOutcome {
    failedChecks = List.copyOf(failedChecks);
    details = List.copyOf(details);
  }

  public boolean passed() {
    return status == Status.PASSED;
  }

  /** A one-line reason: the failing checks' or the evidence's details, or "all checks passed". */
  public String reason() {
    if (passed()) {
      return "all checks passed";
    }
    String prefix = status == Status.FAILED ? "FAIL" : "INSUFFICIENT";
    return String.join("; ", details.stream().filter(d -> d.startsWith(prefix)).toList());
  }
}
