package io.lethe.processor.engine.verify;

import java.util.List;

/**
 * The verdict of a {@link VerificationPolicy}.
 *
 * @param status PASSED when every check passed
 * @param failedChecks the names of the failing checks (empty when PASSED)
 * @param details one human-readable line per check, passing or not
 */
public record PolicyOutcome(Status status, List<String> failedChecks, List<String> details) {

  /** Verdict. */
  public enum Status {
    PASSED,
    FAILED
  }

  public PolicyOutcome {
    failedChecks = List.copyOf(failedChecks);
    details = List.copyOf(details);
  }

  public boolean passed() {
    return status == Status.PASSED;
  }

  /** A one-line reason: the failing checks' details, or "all checks passed". */
  public String reason() {
    if (passed()) {
      return "all checks passed";
    }
    return String.join("; ", details.stream().filter(d -> d.startsWith("FAIL")).toList());
  }
}
