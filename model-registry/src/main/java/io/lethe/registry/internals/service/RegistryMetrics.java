package io.lethe.registry.internals.service;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.AtomicLong;

/** The registry's own meters (JVM meters are bound by the application). */
public final class RegistryMetrics {
  private final MeterRegistry registry;
  private final AtomicLong lagMillis = new AtomicLong();

  public RegistryMetrics(MeterRegistry registry) {
    this.registry = registry;
    Gauge.builder("lethe.registry.ingest.lag", lagMillis, v -> v.get() / 1000.0)
        .description(
            "Seconds between the last record's Kafka timestamp and its ingest; 0 once caught up")
        .baseUnit("seconds")
        .register(registry);
    // Registered up front so that a scrape shows them (at 0) before the first record arrives.
    for (String outcome : java.util.List.of("stored", "duplicate", "conflict", "rejected")) {
      Counter.builder("lethe.registry.versions.ingested")
          .description("Model versions consumed, by outcome")
          .tag("outcome", outcome)
          .register(registry);
    }
    for (String outcome : java.util.List.of("stored", "duplicate", "rejected")) {
      calibrationCounter(outcome);
    }
    for (FailureKind kind : FailureKind.values()) {
      if (!kind.isTransient()) {
        deadLetterCounter(kind);
      }
    }
  }

  /** Counts a record the consumer set aside, by why it failed. */
  public void deadLettered(FailureKind kind) {
    deadLetterCounter(kind).increment();
  }

  private Counter deadLetterCounter(FailureKind kind) {
    return Counter.builder("lethe.registry.dead.letters")
        .description("Consumed records set aside after failing the same way three times, by kind")
        .tag("kind", kind.label())
        .register(registry);
  }

  /** Counts a consumed version by outcome: stored, duplicate, conflict or rejected. */
  public void versionIngested(String outcome) {
    Counter.builder("lethe.registry.versions.ingested")
        .description("Model versions consumed, by outcome")
        .tag("outcome", outcome)
        .register(registry)
        .increment();
  }

  public void receiptIngested(String outcome) {
    Counter.builder("lethe.registry.receipts.ingested")
        .description("Request receipts consumed, by outcome")
        .tag("outcome", outcome)
        .register(registry)
        .increment();
  }

  /** Counts a consumed calibration report by outcome: stored, duplicate or rejected. */
  public void calibrationIngested(String outcome) {
    calibrationCounter(outcome).increment();
  }

  private Counter calibrationCounter(String outcome) {
    return Counter.builder("lethe.registry.calibrations.ingested")
        .description("Calibration reports consumed, by outcome")
        .tag("outcome", outcome)
        .register(registry);
  }

  public void artifactUnverified() {
    Counter.builder("lethe.registry.artifacts.unverified")
        .description("Versions whose artifact did not match its sha256 or size at ingest")
        .register(registry)
        .increment();
  }

  /** Counts aliases serving erased data (policy hold, or nothing to follow to yet). */
  public void servingErasedData(java.util.function.LongSupplier count) {
    Gauge.builder("lethe.registry.aliases.serving.erased.data", count::getAsLong)
        .description(
            "Aliases pointing at a version that still holds data of an erasure applied to its"
                + " model")
        .register(registry);
  }

  public void lag(long millis) {
    lagMillis.set(Math.max(0, millis));
  }
}
