package io.lethe.registry.internals.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lethe.registry.internals.db.DataAccessException;
import io.lethe.registry.internals.service.FailureKind;
import io.lethe.registry.internals.service.InvalidRecordException;
import java.net.ConnectException;
import java.sql.SQLException;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.Test;

/** Transient failures are told from the record's own, and counted per record and signature. */
class FailureTest {
  static Failure sql(String state) {
    return Failure.of(new DataAccessException(new SQLException("refused", state)));
  }

  @Test
  void theDatabaseBeingAwayIsTransient() {
    for (String state : new String[] {"08001", "08006", "53300", "57P01", "57P03", "40001"}) {
      assertEquals(FailureKind.DATABASE_UNAVAILABLE, sql(state).kind(), state);
      assertTrue(sql(state).kind().isTransient(), state);
    }
    SQLException io = new SQLException("I/O error", (String) null, new ConnectException("refused"));
    assertEquals(FailureKind.DATABASE_UNAVAILABLE, Failure.of(new DataAccessException(io)).kind());
    assertEquals(FailureKind.KAFKA_RETRIABLE, Failure.of(new TimeoutException("slow")).kind());
  }

  @Test
  void badDataIsPermanent() {
    assertEquals(FailureKind.INVALID_DATA, sql("22021").kind()); // a NUL in text
    assertEquals(FailureKind.INVALID_DATA, sql("22008").kind()); // a time out of range
    assertEquals(FailureKind.CONSTRAINT_VIOLATION, sql("23505").kind());
    assertEquals(FailureKind.UNEXPECTED, sql("P0001").kind());
    assertEquals(FailureKind.INVALID_DATA, Failure.of(new InvalidRecordException("no")).kind());
    assertEquals(FailureKind.INVALID_DATA, Failure.of(new DateTimeException("no")).kind());
    assertEquals(FailureKind.JVM_ERROR, Failure.of(new StackOverflowError()).kind());
    assertEquals(FailureKind.UNEXPECTED, Failure.of(new IllegalStateException("?")).kind());
    for (FailureKind kind : new FailureKind[] {FailureKind.INVALID_DATA, FailureKind.JVM_ERROR}) {
      assertFalse(kind.isTransient(), kind.name());
    }
  }

  @Test
  void theSignatureIgnoresTheMessageAndTheMessageIsSanitized() {
    Failure a = Failure.of(new DataAccessException(new SQLException("value \u0000 1", "22021")));
    Failure b = Failure.of(new DataAccessException(new SQLException("value 2", "22021")));
    assertEquals(a.signature(), b.signature());
    assertNotEquals(a.signature(), sql("23505").signature());
    assertFalse(a.message().contains("\u0000"), a.message());
    assertTrue(a.message().contains("22021"), a.message());
  }

  @Test
  void aRecordIsExhaustedAfterThreeIdenticalFailuresOnly() {
    FailedAttempts attempts = new FailedAttempts();
    TopicPartition p = new TopicPartition("t", 0);
    Instant t0 = Instant.parse("2026-01-01T00:00:00Z");
    assertFalse(attempts.failed(p, 5, sql("22021"), t0).exhausted());
    assertFalse(attempts.failed(p, 5, sql("23505"), t0).exhausted(), "another way: count again");
    assertFalse(attempts.failed(p, 5, sql("23505"), t0).exhausted());
    FailedAttempts.Attempts third = attempts.failed(p, 5, sql("23505"), t0.plusSeconds(3));
    assertTrue(third.exhausted());
    assertEquals(3, third.count());
    assertEquals(t0, third.first());
    assertEquals(t0.plusSeconds(3), third.last());
    assertEquals(null, attempts.of(p, 6), "another offset has no attempts");
    assertFalse(attempts.failed(p, 6, sql("23505"), t0).exhausted(), "a new head counts anew");
    attempts.clear(p);
    assertEquals(null, attempts.of(p, 6));
  }

  @Test
  void backoffDoublesFromOneSecondToThirty() {
    Backoff b = new Backoff();
    long[] expected = {1, 2, 4, 8, 16, 30, 30};
    for (long seconds : expected) {
      assertEquals(Duration.ofSeconds(seconds), b.next());
    }
    b.reset();
    assertEquals(Duration.ofSeconds(1), b.next());
  }
}
