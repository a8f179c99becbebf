package io.lethe.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lethe.avro.ModelVersion;
import io.lethe.avro.ReceiptStatus;
import io.lethe.avro.RequestReceipt;
import io.lethe.avro.VerificationMetrics;
import io.lethe.avro.VerificationStatus;
import io.lethe.registry.internals.cert.Ed25519Signer;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Deletion certificates over HTTP: issue, verify, tamper, and verify after a restart. */
class CertificateIntegrationTest {
  @TempDir static Path tempDir;
  static RegistryFixture fx;
  static final String KEY = Ed25519Signer.generate().privateKeyBase64();
  static ModelVersion v2;

  @BeforeAll
  static void start() {
    fx = new RegistryFixture(tempDir, KEY);
    fx.publish(fx.artifacts.version("cert-m", 1, VerificationStatus.PASSED, List.of()));
    v2 = fx.artifacts.version("cert-m", 2, VerificationStatus.PASSED, List.of("req-c1"));
    fx.publish(v2);
    ModelVersion v3 =
        fx.artifacts.version("cert-m", 3, VerificationStatus.PASSED, List.of("req-c3"));
    fx.publish(
        ModelVersion.newBuilder(v3)
            .setMetrics(
                VerificationMetrics.newBuilder(v3.getMetrics())
                    .setEvidence("exact")
                    .setPerExampleReferenceModels(8)
                    .setPerExampleMeanScore(0.3)
                    .setPerExampleWorstScore(2.1)
                    .setPerExampleFlagged(0.0)
                    .setPerExamplePower(0.875)
                    .setDriftTestDrop(0.004)
                    .setDriftEarlierForgetAccuracy(0.02)
                    .setDriftDivergence(0.031)
                    .setReanchorReason("re-anchored every 3 versions")
                    .build())
            .build());
    fx.publish(fx.artifacts.version("other-m", 1, VerificationStatus.PASSED, List.of()));
    fx.publish(fx.artifacts.version("other-m", 2, VerificationStatus.PASSED, List.of("req-c1")));
    fx.publish(
        RequestReceipt.newBuilder()
            .setRequestId("req-c1")
            .setStatus(ReceiptStatus.APPLIED)
            .setModelId("cert-m")
            .setBatchId("batch-cert-m-2")
            .setModelVersion(2)
            .setAt(Instant.parse("2026-01-01T02:00:05Z"))
            .build());
    fx.publish(
        RequestReceipt.newBuilder()
            .setRequestId("req-pending")
            .setStatus(ReceiptStatus.BATCHED)
            .setModelId("cert-m")
            .setAt(Instant.parse("2026-01-01T02:00:05Z"))
            .build());
    fx.awaitVersion("cert-m", 3);
    fx.awaitVersion("other-m", 2);
    RegistryFixture.await(
        "the pending receipt", () -> fx.http.get("/api/requests/req-pending").status() == 200);
  }

  @AfterAll
  static void stop() {
    if (fx != null) {
      fx.close();
    }
  }

  static JsonNode issue(String requestId, String modelId) {
    Http.Response r = fx.http.get("/api/requests/" + requestId + "/certificate?modelId=" + modelId);
    assertEquals(200, r.status(), r.body());
    return r.json();
  }

  static JsonNode verify(Http http, JsonNode document) {
    Http.Response r = http.send("POST", "/api/certificates/verify", document.toString(), null);
    assertEquals(200, r.status(), r.body());
    return r.json();
  }

  @Test
  void namesTheRequestModelFirstExcludingVersionHashAndMetrics() {
    int issuedBefore = issuedCount();
    JsonNode doc = issue("req-c1", "cert-m");
    JsonNode cert = doc.get("certificate");
    assertEquals("lethe.deletion-certificate/v1", cert.get("type").asText());
    assertEquals("req-c1", cert.get("requestId").asText());
    assertEquals("cert-m", cert.get("modelId").asText());
    assertEquals(2, cert.get("version").asInt());
    assertEquals(v2.getArtifact().getSha256(), cert.get("artifact").get("sha256").asText());
    assertEquals("PASSED", cert.get("verification").get("status").asText());
    assertEquals(
        v2.getMetrics().getForgetAccuracy(),
        cert.get("verification").get("metrics").get("forgetAccuracy").asDouble(),
        1e-12);
    assertEquals("2026-01-01T02:00:05Z", cert.get("appliedAt").asText());
    assertTrue(cert.has("issuedAt"));
    assertEquals("Ed25519", doc.get("algorithm").asText());
    assertEquals(
        fx.http.get("/api/certificates/public-key").json().get("keyId").asText(),
        cert.get("keyId").asText());
    assertTrue(verify(fx.http, doc).get("valid").asBoolean());
    assertEquals(1, issuedCount(), "issuing is audited, once");
    assertTrue(issuedBefore <= 1);
    JsonNode evidence = cert.get("verification").get("evidence");
    assertEquals(10, evidence.get("forgetSetSize").asInt(), "from the version's metrics");
    assertTrue(evidence.get("forgetAccuracyStandardError").asDouble() > 0);
    assertEquals("ERASED", cert.get("outcome").asText());
    assertTrue(cert.get("aliasesAtIssue").has("champion"), cert.toString());
  }

  @Test
  void carriesThePerExampleEvidenceAndTheReanchorReasonOfItsVersion() {
    JsonNode m = fx.http.get("/api/models/cert-m/versions/3").json().get("metrics");
    assertEquals("exact", m.get("evidence").asText());
    assertEquals(8, m.get("perExampleReferenceModels").asInt());
    assertEquals(2.1, m.get("perExampleWorstScore").asDouble(), 1e-12);
    assertEquals(0.875, m.get("perExamplePower").asDouble(), 1e-12);
    assertEquals(0.031, m.get("driftDivergence").asDouble(), 1e-12);
    assertEquals("re-anchored every 3 versions", m.get("reanchorReason").asText());

    JsonNode doc = issue("req-c3", "cert-m");
    JsonNode evidence = doc.get("certificate").get("verification").get("evidence");
    assertEquals("exact", evidence.get("basis").asText());
    JsonNode perExample = evidence.get("perExample");
    assertEquals(8, perExample.get("referenceModels").asInt(), evidence.toString());
    assertEquals(0.3, perExample.get("meanScore").asDouble(), 1e-12);
    assertEquals(2.1, perExample.get("worstScore").asDouble(), 1e-12);
    assertEquals(0.0, perExample.get("flagged").asDouble(), 1e-12);
    assertEquals(0.875, perExample.get("power").asDouble(), 1e-12);
    assertEquals(0.004, evidence.get("drift").get("testDrop").asDouble(), 1e-12);
    assertEquals(0.02, evidence.get("drift").get("earlierForgetAccuracy").asDouble(), 1e-12);
    assertEquals(0.031, evidence.get("drift").get("divergence").asDouble(), 1e-12);
    assertEquals("re-anchored every 3 versions", evidence.get("reanchorReason").asText());
    assertTrue(evidence.get("measured").toString().contains("perExampleMembership"));
    assertTrue(verify(fx.http, doc).get("valid").asBoolean(), "the figures are signed");
    ObjectNode weakened = doc.deepCopy();
    ((ObjectNode) weakened.get("certificate").get("verification").get("evidence").get("perExample"))
        .put("power", 1.0);
    assertFalse(verify(fx.http, weakened).get("valid").asBoolean(), "and cannot be changed");

    // Control: version 2 ran neither test, and its certificate claims neither.
    assertTrue(
        fx.http
            .get("/api/models/cert-m/versions/2")
            .json()
            .get("metrics")
            .get("perExampleReferenceModels")
            .isNull());
    JsonNode without =
        issue("req-c1", "cert-m").get("certificate").get("verification").get("evidence");
    for (String key : List.of("perExample", "drift", "reanchorReason", "basis")) {
      assertFalse(without.has(key), key + ": " + without);
    }
  }

  private static int issuedCount() {
    return fx.http
        .get("/api/audit?requestId=req-c1&action=certificate.issued")
        .json()
        .get("total")
        .asInt();
  }

  @Test
  void anyTamperingIsDetected() {
    JsonNode doc = issue("req-c1", "cert-m");
    List<Consumer<ObjectNode>> tampers =
        List.of(
            d -> ((ObjectNode) d.get("certificate")).put("version", 3),
            d -> ((ObjectNode) d.get("certificate")).put("requestId", "req-other"),
            d -> ((ObjectNode) d.get("certificate").get("artifact")).put("sha256", "0".repeat(64)),
            d ->
                ((ObjectNode) d.get("certificate").get("verification").get("metrics"))
                    .put("forgetAccuracy", 0.0),
            d -> ((ObjectNode) d.get("certificate")).put("issuedAt", "2030-01-01T00:00:00Z"),
            d -> ((ObjectNode) d.get("certificate")).put("extra", "claim"),
            d -> {
              byte[] sig = java.util.Base64.getDecoder().decode(d.get("signature").asText());
              sig[5] ^= 1;
              d.put("signature", java.util.Base64.getEncoder().encodeToString(sig));
            },
            d -> d.put("signature", "%%%not-base64%%%"));
    for (int i = 0; i < tampers.size(); i++) {
      ObjectNode copy = doc.deepCopy();
      tampers.get(i).accept(copy);
      JsonNode result = verify(fx.http, copy);
      assertFalse(result.get("valid").asBoolean(), "tamper #" + i + ": " + result);
    }
    assertTrue(verify(fx.http, doc).get("valid").asBoolean(), "the original still verifies");
  }

  @Test
  void formattingAndKeyOrderDoNotMatter() throws Exception {
    JsonNode doc = issue("req-c1", "cert-m");
    String pretty = Http.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(doc);
    Http.Response r = fx.http.send("POST", "/api/certificates/verify", pretty, null);
    assertTrue(r.json().get("valid").asBoolean(), r.body());
  }

  @Test
  void aRegistryRestartedWithTheSameKeyStillVerifies() {
    JsonNode doc = issue("req-c1", "cert-m");
    RegistryConfig readOnly =
        RegistryConfig.builder()
            .httpHost("127.0.0.1")
            .httpPort(0)
            .adminToken("x")
            .signingKey(KEY)
            .build();
    try (ModelRegistryApp same = ModelRegistryApp.start(readOnly)) {
      assertTrue(verify(new Http(same.baseUrl()), doc).get("valid").asBoolean());
    }
  }

  @Test
  void refusesWhatCannotBeCertified() {
    Http.Response ambiguous = fx.http.get("/api/requests/req-c1/certificate");
    assertEquals(400, ambiguous.status(), "applied to two models: name one");
    assertTrue(ambiguous.json().get("message").asText().contains("other-m"));
    assertEquals(409, fx.http.get("/api/requests/req-pending/certificate").status());
    assertEquals(404, fx.http.get("/api/requests/never/certificate").status());
    assertEquals(409, fx.http.get("/api/requests/req-c1/certificate?modelId=nope").status());
    for (String body : new String[] {"", "[]", "{\"certificate\": 1}", "{oops"}) {
      Http.Response r = fx.http.send("POST", "/api/certificates/verify", body, null);
      assertEquals(400, r.status(), body);
      assertEquals(400, r.json().get("status").asInt());
    }
  }
}
