package io.lethe.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.lethe.avro.ReceiptStatus;
import io.lethe.avro.RequestReceipt;
import io.lethe.avro.VerificationStatus;
import io.lethe.registry.internals.cert.Ed25519Signer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the registry tells about a request stays true: across restarts (its database and key in its
 * data directory), across key rotations, after a late DUPLICATE, for a request that named nothing
 * the model had seen, and however often anyone reads a certificate.
 */
class ErasureRecordsIntegrationTest {
  @TempDir Path tempDir;

  static RequestReceipt receipt(String id, ReceiptStatus status, String model, Integer version) {
    return RequestReceipt.newBuilder()
        .setRequestId(id)
        .setStatus(status)
        .setModelId(model)
        .setModelVersion(version)
        .setReason(status == ReceiptStatus.NOT_PRESENT ? "no sample of the request in m" : null)
        .setAt(Instant.parse("2026-01-02T00:00:00Z"))
        .build();
  }

  static int auditTotal(Http http) {
    return http.get("/api/audit?size=1").json().get("total").asInt();
  }

  static JsonNode verify(Http http, String document) {
    Http.Response r = http.send("POST", "/api/certificates/verify", document, null);
    assertEquals(200, r.status(), r.body());
    return r.json();
  }

  @Test
  void aRestartOfTheRegistryKeepsReceiptsAndVerifiesYesterdaysCertificates() {
    Path dataDir = tempDir.resolve("registry-data");
    String certificate;
    String keyId;
    try (RegistryFixture fx =
        new RegistryFixture(tempDir, null, null, b -> b.signingKey(null).dataDir(dataDir))) {
      fx.publish(fx.artifacts.version("rs-m", 1, VerificationStatus.PASSED, List.of()));
      fx.publish(fx.artifacts.version("rs-m", 2, VerificationStatus.PASSED, List.of("rs-1")));
      fx.publish(receipt("rs-1", ReceiptStatus.APPLIED, "rs-m", 2));
      fx.awaitVersion("rs-m", 2);
      RegistryFixture.await("the receipt", () -> fx.http.get("/api/requests/rs-1").status() == 200);
      Http.Response r = fx.http.get("/api/requests/rs-1/certificate");
      assertEquals(200, r.status(), r.body());
      certificate = r.body();
      keyId = r.json().get("certificate").get("keyId").asText();
      assertTrue(Files.exists(dataDir.resolve("signing-key")), "the key is kept in the data dir");
    }
    assertTrue(Files.isDirectory(dataDir.resolve("postgres")), "the database is kept there too");
    // The next day: the same data directory, no Kafka, nothing else configured.
    try (ModelRegistryApp again =
        ModelRegistryApp.start(
            RegistryConfig.builder().httpPort(0).adminToken("x").dataDir(dataDir).build())) {
      Http http = new Http(again.baseUrl());
      JsonNode request = http.get("/api/requests/rs-1").json();
      assertEquals("APPLIED", request.get("latestStatus").asText(), "receipts survived");
      assertEquals(keyId, http.get("/api/certificates/public-key").json().get("keyId").asText());
      assertTrue(verify(http, certificate).get("valid").asBoolean());
      assertEquals(certificate, http.get("/api/requests/rs-1/certificate").body(), "same text");
    }
  }

  @Test
  void certificatesOfARotatedKeyStillVerifyAndReadingThemWritesNothing() throws Exception {
    Path dataDir = tempDir.resolve("rotating");
    String before;
    String oldKey = Ed25519Signer.generate().privateKeyBase64();
    try (RegistryFixture fx = new RegistryFixture(tempDir, oldKey, null, b -> b.dataDir(dataDir))) {
      fx.publish(fx.artifacts.version("ro-m", 1, VerificationStatus.PASSED, List.of()));
      fx.publish(fx.artifacts.version("ro-m", 2, VerificationStatus.PASSED, List.of("ro-1")));
      fx.publish(receipt("ro-1", ReceiptStatus.APPLIED, "ro-m", 2));
      fx.publish(receipt("ro-1", ReceiptStatus.DUPLICATE, null, null));
      fx.publish(receipt("ro-np", ReceiptStatus.NOT_PRESENT, "ro-m", null));
      fx.awaitVersion("ro-m", 2);
      RegistryFixture.await(
          "the late duplicate",
          () -> fx.http.get("/api/requests/ro-1").json().path("receipts").size() == 2);

      // A DUPLICATE after APPLIED is listed but leaves the request APPLIED.
      JsonNode request = fx.http.get("/api/requests/ro-1").json();
      assertEquals("DUPLICATE", request.get("receipts").get(1).get("status").asText());
      assertEquals("APPLIED", request.get("latestStatus").asText());

      // Issuing is audited once; 50 anonymous reads afterwards leave the audit log unchanged.
      int beforeIssue = auditTotal(fx.http);
      before = fx.http.get("/api/requests/ro-1/certificate").body();
      assertEquals(beforeIssue + 1, auditTotal(fx.http), "control: the first issue is audited");
      int afterIssue = auditTotal(fx.http);
      for (int i = 0; i < 50; i++) {
        Http.Response r = fx.http.get("/api/requests/ro-1/certificate");
        assertEquals(200, r.status());
        assertEquals(before, r.body(), "the same signed document every time");
      }
      assertEquals(afterIssue, auditTotal(fx.http), "50 reads wrote nothing");

      // A request that named nothing the model was trained on: no claim of forgetting.
      Http.Response np = fx.http.get("/api/requests/ro-np/certificate?modelId=ro-m");
      assertEquals(200, np.status(), np.body());
      JsonNode cert = np.json().get("certificate");
      assertEquals("NOT_PRESENT", cert.get("outcome").asText());
      assertFalse(cert.has("version"), cert.toString());
      assertFalse(cert.has("verification"), cert.toString());
      assertTrue(cert.get("claim").asText().contains("no forgetting is claimed"));
      assertTrue(verify(fx.http, np.body()).get("valid").asBoolean());
    }
    // Rotation: the same database, a new signing key.
    Ed25519Signer newKey = Ed25519Signer.generate();
    try (ModelRegistryApp rotated =
        ModelRegistryApp.start(
            RegistryConfig.builder()
                .httpPort(0)
                .adminToken("x")
                .dataDir(dataDir)
                .signingKey(newKey.privateKeyBase64())
                .build())) {
      Http http = new Http(rotated.baseUrl());
      assertEquals(
          newKey.keyId(),
          http.get("/api/certificates/public-key").json().get("keyId").asText(),
          "control: the key did rotate");
      JsonNode v = verify(http, before);
      assertTrue(v.get("valid").asBoolean(), v.toString());
      assertEquals(Ed25519Signer.fromPkcs8(oldKey).keyId(), v.get("keyId").asText());
    }
  }

  @Test
  void aGeneratedAdminTokenIsWrittenToAnOwnerOnlyFile() throws Exception {
    Path dataDir = tempDir.resolve("token");
    ch.qos.logback.classic.Logger root =
        (ch.qos.logback.classic.Logger)
            org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> logged =
        new ch.qos.logback.core.read.ListAppender<>();
    logged.start();
    root.addAppender(logged);
    try (ModelRegistryApp app =
        ModelRegistryApp.start(RegistryConfig.builder().httpPort(0).dataDir(dataDir).build())) {
      Path file = dataDir.resolve("admin-token");
      root.detachAppender(logged);
      assertTrue(
          logged.list.stream().anyMatch(e -> e.getFormattedMessage().contains(file.toString())),
          "the token file's path is logged");
      assertTrue(
          logged.list.stream().noneMatch(e -> e.getFormattedMessage().contains(app.adminToken())),
          "the token is not");
      assertEquals(app.adminToken(), Files.readString(file).trim());
      assertEquals(
          Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE),
          Files.getPosixFilePermissions(file));
      assertEquals(
          Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE),
          Files.getPosixFilePermissions(dataDir.resolve("signing-key")));
      assertTrue(app.baseUrl().startsWith("http://127.0.0.1:"), "loopback by default");
    }
  }
}
