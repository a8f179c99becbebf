package io.lethe.registry.internals.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Statement;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The DAOs' plain SQL against a real (embedded) PostgreSQL 17, migrated by Flyway. */
class DaoIntegrationTest {
  static EmbeddedDatabase postgres;
  static Database db;
  static VersionDao versions;
  static ReceiptDao receipts;
  static AliasDao aliases;
  static AuditDao audit;

  @BeforeAll
  static void start() {
    postgres = EmbeddedDatabase.start(null);
    Migrations.migrate(postgres.dataSource());
    db = new Database(postgres.dataSource());
    versions = new JdbcVersionDao(db);
    receipts = new JdbcReceiptDao(db);
    aliases = new JdbcAliasDao(db);
    audit = new JdbcAuditDao(db, new ObjectMapper());
  }

  @AfterAll
  static void stop() {
    if (postgres != null) {
      postgres.close();
    }
  }

  static VersionRow row(String model, int version, String status, List<String> requests) {
    return new VersionRow(
        model,
        version,
        version == 1 ? null : version - 1,
        version == 1 ? null : "b" + version,
        requests,
        io.lethe.avro.VerificationStatus.valueOf(status),
        "FAILED".equals(status) ? "why" : null,
        "famr",
        "cpu",
        "file:///tmp/" + model + "-" + version,
        "ab".repeat(32),
        123L,
        true,
        null,
        null,
        // Every column of V6 set, so that the round trip below covers them.
        new Metrics(
            0.1,
            0.9,
            0.88,
            0.5,
            null,
            null,
            null,
            10,
            90,
            1500L,
            3.5,
            "sufficient",
            8,
            0.4,
            2.7,
            0.1,
            0.9,
            0.012,
            0.2,
            0.031,
            "drift bound crossed"),
        Instant.parse("2026-03-01T00:00:00Z").plusSeconds(86400L * version),
        null,
        "fp-" + version,
        Map.of());
  }

  @Test
  void migratingAgainChangesNothing() {
    Migrations.migrate(postgres.dataSource());
  }

  @Test
  void storesAndReadsBackAVersion() {
    VersionRow in = row("rt", 2, "PASSED", List.of("z", "a", "m"));
    assertTrue(versions.insert(in));
    VersionRow out = versions.find("rt", 2).orElseThrow();
    assertEquals(List.of("z", "a", "m"), out.requestIds(), "request order is kept");
    assertEquals(in.metrics(), out.metrics());
    assertEquals(in.createdAt(), out.createdAt());
    assertEquals(1, out.parentVersion());
    assertEquals("fp-2", versions.findFingerprint("rt", 2).orElseThrow());
    assertTrue(out.ingestedAt() != null);
    assertTrue(versions.find("rt", 3).isEmpty());
    assertTrue(versions.findFingerprint("nope", 1).isEmpty());
  }

  @Test
  void insertingTheSameVersionTwiceKeepsTheFirst() {
    assertTrue(versions.insert(row("twice", 1, "PASSED", List.of())));
    VersionRow other = row("twice", 1, "FAILED", List.of("x"));
    assertFalse(versions.insert(other));
    VersionRow stored = versions.find("twice", 1).orElseThrow();
    assertEquals(io.lethe.avro.VerificationStatus.PASSED, stored.status());
    assertEquals(List.of(), stored.requestIds());
  }

  @Test
  void filtersVersionsByStatusTagAndTime() {
    for (int v = 1; v <= 5; v++) {
      versions.insert(row("filt", v, v == 3 ? "FAILED" : "PASSED", List.of("r" + v)));
    }
    assertTrue(versions.setTag("filt", 4, "prod-ready", null));
    assertFalse(versions.setTag("filt", 4, "prod-ready", null), "the same value changes nothing");
    assertEquals(
        List.of(3),
        versions.list(new VersionQuery("filt", "FAILED", null, null, null, 0, 10)).stream()
            .map(VersionRow::version)
            .toList());
    assertEquals(
        List.of(4),
        versions.list(new VersionQuery("filt", null, "prod-ready", null, null, 0, 10)).stream()
            .map(VersionRow::version)
            .toList());
    Instant since = Instant.parse("2026-03-03T00:00:00Z");
    Instant until = Instant.parse("2026-03-05T00:00:00Z");
    VersionQuery window = new VersionQuery("filt", null, null, since, until, 0, 10);
    assertEquals(List.of(2, 3), versions.list(window).stream().map(VersionRow::version).toList());
    assertEquals(2, versions.count(window));
    VersionQuery page2 = new VersionQuery("filt", null, null, null, null, 2, 2);
    assertEquals(List.of(3, 4), versions.list(page2).stream().map(VersionRow::version).toList());
    assertEquals(5, versions.count(page2));
    assertEquals(
        Collections.singletonMap("prod-ready", null),
        versions.find("filt", 4).orElseThrow().tags());
    assertTrue(versions.setTag("filt", 4, "prod-ready", "2026-03-04"), "a new value is stored");
    assertEquals(Map.of("prod-ready", "2026-03-04"), versions.find("filt", 4).orElseThrow().tags());
    assertTrue(versions.removeTag("filt", 4, "prod-ready"));
    assertEquals(List.of(5), versions.children("filt", 4));
  }

  @Test
  void searchesModelsWithWildcardsTakenLiterally() {
    versions.insert(row("search_a%b", 1, "PASSED", List.of()));
    versions.insert(row("search_axb", 1, "PASSED", List.of()));
    versions.insert(row("search_axb", 2, "FAILED", List.of()));
    List<ModelSummary> hits = versions.listModels("A%B", 0, 10);
    assertEquals(List.of("search_a%b"), hits.stream().map(ModelSummary::modelId).toList());
    ModelSummary axb = versions.listModels("search_axb", 0, 10).get(0);
    assertEquals(2, axb.versionCount());
    assertEquals(2, axb.latestVersion());
    assertEquals("FAILED", axb.latestStatus());
    assertEquals(2, versions.countModels("search_"));
  }

  @Test
  void storesAReceiptOnceAndReadsHistoryInOrder() {
    Instant t = Instant.parse("2026-03-01T00:00:00Z");
    ReceiptRow applied =
        new ReceiptRow(
            "k2",
            "req-1",
            io.lethe.avro.ReceiptStatus.APPLIED,
            "m",
            "b",
            4,
            null,
            t.plusSeconds(9),
            null);
    ReceiptRow accepted =
        new ReceiptRow(
            "k1", "req-1", io.lethe.avro.ReceiptStatus.ACCEPTED, null, null, null, null, t, null);
    assertTrue(receipts.insert(applied));
    assertTrue(receipts.insert(accepted));
    assertFalse(receipts.insert(accepted));
    assertEquals(
        List.of("ACCEPTED", "APPLIED"),
        receipts.forRequest("req-1").stream().map(r -> r.status().name()).toList());
    assertEquals(4, receipts.appliedOnModel("m").get(0).modelVersion());
  }

  @Test
  void aliasesPointOnlyAtStoredVersionsAndKeepTheirHistory() {
    versions.insert(row("al", 1, "PASSED", List.of()));
    versions.insert(row("al", 2, "PASSED", List.of()));
    db.inTransaction(
        () -> {
          assertTrue(aliases.findForUpdate("al", "champion").isEmpty());
          aliases.set("al", "champion", 1);
          aliases.recordMove(
              "al", "champion", io.lethe.avro.AliasMoveKind.PROMOTE, null, 1, "first", "admin");
        });
    aliases.set("al", "champion", 2);
    aliases.recordMove("al", "champion", io.lethe.avro.AliasMoveKind.PROMOTE, 1, 2, null, "admin");
    assertEquals(2, aliases.find("al", "champion").orElseThrow().version());
    assertEquals(
        List.of(2, 1),
        aliases.history("al", "champion").stream().map(AliasMove::toVersion).toList());
    DataAccessException missing =
        assertThrows(DataAccessException.class, () -> aliases.set("al", "candidate", 9));
    assertEquals("23503", missing.sqlState(), "foreign key violation");
    assertThrows(DataAccessException.class, () -> aliases.set("al", "production", 1));
    assertEquals(List.of(2), aliases.aliasedVersions("al"));
  }

  @Test
  void theAuditLogIsAppendOnly() throws Exception {
    long id =
        audit.append(
            AuditEntry.of("tester", "test.action", "aud", 1, "req", Map.of("k", "v", "n", 3)));
    AuditEntry entry = audit.list(new AuditQuery("aud", null, null, 0, 10)).get(0);
    assertEquals(id, entry.id());
    assertEquals("v", entry.details().get("k"));
    assertEquals(3, entry.details().get("n"));
    assertTrue(audit.exists("test.action", "aud", 1, "k", "v"));
    assertFalse(audit.exists("test.action", "aud", 1, "k", "w"));
    for (String sql :
        List.of(
            "UPDATE audit_log SET actor = 'x' WHERE id = " + id,
            "DELETE FROM audit_log WHERE id = " + id,
            "TRUNCATE audit_log")) {
      DataAccessException refused =
          assertThrows(
              DataAccessException.class,
              () ->
                  db.withConnection(
                      c -> {
                        try (Statement s = c.createStatement()) {
                          return s.executeUpdate(sql);
                        }
                      }),
              sql);
      assertTrue(refused.getMessage().contains("append-only"), refused.getMessage());
    }
    assertEquals(1, audit.count(new AuditQuery("aud", null, null, 0, 10)));
  }

  @Test
  void aFailedTransactionLeavesNothingBehind() {
    assertThrows(
        IllegalStateException.class,
        () ->
            db.inTransaction(
                () -> {
                  versions.insert(row("tx", 1, "PASSED", List.of("r")));
                  audit.append(AuditEntry.of("t", "tx.test", "tx", 1, null, Map.of()));
                  throw new IllegalStateException("boom");
                }));
    assertTrue(versions.find("tx", 1).isEmpty());
    assertEquals(0, audit.count(new AuditQuery("tx", null, null, 0, 10)));
  }

  @Test
  void marksAnArtifactPurgedOnce() {
    versions.insert(row("pg", 1, "PASSED", List.of()));
    versions.insert(row("pg", 2, "PASSED", List.of()));
    assertTrue(versions.artifactInUseElsewhere("file:///tmp/pg-1", "pg", 2));
    assertTrue(versions.markPurged("pg", 1, Instant.now()));
    assertFalse(versions.markPurged("pg", 1, Instant.now()));
    assertTrue(versions.find("pg", 1).orElseThrow().purged());
    assertFalse(versions.artifactInUseElsewhere("file:///tmp/pg-1", "pg", 2));
  }
}
