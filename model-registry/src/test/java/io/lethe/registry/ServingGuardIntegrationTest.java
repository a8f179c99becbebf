package io.lethe.registry;

import static io.lethe.registry.RegistryFixture.TOKEN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.lethe.avro.AliasEvent;
import io.lethe.avro.AliasMoveKind;
import io.lethe.avro.ModelVersion;
import io.lethe.avro.ReceiptStatus;
import io.lethe.avro.RequestReceipt;
import io.lethe.avro.VerificationStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The serving guard: an alias never moves onto a version holding erased data; FOLLOW moves it off
 * one when an erasure is applied, HOLD keeps it there (counted, audited, never purged while it
 * does); every move is an alias event; unaliased versions holding erased data are purged
 * automatically once their deadline has passed.
 */
class ServingGuardIntegrationTest {
  static final Duration DEADLINE = Duration.ofSeconds(4);
  @TempDir static Path tempDir;
  static io.lethe.registry.internals.db.EmbeddedDatabase postgres;
  static RegistryFixture fx;

  @BeforeAll
  static void start() {
    // An external database, so that a second registry (without Kafka) can share it.
    postgres = io.lethe.registry.internals.db.EmbeddedDatabase.start(null);
    fx =
        new RegistryFixture(
            tempDir,
            null,
            postgres.jdbcUrl(),
            b ->
                b.aliasPolicies(AliasPolicies.DEFAULT.with("hold-m", AliasPolicy.HOLD))
                    .purgeDeadline(DEADLINE)
                    .purgeCheckInterval(Duration.ofMillis(200)));
  }

  @AfterAll
  static void stop() {
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

  static Http.Response promote(String model, String alias, int version) {
    return fx.http.send(
        "PUT",
        "/api/models/" + model + "/aliases/" + alias,
        "{\"version\": " + version + ", \"reason\": \"test\"}",
        TOKEN);
  }

  static Integer current(String model, String alias) {
    JsonNode c = fx.http.get("/api/models/" + model + "/aliases/" + alias).json().get("current");
    return c.isNull() ? null : c.get("version").asInt();
  }

  static void applied(String request, String model, int version) {
    fx.publish(
        RequestReceipt.newBuilder()
            .setRequestId(request)
            .setStatus(ReceiptStatus.APPLIED)
            .setModelId(model)
            .setModelVersion(version)
            .setAt(Instant.now())
            .build());
  }

  @Test
  void followMovesChampionOffAVersionHoldingErasedDataAndTheGuardRefusesToGoBack() {
    fx.publish(fx.artifacts.version("follow-m", 1, VerificationStatus.PASSED, List.of()));
    fx.awaitVersion("follow-m", 1);
    assertEquals(200, promote("follow-m", "champion", 1).status());
    assertEquals(1, current("follow-m", "champion"), "control: champion starts on v1");

    fx.publish(fx.artifacts.version("follow-m", 2, VerificationStatus.PASSED, List.of("f1")));
    applied("f1", "follow-m", 2);
    RegistryFixture.await("champion follows to v2", () -> current("follow-m", "champion") == 2);

    JsonNode history = fx.http.get("/api/models/follow-m/aliases/champion").json().get("history");
    assertEquals("FOLLOW", history.get(0).get("kind").asText());
    assertEquals(
        "registry",
        fx.http
            .get("/api/audit?modelId=follow-m&action=alias.moved")
            .json()
            .get("items")
            .get(0)
            .get("actor")
            .asText());

    // Promotion and rollback onto v1 (which holds f1) are refused, naming the request.
    Http.Response promoteBack = promote("follow-m", "candidate", 1);
    assertEquals(409, promoteBack.status(), promoteBack.body());
    assertTrue(promoteBack.json().get("message").asText().contains("[f1]"), promoteBack.body());
    Http.Response rollback =
        fx.http.send("POST", "/api/models/follow-m/aliases/champion/rollback", null, TOKEN);
    assertEquals(409, rollback.status(), rollback.body());
    assertTrue(rollback.json().get("message").asText().contains("[f1]"), rollback.body());
    assertEquals(2, current("follow-m", "champion"), "nothing moved");
    assertEquals(200, promote("follow-m", "candidate", 2).status(), "control: v2 is servable");

    RegistryFixture.await(
        "the PROMOTE and FOLLOW events",
        () ->
            fx.aliasEvents().stream()
                .filter(e -> e.getModelId().equals("follow-m"))
                .map(AliasEvent::getKind)
                .toList()
                .containsAll(List.of(AliasMoveKind.PROMOTE, AliasMoveKind.FOLLOW)));
    AliasEvent follow =
        fx.aliasEvents().stream()
            .filter(e -> e.getModelId().equals("follow-m") && e.getKind() == AliasMoveKind.FOLLOW)
            .findFirst()
            .orElseThrow();
    assertEquals("champion", follow.getAlias());
    assertEquals(1, follow.getFromVersion());
    assertEquals(2, follow.getToVersion());
  }

  @Test
  void movesMadeWithoutKafkaArePublishedByTheNextRegistryWithKafka() {
    fx.publish(fx.artifacts.version("outbox-m", 1, VerificationStatus.PASSED, List.of()));
    fx.awaitVersion("outbox-m", 1);
    // A registry on the same database but without Kafka: the move is stored, not published.
    try (ModelRegistryApp offline =
        ModelRegistryApp.start(
            fx.app.config().toBuilder()
                .bootstrapServers(null)
                .httpPort(0)
                .purgeCheckInterval(Duration.ofMinutes(10))
                .build())) {
      Http.Response r =
          new Http(offline.baseUrl())
              .send(
                  "PUT",
                  "/api/models/outbox-m/aliases/candidate",
                  "{\"version\": 1, \"reason\": \"offline\"}",
                  TOKEN);
      assertEquals(200, r.status(), r.body());
    }
    // The fixture's registry (with Kafka) publishes it on its keeper's next round.
    RegistryFixture.await(
        "the offline move on the alias-events topic",
        () ->
            fx.aliasEvents().stream()
                .anyMatch(
                    e ->
                        e.getModelId().equals("outbox-m")
                            && e.getKind() == AliasMoveKind.PROMOTE
                            && "admin".equals(e.getActor())
                            && "offline".equals(e.getReason())));
  }

  @Test
  void holdKeepsTheAliasCountsItAndThePurgeLeavesItsVersion() {
    fx.publish(fx.artifacts.version("hold-m", 1, VerificationStatus.PASSED, List.of()));
    fx.awaitVersion("hold-m", 1);
    assertEquals(200, promote("hold-m", "champion", 1).status());
    fx.publish(fx.artifacts.version("hold-m", 2, VerificationStatus.PASSED, List.of("h1")));
    applied("h1", "hold-m", 2);
    fx.awaitVersion("hold-m", 2);
    RegistryFixture.await(
        "the hold is audited",
        () ->
            fx.http.get("/api/audit?modelId=hold-m&action=alias.held").json().get("total").asInt()
                == 1);
    assertEquals(1, current("hold-m", "champion"), "hold: champion stays");
    JsonNode alias = fx.http.get("/api/models/hold-m/aliases").json();
    assertEquals("hold", alias.get("policy").asText());
    assertTrue(alias.get("aliases").get(0).get("servesErasedData").asBoolean());
    assertEquals("h1", alias.get("aliases").get(0).get("heldRequests").get(0).asText());
    RegistryFixture.await(
        "the gauge counts it",
        () ->
            fx.http
                .get("/metrics")
                .body()
                .lines()
                .anyMatch(
                    l ->
                        l.startsWith("lethe_registry_aliases_serving_erased_data ")
                            && Double.parseDouble(l.substring(l.indexOf(' ') + 1)) >= 1));
    JsonNode purge = fx.http.send("POST", "/api/models/hold-m/purge", null, TOKEN).json();
    assertEquals(1, purge.get("skipped").get(0).get("version").asInt(), purge.toString());
    assertEquals(0, purge.get("purged").size());
  }

  @Test
  void versionsHoldingErasedDataArePurgedAutomaticallyAfterTheDeadline() throws Exception {
    ModelVersion v1 = fx.artifacts.version("auto-m", 1, VerificationStatus.PASSED, List.of());
    fx.publish(v1);
    fx.publish(fx.artifacts.version("auto-m", 2, VerificationStatus.PASSED, List.of("a1")));
    applied("a1", "auto-m", 2);
    fx.awaitVersion("auto-m", 2);
    Instant ingested = Instant.now();
    Path file = Artifacts.path(v1.getArtifact());
    // Control: before its deadline the version is still there.
    assertTrue(Files.exists(file), "not purged before the deadline");
    assertTrue(
        fx.http
            .get("/api/models/auto-m/versions/1")
            .json()
            .get("artifact")
            .get("purgedAt")
            .isNull());
    RegistryFixture.await(
        "v1 purged automatically",
        () ->
            !fx.http
                .get("/api/models/auto-m/versions/1")
                .json()
                .get("artifact")
                .get("purgedAt")
                .isNull());
    assertFalse(Files.exists(file));
    assertTrue(
        Duration.between(ingested, Instant.now()).compareTo(DEADLINE.minusSeconds(1)) > 0,
        "not before its deadline");
    JsonNode audit =
        fx.http.get("/api/audit?modelId=auto-m&action=artifact.purged").json().get("items");
    assertEquals(1, audit.size());
    assertEquals("registry", audit.get(0).get("actor").asText());
    assertTrue(audit.get(0).get("details").get("trigger").asText().startsWith("automatic"));
    assertTrue(
        fx.http
            .get("/api/models/auto-m/versions/2")
            .json()
            .get("artifact")
            .get("purgedAt")
            .isNull(),
        "the latest version is kept");
  }
}
