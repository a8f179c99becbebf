package io.lethe.processor.topology;

import java.time.Duration;

/**
 * When a model's open batch closes: at {@code maxRequests} requests, when its oldest request is
 * {@code maxAge} old, or when its earliest deadline is less than {@code deadlineMargin} away.
 */
public record BatchPolicy(int maxRequests, Duration maxAge, Duration deadlineMargin) {
  public static final BatchPolicy DEFAULT =
      new BatchPolicy(100, Duration.ofSeconds(10), Duration.ofMinutes(5));

  public BatchPolicy {
    if (maxRequests < 1) {
      throw new IllegalArgumentException("maxRequests must be at least 1, was " + maxRequests);
    }
    if (maxAge.isNegative() || deadlineMargin.isNegative()) {
      throw new IllegalArgumentException("batch durations must not be negative");
    }
  }
}
