package io.lethe.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import io.lethe.avro.ReceiptStatus;
import io.lethe.avro.RequestReceipt;
import io.lethe.avro.VerificationStatus;
import io.lethe.registry.internals.db.Migrations;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The registry's consumer never stalls (issue 13): records that used to block their partition for
 * good are handled and the records behind them ingested; a JVM {@link Error} inside ingest does not
 * end it; a stopped database is reported by {@code /health} and nothing is lost. A real in-JVM
 * broker and a real PostgreSQL, which this class stops and starts again on the same port and data.
 */
class IngestResilienceIntegrationTest {
  @TempDir static Path tempDir;
  static Path pgData;
  static int pgPort;
  static EmbeddedPostgres postgres;
  static RegistryFixture fx;

  /**
   * Fault injection: an Error armed here is thrown once by the next connection the consumer's
   * thread asks for, i.e. from inside ingest (the health probes and the HTTP API are unaffected).
   */
  static final AtomicReference<Error> faultOnce = new AtomicReference<>();

  @BeforeAll
  static void start() throws Exception {
    pgData = tempDir.resolve("pg");
    try (ServerSocket s = new ServerSocket(0)) {
      pgPort = s.getLocalPort();
    }
    postgres = startPostgres();
    FaultInjectingDataSource faulty = new FaultInjectingDataSource();
    faulty.setServerNames(new String[] {"localhost"});
    faulty.setPortNumbers(new int[] {pgPort});
    faulty.setDatabaseName("postgres");
    faulty.setUser("postgres");
    faulty.setConnectTimeout(2);
    fx =
        new RegistryFixture(
            tempDir,
            null,
            null,
            b -> b,
            config -> {
              Migrations.migrate(faulty);
              return new ModelRegistryApp(
                      config,
                      faulty,
                      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
                      Clock.systemUTC())
                  .run();
            });
  }

  static EmbeddedPostgres startPostgres() throws Exception {
    return EmbeddedPostgres.builder()
        .setDataDirectory(pgData)
        .setCleanDataDirectory(false)
        .setPort(pgPort)
        .start();
  }

  /**
   * Fault injection: throws the armed {@link #faultOnce} from the next connection the consumer's
   * thread asks for. A PostgreSQL data source still, so the registry can name its address.
   */
  static final class FaultInjectingDataSource extends PGSimpleDataSource {
    @Override
    public Connection getConnection(String user, String password) throws SQLException {
      if (Thread.currentThread().getName().equals("lethe-registry-consumer")) {
        Error error = faultOnce.getAndSet(null);
        if (error != null) {
          throw error;
        }
      }
      return super.getConnection(user, password);
    }
  }

  @AfterAll
  static void stop() throws Exception {
    try {
      if (fx != null) {
        fx.close();
      }
    } finally {
      if (postgres != null) {
        postgres.close();
      }
    }
  }

  static RequestReceipt receipt(String requestId, String reason, Instant at) {
    return RequestReceipt.newBuilder()
        .setRequestId(requestId)
        .setStatus(ReceiptStatus.REJECTED)
        .setReason(reason)
        .setAt(at)
        .build();
  }

  static boolean stored(String requestId) {
    return fx.http.get("/api/requests/" + requestId).status() == 200;
  }

  @Test
  void aReceiptWithANulInItsReasonIsStoredSanitizedAndTheNextOneIsIngested() {
    // The reason a Confluent-framed key used to produce: its raw bytes, NULs included.
    fx.publish(receipt("r-nul", "bad key \u0000\u0000\u0000\u0007id", Instant.now()));
    fx.publish(receipt("r-after-nul", "fine", Instant.now()));
    // Control: on a consumer that retries the NUL forever this record is never ingested.
    await("the receipt behind the NUL one", Duration.ofSeconds(30), () -> stored("r-after-nul"));
    JsonNode nul = fx.http.get("/api/requests/r-nul").json();
    assertEquals("bad key ????id", nul.get("receipts").get(0).get("reason").asText());
    assertEquals(0, deadLetters("r-nul").size(), "sanitized and stored, not set aside");
  }

  @Test
  void aReceiptDatedYear303013IsSetAsideAuditedAndCountedAndTheNextOneIsIngested() {
    double before = metric("lethe_registry_dead_letters_total{kind=\"invalid_data\"");
    fx.publish(receipt("r-303013", "late", Instant.parse("+303013-01-01T00:00:00Z")));
    fx.publish(receipt("r-after-303013", "fine", Instant.now()));
    await(
        "the receipt behind the year-303013 one",
        Duration.ofSeconds(30),
        () -> stored("r-after-303013"));
    assertEquals(404, fx.http.get("/api/requests/r-303013").status(), "not stored clamped");
    List<JsonNode> letters = deadLetters("r-303013");
    assertEquals(1, letters.size(), letters.toString());
    JsonNode letter = letters.get(0);
    assertEquals(fx.topics.names.requestReceipts(), letter.get("topic").asText());
    assertEquals("invalid_data", letter.get("kind").asText());
    assertEquals(3, letter.get("attempts").asInt());
    assertTrue(letter.get("message").asText().contains("+303013"), letter.toString());
    assertFalse(
        Instant.parse(letter.get("lastFailedAt").asText())
            .isBefore(Instant.parse(letter.get("firstFailedAt").asText())));
    JsonNode audit = fx.http.get("/api/audit?action=record.set-aside&size=500").json();
    boolean audited = false;
    for (JsonNode entry : audit.get("items")) {
      audited |= entry.get("details").get("offset").asLong() == letter.get("offset").asLong();
    }
    assertTrue(audited, audit.toString());
    assertEquals(
        before + 1, metric("lethe_registry_dead_letters_total{kind=\"invalid_data\""), 1e-9);
  }

  @Test
  void anErrorThrownInsideIngestDoesNotEndIt() {
    faultOnce.set(new StackOverflowError("injected by the test"));
    fx.publish(fx.artifacts.version("after-error", 1, VerificationStatus.PASSED, List.of()));
    await("the version whose ingest threw", Duration.ofSeconds(30), () -> faultOnce.get() == null);
    fx.publish(fx.artifacts.version("after-error", 2, VerificationStatus.PASSED, List.of()));
    await(
        "both versions, after the consumer was recreated",
        Duration.ofSeconds(30),
        () -> fx.http.get("/api/models/after-error/versions/2").status() == 200);
    assertEquals(200, fx.http.get("/api/models/after-error/versions/1").status());
    await("health UP again", Duration.ofSeconds(30), () -> fx.http.get("/health").status() == 200);
    assertEquals(0, deadLetters("after-error").size(), "a one-off Error is not the record's");
  }

  @Test
  void aStoppedDatabaseIsReportedByHealthAndNothingIsLost() throws Exception {
    // Control: healthy before the database stops.
    await("health UP", Duration.ofSeconds(30), () -> fx.http.get("/health").status() == 200);
    postgres.close();
    postgres = null;
    try {
      long stoppedAt = System.nanoTime();
      await("health DOWN", Duration.ofSeconds(30), () -> fx.http.get("/health").status() == 503);
      assertTrue(System.nanoTime() - stoppedAt < Duration.ofSeconds(30).toNanos());
      JsonNode down = fx.http.get("/health").json();
      assertEquals("DOWN", down.get("database").asText(), down.toString());
      assertTrue(
          down.get("reason").asText().contains("database at localhost:" + pgPort + "/postgres"),
          down.toString());
      // The API says the database is away (503, retry), not an internal error (500).
      var models = fx.http.get("/api/models");
      assertEquals(503, models.status(), models.body());
      assertTrue(models.body().contains("database is unavailable"), models.body());
      for (int i = 0; i < 3; i++) {
        fx.publish(receipt("r-while-down-" + i, "fine", Instant.now()));
      }
    } finally {
      postgres = startPostgres();
    }
    await("health UP again", Duration.ofSeconds(30), () -> fx.http.get("/health").status() == 200);
    assertEquals(200, fx.http.get("/api/models").status(), "the API answers again");
    await(
        "every receipt published while the database was away",
        Duration.ofSeconds(60),
        () -> stored("r-while-down-0") && stored("r-while-down-1") && stored("r-while-down-2"));
    for (int i = 0; i < 3; i++) {
      assertEquals(0, deadLetters("r-while-down-" + i).size(), "transient: never set aside");
    }
  }

  @Test
  void healthNamesAnUnreachableBroker() throws Exception {
    int closed;
    try (ServerSocket s = new ServerSocket(0)) {
      closed = s.getLocalPort();
    }
    PGSimpleDataSource ds = new PGSimpleDataSource();
    ds.setURL("jdbc:postgresql://localhost:" + pgPort + "/postgres?user=postgres");
    RegistryConfig config =
        fx.app.config().toBuilder()
            .bootstrapServers("127.0.0.1:" + closed)
            .httpPort(0)
            .consumerGroupId("unreachable")
            .build();
    try (ModelRegistryApp app =
        new ModelRegistryApp(
                config,
                ds,
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
                Clock.systemUTC())
            .run()) {
      Http http = new Http(app.baseUrl());
      assertNull(http.get("/health").json().get("reason"), "no reason while Kafka may answer");
      await("health DOWN", Duration.ofSeconds(30), () -> http.get("/health").status() == 503);
      JsonNode down = http.get("/health").json();
      assertEquals("DOWN", down.get("kafka").asText(), down.toString());
      assertTrue(
          down.get("reason").asText().contains("cannot reach Kafka at 127.0.0.1:" + closed),
          down.toString());
      assertEquals("UP", down.get("database").asText(), down.toString());
    }
  }

  static List<JsonNode> deadLetters(String key) {
    JsonNode page = fx.http.get("/api/dead-letters?size=500").json();
    List<JsonNode> out = new java.util.ArrayList<>();
    page.get("items").forEach(n -> out.add(n));
    return out.stream().filter(n -> key.equals(n.get("key").asText())).toList();
  }

  static double metric(String prefix) {
    return fx.http
        .get("/metrics")
        .body()
        .lines()
        .filter(l -> l.startsWith(prefix))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
        .sum();
  }

  static void await(String what, Duration timeout, BooleanSupplier condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (condition.getAsBoolean()) {
        return;
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        fail("interrupted waiting for " + what);
      }
    }
    fail("timed out waiting for " + what);
  }
}
