package io.lethe.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.lethe.avro.Artifact;
import io.lethe.avro.CalibrationReport;
import io.lethe.avro.ModelVersion;
import io.lethe.avro.ReceiptStatus;
import io.lethe.avro.RequestReceipt;
import io.lethe.avro.VerificationStatus;
import io.lethe.registry.internals.db.EmbeddedDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The registry's consumer against a real in-JVM Kafka broker and a real PostgreSQL, here an
 * external one (the registry is given its JDBC URL), so the test can also misbehave the database.
 */
class ConsumerIntegrationTest {
  @TempDir static Path tempDir;
  static EmbeddedDatabase postgres;
  static RegistryFixture fx;

  @BeforeAll
  static void start() {
    postgres = EmbeddedDatabase.start(null);
    fx = new RegistryFixture(tempDir, null, postgres.jdbcUrl());
  }

  @AfterAll
  static void stop() {
    try {
      if (fx != null) {
        fx.close();
      }
    } finally {
      postgres.close();
    }
  }

  @Test
  void retriesWhatTheDatabaseRefusedAndLosesNothing() throws Exception {
    // 57P03 is "cannot connect now" (a database starting up or shutting down): transient, so the
    // record is retried for as long as it lasts and never set aside, however often it fails.
    sql(
        "CREATE FUNCTION refuse_flaky() RETURNS trigger AS $$ BEGIN"
            + " IF NEW.model_id = 'flaky' THEN"
            + " RAISE EXCEPTION 'database says no' USING ERRCODE = '57P03'; END IF;"
            + " RETURN NEW; END; $$ LANGUAGE plpgsql");
    sql(
        "CREATE TRIGGER refuse_flaky BEFORE INSERT ON model_versions"
            + " FOR EACH ROW EXECUTE FUNCTION refuse_flaky()");
    try {
      fx.publish(fx.artifacts.version("flaky", 1, VerificationStatus.PASSED, List.of()));
      fx.publish(fx.artifacts.version("behind-flaky", 1, VerificationStatus.PASSED, List.of()));
      // Past the attempts after which a permanent failure would be set aside (1 s + 2 s + 4 s).
      Thread.sleep(8000);
      assertEquals(404, fx.http.get("/api/models/flaky/versions/1").status());
      assertEquals(
          404,
          fx.http.get("/api/models/behind-flaky/versions/1").status(),
          "records behind the refused one wait: per-partition order is kept");
    } finally {
      sql("DROP TRIGGER refuse_flaky ON model_versions");
    }
    fx.awaitVersion("flaky", 1);
    fx.awaitVersion("behind-flaky", 1);
    assertEquals(
        0,
        fx.http
            .get("/api/dead-letters?topic=" + fx.topics.names.modelVersions())
            .json()
            .get("total")
            .asInt(),
        "a transient failure is never set aside");
  }

  @Test
  void aRecordTheDatabaseRefusesForItsContentIsSetAsideAfterThreeAttempts() throws Exception {
    // 23514 (check violation) is the record's own: it fails the same way however often it is tried.
    sql(
        "CREATE FUNCTION refuse_poison() RETURNS trigger AS $$ BEGIN"
            + " IF NEW.request_id = 'r-poison' THEN"
            + " RAISE EXCEPTION 'poison' USING ERRCODE = '23514'; END IF;"
            + " RETURN NEW; END; $$ LANGUAGE plpgsql");
    sql(
        "CREATE TRIGGER refuse_poison BEFORE INSERT ON receipts"
            + " FOR EACH ROW EXECUTE FUNCTION refuse_poison()");
    try {
      Instant at = Instant.parse("2026-03-01T00:00:00Z");
      fx.publish(
          RequestReceipt.newBuilder()
              .setRequestId("r-poison")
              .setStatus(ReceiptStatus.ACCEPTED)
              .setAt(at)
              .build());
      fx.publish(
          RequestReceipt.newBuilder()
              .setRequestId("r-behind-poison")
              .setStatus(ReceiptStatus.ACCEPTED)
              .setAt(at)
              .build());
      // Control: on a consumer that retries every failure forever this is never stored.
      RegistryFixture.await(
          "the receipt behind the refused one",
          () -> fx.http.get("/api/requests/r-behind-poison").status() == 200);
    } finally {
      sql("DROP TRIGGER refuse_poison ON receipts");
    }
    assertEquals(404, fx.http.get("/api/requests/r-poison").status());
    JsonNode letters =
        fx.http.get("/api/dead-letters?topic=" + fx.topics.names.requestReceipts()).json();
    assertEquals(1, letters.get("total").asInt(), letters.toString());
    JsonNode letter = letters.get("items").get(0);
    assertEquals("r-poison", letter.get("key").asText());
    assertEquals("constraint_violation", letter.get("kind").asText());
    assertEquals(3, letter.get("attempts").asInt());
    assertTrue(letter.get("message").asText().contains("23514"), letter.toString());
    assertEquals(
        1.0, metric("lethe_registry_dead_letters_total{kind=\"constraint_violation\""), 1e-9);
  }

  @Test
  void aCalibrationReportOutOfBoundsIsSetAsideAndTheNextOneIsStored() {
    assertEquals(404, fx.http.get("/api/models/cal/calibration").status(), "none yet");
    assertEquals(0, fx.http.get("/api/models/cal/calibrations").json().get("total").asInt());
    // 4 + 997 = 1,001 candidates: one more than the registry stores.
    fx.publish(TestCalibrations.report("cal", 1, 997));
    CalibrationReport first = TestCalibrations.report("cal", 1, 0);
    fx.publish(first);
    fx.publish(first);
    fx.publish(TestCalibrations.report("cal", 2, 1));
    // Control: on a consumer that retries the oversized report forever this never happens.
    RegistryFixture.await(
        "generation 2's calibration",
        () -> {
          Http.Response r = fx.http.get("/api/models/cal/calibration");
          return r.status() == 200 && r.json().get("generation").asInt() == 2;
        });

    JsonNode letters =
        fx.http.get("/api/dead-letters?topic=" + fx.topics.names.calibrations()).json();
    assertEquals(1, letters.get("total").asInt(), letters.toString());
    JsonNode letter = letters.get("items").get(0);
    assertEquals("cal", letter.get("key").asText());
    assertEquals("invalid_data", letter.get("kind").asText());
    assertTrue(letter.get("message").asText().contains("1001 candidates"), letter.toString());

    JsonNode history = fx.http.get("/api/models/cal/calibrations").json();
    assertEquals(2, history.get("total").asInt(), "neither the oversized nor the redelivery");
    assertEquals(2, history.get("items").get(0).get("generation").asInt(), "newest first");
    JsonNode gen1 = fx.http.get("/api/models/cal/calibrations?generation=1").json();
    assertEquals(1, gen1.get("total").asInt());
    JsonNode report = gen1.get("items").get(0);
    assertEquals("CALIBRATED", report.get("status").asText());
    assertEquals(20, report.get("budgetRetrainings").asInt());
    assertEquals(11.25, report.get("retrainingsUsed").asDouble(), 1e-12);
    assertEquals(2, report.get("simulations").size());
    JsonNode samples = report.get("choices").get(1);
    assertEquals("muso", samples.get("method").asText());
    assertEquals(
        List.of("lr", "scale"),
        List.copyOf(Http.JSON.convertValue(samples.get("settings"), Map.class).keySet()),
        "settings sorted by key");
    assertEquals(4, report.get("candidates").size());
    JsonNode slug = report.get("candidates").get(1);
    assertEquals("slug", slug.get("method").asText());
    assertEquals(0.019, slug.get("avgGap").asDouble(), 1e-12);
    assertEquals("FAILED", slug.get("verdict").asText());
    assertFalse(slug.get("chosen").asBoolean());
    assertEquals(
        2,
        fx.http
            .get("/api/audit?modelId=cal&action=calibration.ingested")
            .json()
            .get("total")
            .asInt(),
        "each stored report audited once");
    assertEquals(400, fx.http.get("/api/models/cal/calibrations?generation=-1").status());
  }

  private static void sql(String statement) throws Exception {
    try (Connection c = postgres.dataSource().getConnection();
        Statement s = c.createStatement()) {
      s.execute(statement);
    }
  }

  @Test
  void storesAVersionOnceWhenRedelivered() {
    ModelVersion v1 = fx.artifacts.version("dup", 1, VerificationStatus.PASSED, List.of());
    fx.publish(v1);
    fx.publish(v1);
    fx.publish(fx.artifacts.version("dup", 2, VerificationStatus.PASSED, List.of("r-dup")));
    fx.awaitVersion("dup", 2);

    JsonNode page = fx.http.get("/api/models/dup/versions").json();
    assertEquals(2, page.get("total").asInt());
    JsonNode audit = fx.http.get("/api/audit?modelId=dup&action=version.ingested").json();
    assertEquals(
        2, audit.get("total").asInt(), "one ingest entry per version, none for redelivery");
    assertTrue(
        metric("lethe_registry_versions_ingested_total{outcome=\"duplicate\"") >= 1.0,
        "the redelivery is counted as a duplicate");
  }

  @Test
  void keepsTheWorkersVersionNumbersAndLineage() {
    fx.publish(fx.artifacts.version("keep", 7, VerificationStatus.PASSED, List.of("r-a", "r-b")));
    fx.awaitVersion("keep", 7);
    JsonNode v = fx.http.get("/api/models/keep/versions/7").json();
    assertEquals(7, v.get("version").asInt());
    assertEquals(6, v.get("parentVersion").asInt());
    assertEquals("batch-keep-7", v.get("batchId").asText());
    assertEquals(List.of("r-a", "r-b"), Http.JSON.convertValue(v.get("requestIds"), List.class));
    assertTrue(v.get("artifact").get("verified").asBoolean());
    assertEquals(0.17, v.get("metrics").get("forgetAccuracy").asDouble(), 1e-9);
  }

  @Test
  void aConflictingRedeliveryIsAuditedAndDoesNotOverwrite() {
    ModelVersion original =
        fx.artifacts.version("conflict", 1, VerificationStatus.PASSED, List.of());
    fx.publish(original);
    fx.awaitVersion("conflict", 1);
    ModelVersion other = ModelVersion.newBuilder(original).setMethod("something-else").build();
    fx.publish(other);
    fx.publish(fx.artifacts.version("conflict", 2, VerificationStatus.PASSED, List.of()));
    fx.awaitVersion("conflict", 2);

    JsonNode v1 = fx.http.get("/api/models/conflict/versions/1").json();
    assertEquals("train", v1.get("method").asText(), "the stored version is kept");
    JsonNode audit = fx.http.get("/api/audit?modelId=conflict&action=version.conflict").json();
    assertEquals(1, audit.get("total").asInt());
    assertEquals(1, audit.get("items").get(0).get("version").asInt());
  }

  @Test
  void aVersionWhoseArtifactDoesNotMatchIsStoredUnverifiedAndAudited() throws Exception {
    Artifact good = fx.artifacts.write(300);
    Artifact wrongHash = new Artifact(good.getUri(), "0".repeat(64), good.getSizeBytes());
    Artifact missing =
        new Artifact(
            Artifacts.path(good).resolveSibling("nope.params").toUri().toString(),
            "a".repeat(64),
            10L);
    Artifact tampered = fx.artifacts.write(400);
    Files.write(Artifacts.path(tampered), new byte[400]);
    fx.publish(fx.artifacts.version("bad", 1, VerificationStatus.PASSED, List.of(), wrongHash));
    fx.publish(fx.artifacts.version("bad", 2, VerificationStatus.PASSED, List.of(), missing));
    fx.publish(fx.artifacts.version("bad", 3, VerificationStatus.PASSED, List.of(), tampered));
    fx.awaitVersion("bad", 3);

    for (int version = 1; version <= 3; version++) {
      JsonNode artifact = fx.http.get("/api/models/bad/versions/" + version).json().get("artifact");
      assertFalse(artifact.get("verified").asBoolean(), "version " + version);
      assertTrue(artifact.get("downloadUrl").isNull(), "version " + version);
    }
    assertTrue(
        fx.http
            .get("/api/models/bad/versions/1")
            .json()
            .get("artifact")
            .get("problem")
            .asText()
            .contains("sha256 does not match"));
    assertTrue(
        fx.http
            .get("/api/models/bad/versions/2")
            .json()
            .get("artifact")
            .get("problem")
            .asText()
            .contains("not found"));
    assertEquals(
        3,
        fx.http
            .get("/api/audit?modelId=bad&action=artifact.unverified")
            .json()
            .get("total")
            .asInt());
    assertEquals(409, fx.http.get("/api/models/bad/versions/1/artifact").status());
  }

  @Test
  void skipsUndecodableRecordsAndKeepsConsuming() {
    fx.publishRaw(fx.topics.names.modelVersions(), "junk", new byte[] {1, 2, 3, 4});
    fx.publish(fx.artifacts.version("after-junk", 1, VerificationStatus.PASSED, List.of()));
    fx.awaitVersion("after-junk", 1);
    JsonNode audit = fx.http.get("/api/audit?action=record.undecodable").json();
    assertTrue(audit.get("total").asInt() >= 1);
    assertEquals(
        fx.topics.names.modelVersions(),
        audit.get("items").get(0).get("details").get("topic").asText());
  }

  @Test
  void buildsEachRequestsReceiptHistoryOnce() {
    Instant t0 = Instant.parse("2026-02-01T10:00:00Z");
    RequestReceipt accepted =
        RequestReceipt.newBuilder()
            .setRequestId("req-hist")
            .setStatus(ReceiptStatus.ACCEPTED)
            .setAt(t0)
            .build();
    RequestReceipt batched =
        RequestReceipt.newBuilder()
            .setRequestId("req-hist")
            .setStatus(ReceiptStatus.BATCHED)
            .setModelId("hist")
            .setBatchId("b-1")
            .setAt(t0.plusSeconds(5))
            .build();
    RequestReceipt applied =
        RequestReceipt.newBuilder()
            .setRequestId("req-hist")
            .setStatus(ReceiptStatus.APPLIED)
            .setModelId("hist")
            .setBatchId("b-1")
            .setModelVersion(2)
            .setAt(t0.plusSeconds(60))
            .build();
    fx.publish(accepted);
    fx.publish(batched);
    fx.publish(batched);
    fx.publish(applied);
    RegistryFixture.await(
        "the APPLIED receipt",
        () -> {
          Http.Response r = fx.http.get("/api/requests/req-hist");
          return r.status() == 200 && "APPLIED".equals(r.json().get("latestStatus").asText());
        });
    JsonNode request = fx.http.get("/api/requests/req-hist").json();
    assertEquals(3, request.get("receipts").size(), "the redelivered BATCHED is stored once");
    assertEquals("ACCEPTED", request.get("receipts").get(0).get("status").asText());
    JsonNode model = request.get("models").get(0);
    assertEquals("hist", model.get("modelId").asText());
    assertEquals(2, model.get("firstExcludingVersion").asInt());
    assertFalse(model.get("versionIngested").asBoolean(), "version 2 has not arrived yet");
  }

  @Test
  void exposesIngestMetrics() {
    fx.publish(fx.artifacts.version("metered", 1, VerificationStatus.PASSED, List.of()));
    fx.awaitVersion("metered", 1);
    String scrape = fx.http.get("/metrics").body();
    assertTrue(scrape.contains("lethe_registry_versions_ingested_total{"), scrape);
    assertTrue(scrape.contains("lethe_registry_ingest_lag_seconds"), scrape);
    assertTrue(scrape.contains("jvm_memory_used_bytes"), "JVM metrics are bound");
  }

  @Test
  void theIngestLagFallsToZeroOnceEverythingIsRead() throws Exception {
    long tenMinutesAgo = System.currentTimeMillis() - 600_000;
    fx.publishAt(
        fx.artifacts.version("late", 1, VerificationStatus.PASSED, List.of()), tenMinutesAgo);
    fx.awaitVersion("late", 1);
    // The record was ten minutes late; with nothing more to read the registry is not behind, and
    // the lag alert (over 300 s for 10 minutes) must not keep firing on a quiet topic.
    long deadline = System.nanoTime() + 15_000_000_000L;
    double lag = metric("lethe_registry_ingest_lag_seconds");
    while (lag > 0 && System.nanoTime() < deadline) {
      Thread.sleep(200);
      lag = metric("lethe_registry_ingest_lag_seconds");
    }
    assertEquals(0.0, lag, "ingest lag once caught up");
  }

  private static double metric(String prefix) {
    return fx.http
        .get("/metrics")
        .body()
        .lines()
        .filter(l -> l.startsWith(prefix))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
        .sum();
  }
}
