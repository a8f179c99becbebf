package io.lethe.registry.internals.kafka;

import io.lethe.registry.internals.db.DataAccessException;
import io.lethe.registry.internals.service.FailureKind;
import io.lethe.registry.internals.service.LogSafe;
import java.io.IOException;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.time.DateTimeException;
import java.util.Set;
import org.apache.kafka.common.errors.RetriableException;

/**
 * Why ingesting a record failed, classified once: its {@link FailureKind}, a signature that two
 * failures share when they failed "the same way" (kind, exception type and SQLSTATE, not the
 * message, which may carry varying detail), and a one-line message.
 *
 * <p>Transient, retried for as long as it lasts: SQLSTATE classes 08 (connection), 40 (transaction
 * rolled back: serialization failure, deadlock), 53 (insufficient resources: disk full, too many
 * connections), 57 (operator intervention: shutdown, cannot connect now, statement timeout), 58
 * (system error), 55P03 (lock not available) and 42501 (insufficient privilege: a missing grant is
 * the deployment's to fix, not the record's), the driver's transient and recoverable exceptions, an
 * I/O error under a database call, and Kafka's retriable errors. Everything else is the record's:
 * SQLSTATE classes 22 (data exception: a NUL, a time out of range) and 23 (constraint), validation
 * ({@link IllegalArgumentException}, {@link DateTimeException}), an {@link Error}, or anything else
 * that fails identically.
 */
record Failure(FailureKind kind, String signature, String message) {
  static final int MAX_MESSAGE = 1000;
  private static final Set<String> TRANSIENT_CLASSES = Set.of("08", "40", "53", "57", "58");
  private static final Set<String> TRANSIENT_STATES = Set.of("55P03", "42501");

  static Failure of(Throwable failure) {
    SQLException sql = find(failure, SQLException.class);
    String state = sql == null ? null : sql.getSQLState();
    FailureKind kind = kind(failure, sql, state);
    String signature =
        kind.label() + ":" + failure.getClass().getName() + (state == null ? "" : ":" + state);
    String text = failure.getMessage() == null ? "" : ": " + failure.getMessage();
    String message =
        LogSafe.bounded(
            failure.getClass().getSimpleName() + (state == null ? "" : " [" + state + "]") + text,
            MAX_MESSAGE);
    return new Failure(kind, signature, message);
  }

  private static FailureKind kind(Throwable failure, SQLException sql, String state) {
    if (failure instanceof Error) {
      return FailureKind.JVM_ERROR;
    }
    if (sql != null) {
      if (state != null && state.length() == 5) {
        if (TRANSIENT_CLASSES.contains(state.substring(0, 2)) || TRANSIENT_STATES.contains(state)) {
          return FailureKind.DATABASE_UNAVAILABLE;
        }
        if (state.startsWith("22")) {
          return FailureKind.INVALID_DATA;
        }
        if (state.startsWith("23")) {
          return FailureKind.CONSTRAINT_VIOLATION;
        }
      }
      if (sql instanceof SQLTransientException
          || sql instanceof SQLRecoverableException
          || find(sql, IOException.class) != null) {
        return FailureKind.DATABASE_UNAVAILABLE;
      }
      return FailureKind.UNEXPECTED;
    }
    if (failure instanceof DataAccessException) {
      return FailureKind.UNEXPECTED;
    }
    if (find(failure, RetriableException.class) != null) {
      return FailureKind.KAFKA_RETRIABLE;
    }
    if (failure instanceof IllegalArgumentException || failure instanceof DateTimeException) {
      return FailureKind.INVALID_DATA;
    }
    return FailureKind.UNEXPECTED;
  }

  /** The first throwable of {@code type} in {@code t}'s cause chain (cycles stopped). */
  private static <T extends Throwable> T find(Throwable t, Class<T> type) {
    Throwable current = t;
    for (int depth = 0; current != null && depth < 20; depth++) {
      if (type.isInstance(current)) {
        return type.cast(current);
      }
      if (current.getCause() == current) {
        break;
      }
      current = current.getCause();
    }
    return null;
  }
}
