package io.lethe.registry.internals.service;

import java.util.Locale;

/**
 * Why the consumer could not ingest a record. Transient kinds (the database or Kafka away) are
 * retried with backoff for as long as they last and never set aside; the others are the record's
 * own and it is set aside once it failed the same way three times. Metrics count the kind, never
 * words of a message.
 */
public enum FailureKind {
  /** The database cannot be reached or cannot serve now (connection, resources, shutdown). */
  DATABASE_UNAVAILABLE(true),
  /** A Kafka error the client marks retriable. */
  KAFKA_RETRIABLE(true),
  /** The record's content is refused: validation, a date out of range, SQLSTATE class 22. */
  INVALID_DATA(false),
  /** A database constraint refuses the record (SQLSTATE class 23). */
  CONSTRAINT_VIOLATION(false),
  /** The JVM threw an {@link Error} (out of memory, stack overflow) while ingesting the record. */
  JVM_ERROR(false),
  /** Anything else; set aside only once it failed identically three times. */
  UNEXPECTED(false);

  private final boolean transientFailure;

  FailureKind(boolean transientFailure) {
    this.transientFailure = transientFailure;
  }

  /** True when retrying later can succeed without the record changing. */
  public boolean isTransient() {
    return transientFailure;
  }

  /** The metric label and stored kind, e.g. {@code invalid_data}. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
