package io.lethe.registry.internals.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lethe.registry.internals.cert.CanonicalJson;
import io.lethe.registry.internals.cert.Ed25519Signer;
import java.time.Clock;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** Certificate verification rules, without a database. */
class CertificateServiceTest {
  static final ObjectMapper JSON = new ObjectMapper();

  static ObjectNode signed(Ed25519Signer signer) {
    ObjectNode cert = JSON.createObjectNode();
    cert.put("type", CertificateService.TYPE);
    cert.put("keyId", signer.keyId());
    cert.put("requestId", "r");
    cert.put("version", 2);
    ObjectNode doc = JSON.createObjectNode();
    doc.set("certificate", cert);
    doc.put("algorithm", "Ed25519");
    doc.put(
        "signature", Base64.getEncoder().encodeToString(signer.sign(CanonicalJson.bytes(cert))));
    return doc;
  }

  static CertificateService service(Ed25519Signer signer) {
    return new CertificateService(null, signer, JSON, Clock.systemUTC());
  }

  @Test
  void acceptsOnlyItsOwnKeysSignature() {
    Ed25519Signer mine = Ed25519Signer.generate();
    Ed25519Signer theirs = Ed25519Signer.generate();
    assertTrue(service(mine).verify(signed(mine)).valid());
    CertificateService.Verification foreign = service(mine).verify(signed(theirs));
    assertFalse(foreign.valid());
    assertTrue(foreign.reason().contains(theirs.keyId()), foreign.reason());

    // Claiming our key id does not help a foreign signature.
    ObjectNode forged = signed(theirs);
    ((ObjectNode) forged.get("certificate")).put("keyId", mine.keyId());
    assertFalse(service(mine).verify(forged).valid());
  }

  @Test
  void refusesOtherAlgorithmsAndDocumentTypes() {
    Ed25519Signer signer = Ed25519Signer.generate();
    ObjectNode rsa = signed(signer);
    rsa.put("algorithm", "RS256");
    assertFalse(service(signer).verify(rsa).valid());

    ObjectNode cert = JSON.createObjectNode().put("type", "other").put("keyId", signer.keyId());
    ObjectNode doc = JSON.createObjectNode();
    doc.set("certificate", cert);
    doc.put(
        "signature", Base64.getEncoder().encodeToString(signer.sign(CanonicalJson.bytes(cert))));
    CertificateService.Verification v = service(signer).verify(doc);
    assertFalse(v.valid(), "a valid signature over a different kind of document");
  }

  @Test
  void malformedDocumentsAreInvalidInput() {
    CertificateService service = service(Ed25519Signer.generate());
    for (String body : new String[] {"[]", "{}", "{\"certificate\": {}, \"signature\": 5}"}) {
      RegistryException e =
          assertThrows(RegistryException.class, () -> service.verify(JSON.readTree(body)));
      assertEquals(RegistryException.Kind.INVALID, e.kind());
    }
  }
}
