package io.lethe.processor.worker;

import java.time.Duration;

/**
 * How the worker retries a batch whose attempt failed outside the engine's verdict: at most {@code
 * maxAttempts} attempts, waiting {@code firstBackoff} after the first failure and twice as long
 * after each next one, never more than {@code maxBackoff}.
 */
record Supervision(int maxAttempts, Duration firstBackoff, Duration maxBackoff) {
  static final Supervision DEFAULT =
      new Supervision(3, Duration.ofMillis(500), Duration.ofSeconds(10));

  /** Longest failure text kept in a receipt's reason. */
  static final int MAX_REASON_CHARS = 300;

  Supervision {
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be at least 1, was " + maxAttempts);
    }
  }

  /** The wait after failed attempt {@code attempt} (from 1). */
  Duration backoff(int attempt) {
    Duration wait = firstBackoff.multipliedBy(1L << Math.min(attempt - 1, 20));
    return wait.compareTo(maxBackoff) > 0 ? maxBackoff : wait;
  }

  /** Out of memory, or marked transient by whoever threw it (anywhere in the cause chain). */
  static boolean isTransient(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof OutOfMemoryError || t instanceof TransientFailure) {
        return true;
      }
    }
    return false;
  }

  /**
   * A failure as a receipt or a log line may carry it: its type and message, control characters
   * replaced, bounded in length (a message may quote anything).
   */
  static String describe(Throwable e) {
    Throwable root = e instanceof TransientFailure && e.getCause() != null ? e.getCause() : e;
    String text = root.getClass().getSimpleName() + ": " + root.getMessage();
    StringBuilder out = new StringBuilder(Math.min(text.length(), MAX_REASON_CHARS));
    for (int i = 0; i < text.length() && out.length() < MAX_REASON_CHARS; i++) {
      char c = text.charAt(i);
      out.append(Character.isISOControl(c) ? ' ' : c);
    }
    return out.toString();
  }
}
