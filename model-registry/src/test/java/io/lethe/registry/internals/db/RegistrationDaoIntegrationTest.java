package io.lethe.registry.internals.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The registrations table (V4) on a real PostgreSQL, as the application role: a request is
 * completed once by its outcome, whichever arrives first, and nothing else changes it.
 */
class RegistrationDaoIntegrationTest {
  static EmbeddedDatabase postgres;
  static Database db;
  static RegistrationDao registrations;
  static final Instant AT = Instant.parse("2026-12-01T10:00:00Z");

  @BeforeAll
  static void start() {
    postgres = EmbeddedDatabase.start(null);
    Migrations.migrate(postgres.dataSource());
    db = new Database(postgres.dataSource(), Migrations.DEFAULT_APP_ROLE);
    registrations = new JdbcRegistrationDao(db);
  }

  @AfterAll
  static void stop() {
    if (postgres != null) {
      postgres.close();
    }
  }

  @Test
  void aPendingRegistrationIsCompletedOnceByItsOutcome() {
    registrations.insertPending("r1", "a,b", "admin:ci", AT, "ab".repeat(32));
    RegistrationRow pending = registrations.find("r1").orElseThrow();
    assertEquals("PENDING", pending.status());
    assertEquals("a,b", pending.modelIds());
    assertEquals(AT, pending.requestedAt());

    assertTrue(registrations.recordOutcome("r1", "ACCEPTED", "[{}]", "[]", "worker-0", AT));
    // Control: an outcome read again, or a second one, changes nothing.
    assertFalse(registrations.recordOutcome("r1", "REFUSED", "[]", "[\"x\"]", "worker-1", AT));
    RegistrationRow done = registrations.find("r1").orElseThrow();
    assertEquals("ACCEPTED", done.status());
    assertEquals("worker-0", done.decidedBy());
    assertEquals("admin:ci", done.requestedBy());
  }

  @Test
  void anOutcomeBeforeItsRequestIsKept() {
    assertTrue(registrations.recordOutcome("r2", "REFUSED", "[]", "[\"p\"]", "worker-0", AT));
    registrations.insertPending("r2", "", "admin", AT, "cd".repeat(32));
    RegistrationRow row = registrations.find("r2").orElseThrow();
    assertEquals("REFUSED", row.status());
    assertEquals("[\"p\"]", row.problems());
    assertTrue(registrations.find("no-such").isEmpty());
  }

  @Test
  void theApplicationCannotRewriteWhoAskedOrDeleteARegistration() {
    registrations.insertPending("r3", "", "admin", AT, "ef".repeat(32));
    assertThrows(
        DataAccessException.class,
        () ->
            db.withConnection(
                c ->
                    Sql.update(
                        c,
                        "UPDATE registrations SET requested_by = 'someone' WHERE"
                            + " registration_id = 'r3'")));
    assertThrows(
        DataAccessException.class,
        () ->
            db.withConnection(
                c -> Sql.update(c, "DELETE FROM registrations WHERE registration_id = 'r3'")));
    assertEquals("admin", registrations.find("r3").orElseThrow().requestedBy());
  }
}
