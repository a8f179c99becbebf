package io.lethe.registry.internals.kafka;

import java.time.Duration;

/** Exponential backoff: {@code initial}, doubling with each failure, at most {@code max}. */
final class Backoff {
  static final Duration INITIAL = Duration.ofSeconds(1);
  static final Duration MAX = Duration.ofSeconds(30);

  private final Duration initial;
  private final Duration max;
  private int failures;

  Backoff() {
    this(INITIAL, MAX);
  }

  Backoff(Duration initial, Duration max) {
    this.initial = initial;
    this.max = max;
  }

  /** The pause after one more failure. */
  Duration next() {
    int doublings = Math.min(failures, 30);
    failures++;
    long millis = initial.toMillis() << Math.min(doublings, 20);
    return Duration.ofMillis(Math.min(millis, max.toMillis()));
  }

  void reset() {
    failures = 0;
  }
}
