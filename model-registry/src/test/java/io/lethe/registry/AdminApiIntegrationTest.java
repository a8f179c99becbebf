package io.lethe.registry;

import static io.lethe.registry.RegistryFixture.TOKEN;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.lethe.avro.Artifact;
import io.lethe.avro.ModelVersion;
import io.lethe.avro.ReceiptStatus;
import io.lethe.avro.RequestReceipt;
import io.lethe.avro.VerificationStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Aliases with their PASSED gate and rollback, tags, purge and bearer-token refusals, over HTTP.
 */
class AdminApiIntegrationTest {
  @TempDir static Path tempDir;
  static RegistryFixture fx;
  static final List<ModelVersion> purgeModel = new ArrayList<>();
  static final List<ModelVersion> failedModel = new ArrayList<>();

  @BeforeAll
  static void start() {
    fx = new RegistryFixture(tempDir, null);
    // promo: 1 PASSED, 2 FAILED, 3 PASSED, 4 PASSED but unverified artifact, 5 PASSED
    fx.publish(fx.artifacts.version("promo", 1, VerificationStatus.PASSED, List.of()));
    fx.publish(fx.artifacts.version("promo", 2, VerificationStatus.FAILED, List.of("p2")));
    fx.publish(fx.artifacts.version("promo", 3, VerificationStatus.PASSED, List.of("p2")));
    Artifact real = fx.artifacts.write(99);
    fx.publish(
        fx.artifacts.version(
            "promo",
            4,
            VerificationStatus.PASSED,
            List.of(),
            new Artifact(real.getUri(), "f".repeat(64), 99L)));
    fx.publish(fx.artifacts.version("promo", 5, VerificationStatus.PASSED, List.of()));
    for (String model : List.of("rb", "race", "auth", "tags")) {
      for (int v = 1; v <= 3; v++) {
        fx.publish(fx.artifacts.version(model, v, VerificationStatus.PASSED, List.of()));
      }
    }
    // purge: 1 trained; 2, 3, 4 each erase one request, confirmed by APPLIED receipts
    purgeModel.add(fx.artifacts.version("purge-m", 1, VerificationStatus.PASSED, List.of()));
    purgeModel.add(fx.artifacts.version("purge-m", 2, VerificationStatus.PASSED, List.of("rA")));
    purgeModel.add(fx.artifacts.version("purge-m", 3, VerificationStatus.PASSED, List.of("rB")));
    purgeModel.add(fx.artifacts.version("purge-m", 4, VerificationStatus.PASSED, List.of("rC")));
    purgeModel.forEach(fx::publish);
    // purge-f: 2 FAILED to erase rX, 3 PASSED erasing it; 4 shares its (content-addressed) file
    // with 1
    Artifact shared = fx.artifacts.write(321);
    failedModel.add(
        fx.artifacts.version("purge-f", 1, VerificationStatus.PASSED, List.of(), shared));
    failedModel.add(fx.artifacts.version("purge-f", 2, VerificationStatus.FAILED, List.of("rX")));
    failedModel.add(fx.artifacts.version("purge-f", 3, VerificationStatus.PASSED, List.of("rX")));
    failedModel.add(
        fx.artifacts.version("purge-f", 4, VerificationStatus.PASSED, List.of(), shared));
    failedModel.forEach(fx::publish);
    String[] requests = {"rA", "rB", "rC"};
    for (int i = 0; i < requests.length; i++) {
      fx.publish(
          RequestReceipt.newBuilder()
              .setRequestId(requests[i])
              .setStatus(ReceiptStatus.APPLIED)
              .setModelId("purge-m")
              .setModelVersion(i + 2)
              .setAt(Instant.parse("2026-01-02T00:00:00Z").plusSeconds(i))
              .build());
    }
    fx.awaitVersion("promo", 5);
    fx.awaitVersion("tags", 3);
    fx.awaitVersion("purge-m", 4);
    fx.awaitVersion("purge-f", 4);
    RegistryFixture.await("receipts of rC", () -> fx.http.get("/api/requests/rC").status() == 200);
  }

  @AfterAll
  static void stop() {
    if (fx != null) {
      fx.close();
    }
  }

  static Http.Response promote(String model, String alias, int version) {
    return fx.http.send(
        "PUT",
        "/api/models/" + model + "/aliases/" + alias,
        "{\"version\": " + version + ", \"reason\": \"test\"}",
        TOKEN);
  }

  static Http.Response rollback(String model, String alias) {
    return fx.http.send(
        "POST", "/api/models/" + model + "/aliases/" + alias + "/rollback", null, TOKEN);
  }

  static int current(String model, String alias) {
    return fx.http
        .get("/api/models/" + model + "/aliases/" + alias)
        .json()
        .get("current")
        .get("version")
        .asInt();
  }

  @Test
  void onlyPassedVerifiedVersionsArePromoted() {
    Http.Response failed = promote("promo", "champion", 2);
    assertEquals(409, failed.status());
    assertTrue(failed.json().get("message").asText().contains("FAILED"), failed.body());
    Http.Response unverified = promote("promo", "champion", 4);
    assertEquals(409, unverified.status());
    assertTrue(unverified.json().get("message").asText().contains("unverified"));
    assertEquals(404, promote("promo", "champion", 99).status());
    assertEquals(400, promote("promo", "production", 1).status());
    assertEquals(404, promote("no-such-model", "champion", 1).status());
    assertTrue(
        fx.http.get("/api/models/promo/aliases/champion").json().get("current").isNull(),
        "no refused promotion moved the alias");

    Http.Response ok = promote("promo", "champion", 5);
    assertEquals(200, ok.status(), ok.body());
    assertEquals(5, ok.json().get("current").get("version").asInt());
    assertEquals(200, promote("promo", "candidate", 3).status());
    // A serving system follows an alias with one URL: the bytes of the version it points to.
    Http.Response byAlias = fx.http.get("/api/models/promo/aliases/champion/artifact");
    Http.Response byVersion = fx.http.get("/api/models/promo/versions/5/artifact");
    assertEquals(200, byAlias.status(), byAlias.body());
    assertArrayEquals(byVersion.raw().body(), byAlias.raw().body());
    assertEquals(byVersion.header("X-Checksum-SHA256"), byAlias.header("X-Checksum-SHA256"));
    assertTrue(byAlias.header("Content-Disposition").contains("promo-v5-"));
    assertFalse(
        java.util.Arrays.equals(
            fx.http.get("/api/models/promo/aliases/candidate/artifact").raw().body(),
            byAlias.raw().body()),
        "another alias, another version's bytes");
    assertEquals(400, fx.http.get("/api/models/promo/aliases/staging/artifact").status());
    assertEquals(404, fx.http.get("/api/models/no-such-model/aliases/champion/artifact").status());
    JsonNode aliases = fx.http.get("/api/models/promo/aliases").json().get("aliases");
    assertEquals(2, aliases.size());
    JsonNode v5 = fx.http.get("/api/models/promo/versions/5").json();
    assertEquals("champion", v5.get("aliases").get(0).asText());
    JsonNode audit = fx.http.get("/api/audit?modelId=promo&action=alias.moved").json();
    assertEquals(2, audit.get("total").asInt());
    assertEquals("admin", audit.get("items").get(0).get("actor").asText());
  }

  @Test
  void badPromotionBodiesAre400() {
    for (String body :
        new String[] {
          null, "{}", "{\"version\": \"x\"}", "{not json", "{\"version\": 1, \"x\": 2}"
        }) {
      Http.Response r = fx.http.send("PUT", "/api/models/promo/aliases/candidate", body, TOKEN);
      assertEquals(400, r.status(), String.valueOf(body));
      assertEquals(400, r.json().get("status").asInt());
      assertFalse(r.body().contains("com.fasterxml"), r.body());
    }
  }

  @Test
  void rollbackWalksBackThroughPromotionsAtomically() {
    assertEquals(200, promote("rb", "champion", 1).status());
    assertEquals(200, promote("rb", "champion", 2).status());
    assertEquals(200, promote("rb", "champion", 3).status());
    Http.Response back = rollback("rb", "champion");
    assertEquals(200, back.status(), back.body());
    assertEquals(2, current("rb", "champion"));
    assertEquals(200, rollback("rb", "champion").status());
    assertEquals(1, current("rb", "champion"));
    Http.Response nothing = rollback("rb", "champion");
    assertEquals(409, nothing.status());
    assertEquals(1, current("rb", "champion"));

    JsonNode history = fx.http.get("/api/models/rb/aliases/champion").json().get("history");
    assertEquals("ROLLBACK", history.get(0).get("kind").asText());
    assertEquals(2, history.get(0).get("fromVersion").asInt());
    assertEquals(1, history.get(0).get("toVersion").asInt());
    assertEquals(5, history.size());

    assertEquals(
        204,
        fx.http
            .send("DELETE", "/api/models/rb/aliases/champion", "{\"reason\":\"retired\"}", TOKEN)
            .status());
    assertTrue(fx.http.get("/api/models/rb/aliases/champion").json().get("current").isNull());
    assertEquals(404, rollback("rb", "champion").status());
  }

  @Test
  void concurrentMovesLeaveTheAliasConsistentWithItsHistory() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(6);
    try {
      List<Future<Integer>> results = new ArrayList<>();
      for (int i = 0; i < 24; i++) {
        int version = 1 + (i % 3);
        boolean back = i % 4 == 3;
        results.add(
            pool.submit(
                () ->
                    back
                        ? rollback("race", "candidate").status()
                        : promote("race", "candidate", version).status()));
      }
      for (Future<Integer> f : results) {
        int status = f.get();
        assertTrue(status == 200 || status == 409 || status == 404, "status " + status);
      }
    } finally {
      pool.shutdownNow();
    }
    JsonNode detail = fx.http.get("/api/models/race/aliases/candidate").json();
    JsonNode history = detail.get("history");
    assertEquals(
        history.get(0).get("toVersion").asInt(), detail.get("current").get("version").asInt());
    for (int i = 0; i + 1 < history.size(); i++) {
      assertEquals(
          history.get(i + 1).get("toVersion").asInt(),
          history.get(i).get("fromVersion").asInt(),
          "each move starts where the previous one ended");
    }
  }

  @Test
  void tagsAreAddedFilteredAndRemoved() {
    Http.Response added =
        fx.http.send("PUT", "/api/models/tags/versions/2/tags/reviewed", null, TOKEN);
    assertEquals(200, added.status(), added.body());
    assertTrue(added.json().get("tags").has("reviewed"), added.body());
    assertTrue(added.json().get("tags").get("reviewed").isNull(), "no body: a bare label");
    JsonNode tagged = fx.http.get("/api/models/tags/versions?tag=reviewed").json();
    assertEquals(1, tagged.get("total").asInt());
    assertEquals(2, tagged.get("items").get(0).get("version").asInt());
    assertEquals(
        400,
        fx.http.send("PUT", "/api/models/tags/versions/2/tags/bad%20tag", null, TOKEN).status());
    assertEquals(
        200,
        fx.http.send("DELETE", "/api/models/tags/versions/2/tags/reviewed", null, TOKEN).status());
    assertEquals(
        404,
        fx.http.send("DELETE", "/api/models/tags/versions/2/tags/reviewed", null, TOKEN).status());
    assertEquals(
        0, fx.http.get("/api/models/tags/versions?tag=reviewed").json().get("total").asInt());
  }

  @Test
  void aTagsValueIsStoredReturnedChangedAndAudited() {
    String path = "/api/models/tags/versions/3/tags/owner";
    Http.Response set = fx.http.send("PUT", path, "{\"value\": \"team-a\"}", TOKEN);
    assertEquals(200, set.status(), set.body());
    assertEquals("team-a", set.json().get("tags").get("owner").asText());
    assertEquals(
        "team-a",
        fx.http.get("/api/models/tags/versions/3").json().get("tags").get("owner").asText(),
        "the value is stored, not dropped");
    long audited = tagAudits();
    assertEquals(200, fx.http.send("PUT", path, "{\"value\": \"team-a\"}", TOKEN).status());
    assertEquals(audited, tagAudits(), "setting the same value again changes nothing");
    assertEquals(200, fx.http.send("PUT", path, "{\"value\": \"team-b\"}", TOKEN).status());
    assertEquals(
        "team-b",
        fx.http.get("/api/models/tags/versions/3").json().get("tags").get("owner").asText());
    assertEquals(audited + 1, tagAudits());
    JsonNode last = fx.http.get("/api/audit?modelId=tags&action=tag.added&size=1").json();
    assertEquals("team-b", last.get("items").get(0).get("details").get("value").asText());
    assertEquals(400, fx.http.send("PUT", path, "{\"value\": \"a\\u0000b\"}", TOKEN).status());
    assertEquals(
        400,
        fx.http.send("PUT", path, "{\"value\": \"" + "x".repeat(1001) + "\"}", TOKEN).status());
    assertEquals(400, fx.http.send("PUT", path, "{\"colour\": \"red\"}", TOKEN).status());
  }

  @Test
  void aModelHasKeyValueTagsAndASummary() {
    Http.Response set =
        fx.http.send("PUT", "/api/models/tags/tags/task", "{\"value\": \"digits\"}", TOKEN);
    assertEquals(200, set.status(), set.body());
    assertEquals("digits", set.json().get("tags").get("task").asText());
    JsonNode model = fx.http.get("/api/models/tags").json();
    assertEquals("tags", model.get("modelId").asText());
    assertEquals(3, model.get("versionCount").asInt());
    assertEquals(3, model.get("latestVersion").asInt());
    assertEquals("digits", model.get("tags").get("task").asText());
    assertEquals("follow", model.get("aliasPolicy").asText());
    assertTrue(model.get("aliases").isArray());
    assertTrue(model.get("versionsHoldingErasedData").isArray());
    assertEquals(404, fx.http.get("/api/models/no-such-model").status());
    assertEquals(
        404, fx.http.send("PUT", "/api/models/no-such-model/tags/task", null, TOKEN).status());
    assertEquals(200, fx.http.send("DELETE", "/api/models/tags/tags/task", null, TOKEN).status());
    assertFalse(fx.http.get("/api/models/tags").json().get("tags").has("task"));
    assertEquals(404, fx.http.send("DELETE", "/api/models/tags/tags/task", null, TOKEN).status());
  }

  private static long tagAudits() {
    return fx.http.get("/api/audit?modelId=tags&action=tag.added").json().get("total").asLong();
  }

  @Test
  void purgeDeletesSupersededArtifactsHoldingErasedData() throws Exception {
    // The serving guard keeps aliases off versions holding erased data (ServingGuardIntegrationTest
    // covers an alias held there by policy, and the purge skipping it).
    Http.Response refused = promote("purge-m", "champion", 2);
    assertEquals(409, refused.status(), refused.body());
    assertTrue(refused.json().get("message").asText().contains("[rB, rC]"), refused.body());

    JsonNode dry =
        fx.http.send("POST", "/api/models/purge-m/purge?dryRun=true", null, TOKEN).json();
    assertTrue(dry.get("dryRun").asBoolean());
    assertEquals(List.of(1, 2, 3), versions(dry.get("purged")));
    assertEquals(List.of(), versions(dry.get("skipped")));
    assertEquals(
        List.of("rA", "rB", "rC"),
        Http.JSON.convertValue(dry.get("purged").get(0).get("erasedRequests"), List.class));
    assertEquals(
        List.of("rC"),
        Http.JSON.convertValue(dry.get("purged").get(2).get("erasedRequests"), List.class));
    assertTrue(
        Files.exists(Artifacts.path(purgeModel.get(0).getArtifact())), "dry run deletes nothing");

    Http.Response real = fx.http.send("POST", "/api/models/purge-m/purge", null, TOKEN);
    assertEquals(200, real.status(), real.body());
    assertEquals(List.of(1, 2, 3), versions(real.json().get("purged")));
    for (int i = 0; i < 3; i++) {
      assertFalse(Files.exists(Artifacts.path(purgeModel.get(i).getArtifact())), "v" + (i + 1));
    }
    assertTrue(Files.exists(Artifacts.path(purgeModel.get(3).getArtifact())), "latest: kept");

    JsonNode v1 = fx.http.get("/api/models/purge-m/versions/1").json();
    assertNotNull(v1.get("artifact").get("purgedAt").asText(null), "the record stays, marked");
    assertEquals(
        purgeModel.get(0).getArtifact().getSha256(), v1.get("artifact").get("sha256").asText());
    assertEquals(410, fx.http.get("/api/models/purge-m/versions/1/artifact").status());
    assertEquals(
        409, promote("purge-m", "candidate", 3).status(), "a purged version is not promotable");
    JsonNode audit = fx.http.get("/api/audit?modelId=purge-m&action=artifact.purged").json();
    assertEquals(3, audit.get("total").asInt());
    assertTrue(audit.get("items").get(0).get("details").get("fileDeleted").asBoolean());

    JsonNode again = fx.http.send("POST", "/api/models/purge-m/purge", null, TOKEN).json();
    assertEquals(List.of(), versions(again.get("purged")));
    assertEquals(200, promote("purge-m", "champion", 4).status(), "control: v4 excludes all");
  }

  @Test
  void aFailedAttemptStillHoldsTheDataAndASharedFileIsKept() {
    JsonNode report = fx.http.send("POST", "/api/models/purge-f/purge", null, TOKEN).json();
    assertEquals(List.of(1, 2), versions(report.get("purged")), report.toString());
    JsonNode v1 = report.get("purged").get(0);
    assertFalse(v1.get("fileDeleted").asBoolean(), "version 4 still uses the same file");
    assertTrue(Files.exists(Artifacts.path(failedModel.get(0).getArtifact())));
    assertTrue(report.get("purged").get(1).get("fileDeleted").asBoolean());
    assertFalse(Files.exists(Artifacts.path(failedModel.get(1).getArtifact())));
    assertEquals(200, fx.http.get("/api/models/purge-f/versions/4/artifact").status());
    assertEquals(410, fx.http.get("/api/models/purge-f/versions/1/artifact").status());
  }

  @Test
  void everyAdminEndpointRefusesCallersWithoutTheToken() {
    List<String[]> calls =
        List.of(
            new String[] {"PUT", "/api/models/auth/aliases/champion", "{\"version\": 1}"},
            new String[] {"DELETE", "/api/models/auth/aliases/champion", null},
            new String[] {"POST", "/api/models/auth/aliases/champion/rollback", null},
            new String[] {"POST", "/api/models/auth/purge", null},
            new String[] {"PUT", "/api/models/auth/versions/1/tags/t", null},
            new String[] {"DELETE", "/api/models/auth/versions/1/tags/t", null},
            new String[] {"PUT", "/api/models/auth/tags/t", "{\"value\": \"v\"}"},
            new String[] {"DELETE", "/api/models/auth/tags/t", null});
    long auditBefore = fx.http.get("/api/audit?modelId=auth").json().get("total").asLong();
    for (String[] call : calls) {
      for (String token : new String[] {null, "wrong-token", ""}) {
        Http.Response r = fx.http.send(call[0], call[1], call[2], token);
        assertEquals(401, r.status(), call[0] + " " + call[1] + " token=" + token);
        assertEquals(401, r.json().get("status").asInt());
        assertTrue(r.header("WWW-Authenticate").startsWith("Bearer"));
      }
    }
    assertTrue(fx.http.get("/api/models/auth/aliases/champion").json().get("current").isNull());
    assertEquals(auditBefore, fx.http.get("/api/audit?modelId=auth").json().get("total").asLong());
    assertEquals(200, promote("auth", "champion", 1).status(), "the right token is accepted");
  }

  private static List<Integer> versions(JsonNode array) {
    List<Integer> out = new ArrayList<>();
    array.forEach(v -> out.add(v.get("version").asInt()));
    return out;
  }
}
