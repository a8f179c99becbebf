package io.lethe.registry.internals.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lethe.registry.internals.cert.CanonicalJson;
import io.lethe.registry.internals.cert.Ed25519Signer;
import io.lethe.registry.internals.db.Database;
import io.lethe.registry.internals.db.EmbeddedDatabase;
import io.lethe.registry.internals.db.JdbcKeyringDao;
import io.lethe.registry.internals.db.KeyringDao;
import io.lethe.registry.internals.db.Migrations;
import java.time.Clock;
import java.util.Base64;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Certificate verification rules against the keyring on a real (embedded) PostgreSQL. */
class CertificateVerifyIntegrationTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static EmbeddedDatabase postgres;
  static KeyringDao keyring;

  @BeforeAll
  static void start() {
    postgres = EmbeddedDatabase.start(null);
    Migrations.migrate(postgres.dataSource());
    keyring = new JdbcKeyringDao(new Database(postgres.dataSource(), Migrations.DEFAULT_APP_ROLE));
  }

  @AfterAll
  static void stop() {
    if (postgres != null) {
      postgres.close();
    }
  }

  static ObjectNode signed(Ed25519Signer signer) {
    ObjectNode cert = JSON.createObjectNode();
    cert.put("type", CertificateService.TYPE);
    cert.put("keyId", signer.keyId());
    cert.put("requestId", "r");
    cert.put("version", 2);
    cert.put("forgetAccuracy", 0.11);
    ObjectNode doc = JSON.createObjectNode();
    doc.set("certificate", cert);
    doc.put("algorithm", "Ed25519");
    doc.put(
        "signature", Base64.getEncoder().encodeToString(signer.sign(CanonicalJson.bytes(cert))));
    return doc;
  }

  static CertificateService service(Ed25519Signer signer) {
    CertificateService service =
        new CertificateService(
            null, null, null, null, null, keyring, null, signer, JSON, Clock.systemUTC());
    service.registerKey();
    return service;
  }

  @Test
  void acceptsOnlySignaturesOfKeysInItsKeyring() {
    Ed25519Signer mine = Ed25519Signer.generate();
    Ed25519Signer theirs = Ed25519Signer.generate();
    assertTrue(service(mine).verify(signed(mine).toString()).valid());
    CertificateService.Verification foreign = service(mine).verify(signed(theirs).toString());
    assertFalse(foreign.valid());
    assertTrue(foreign.reason().contains(theirs.keyId()), foreign.reason());

    // Claiming our key id does not help a foreign signature.
    ObjectNode forged = signed(theirs);
    ((ObjectNode) forged.get("certificate")).put("keyId", mine.keyId());
    assertFalse(service(mine).verify(forged.toString()).valid());
  }

  @Test
  void aCertificateOfARotatedKeyStillVerifies() {
    Ed25519Signer old = Ed25519Signer.generate();
    String issuedBeforeRotation = signed(old).toString();
    assertTrue(service(old).verify(issuedBeforeRotation).valid());
    // Rotation: the registry now signs with a new key; the old key's public half stays known.
    Ed25519Signer rotated = Ed25519Signer.generate();
    CertificateService.Verification v = service(rotated).verify(issuedBeforeRotation);
    assertTrue(v.valid(), v.reason());
    assertEquals(old.keyId(), v.keyId());
    assertTrue(v.reason().contains("earlier signing key"), v.reason());
    // Control: a key the keyring never saw is refused.
    Ed25519Signer stranger = Ed25519Signer.generate();
    assertFalse(service(rotated).verify(signedWithoutRegistering(stranger)).valid());
  }

  private static String signedWithoutRegistering(Ed25519Signer signer) {
    return signed(signer).toString();
  }

  @Test
  void refusesARepeatedKeyWhoseFirstValueIsForged() {
    Ed25519Signer signer = Ed25519Signer.generate();
    CertificateService service = service(signer);
    String genuine = signed(signer).toString();
    assertTrue(service.verify(genuine).valid(), "control: the genuine document verifies");
    // A reader that keeps the first value sees version 9; Jackson's tree keeps the last (2),
    // which is what was signed: without the strict check this verified.
    String forged = genuine.replace("\"version\":2", "\"version\":9,\"version\":2");
    assertTrue(forged.contains("\"version\":9"), "the forgery was made");
    CertificateService.Verification v = service.verify(forged);
    assertFalse(v.valid(), v.reason());
    assertTrue(v.reason().contains("repeats a key"), v.reason());
  }

  @Test
  void refusesNumbersItWouldNotHaveWritten() {
    Ed25519Signer signer = Ed25519Signer.generate();
    CertificateService service = service(signer);
    String genuine = signed(signer).toString();
    for (String variant :
        new String[] {
          genuine.replace("\"forgetAccuracy\":0.11", "\"forgetAccuracy\":0.110"),
          genuine.replace("\"forgetAccuracy\":0.11", "\"forgetAccuracy\":1.1e-1"),
          genuine.replace("\"forgetAccuracy\":0.11", "\"forgetAccuracy\":0.11000000000000000001")
        }) {
      assertFalse(variant.equals(genuine), "the variant differs");
      assertFalse(service.verify(variant).valid(), variant);
    }
  }

  @Test
  void refusesOtherAlgorithmsAndDocumentTypes() {
    Ed25519Signer signer = Ed25519Signer.generate();
    ObjectNode rsa = signed(signer);
    rsa.put("algorithm", "RS256");
    assertFalse(service(signer).verify(rsa.toString()).valid());

    ObjectNode cert = JSON.createObjectNode().put("type", "other").put("keyId", signer.keyId());
    ObjectNode doc = JSON.createObjectNode();
    doc.set("certificate", cert);
    doc.put(
        "signature", Base64.getEncoder().encodeToString(signer.sign(CanonicalJson.bytes(cert))));
    CertificateService.Verification v = service(signer).verify(doc.toString());
    assertFalse(v.valid(), "a valid signature over a different kind of document");
  }

  @Test
  void malformedDocumentsAreInvalidInput() {
    CertificateService service = service(Ed25519Signer.generate());
    for (String body : new String[] {"[]", "{}", "{\"certificate\": {}, \"signature\": 5}", "{x"}) {
      RegistryException e = assertThrows(RegistryException.class, () -> service.verify(body));
      assertEquals(RegistryException.Kind.INVALID, e.kind());
    }
  }
}
