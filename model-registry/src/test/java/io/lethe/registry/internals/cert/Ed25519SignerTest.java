package io.lethe.registry.internals.cert;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class Ed25519SignerTest {
  static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void aSignatureVerifiesAndAnyChangeBreaksIt() {
    Ed25519Signer signer = Ed25519Signer.generate();
    byte[] data = "request r1 erased from m v3".getBytes(StandardCharsets.UTF_8);
    byte[] sig = signer.sign(data);
    assertEquals(64, sig.length);
    assertTrue(signer.verify(data, sig));
    byte[] changed = data.clone();
    changed[0] ^= 1;
    assertFalse(signer.verify(changed, sig));
    byte[] badSig = sig.clone();
    badSig[10] ^= 1;
    assertFalse(signer.verify(data, badSig));
    assertFalse(signer.verify(data, new byte[3]), "malformed signatures are just invalid");
    assertFalse(Ed25519Signer.generate().verify(data, sig), "another key does not verify it");
  }

  @Test
  void aConfiguredKeyYieldsTheSameKeyPairAndIdAsTheOriginal() throws Exception {
    Ed25519Signer original = Ed25519Signer.generate();
    Ed25519Signer restored = Ed25519Signer.fromPkcs8(original.privateKeyBase64());
    assertEquals(original.publicKeyBase64(), restored.publicKeyBase64());
    assertEquals(original.keyId(), restored.keyId());
    byte[] data = {1, 2, 3};
    assertTrue(original.verify(data, restored.sign(data)));

    // The published public key verifies with nothing but the JDK.
    Signature jdk = Signature.getInstance("Ed25519");
    jdk.initVerify(
        KeyFactory.getInstance("Ed25519")
            .generatePublic(
                new X509EncodedKeySpec(Base64.getDecoder().decode(restored.publicKeyBase64()))));
    jdk.update(data);
    assertTrue(jdk.verify(original.sign(data)));
  }

  @Test
  void rejectsKeysThatAreNotEd25519Pkcs8() {
    assertThrows(IllegalArgumentException.class, () -> Ed25519Signer.fromPkcs8("not base64 !"));
    assertThrows(
        IllegalArgumentException.class,
        () -> Ed25519Signer.fromPkcs8(Base64.getEncoder().encodeToString(new byte[40])));
    String publicKeyInstead = Ed25519Signer.generate().publicKeyBase64();
    assertThrows(IllegalArgumentException.class, () -> Ed25519Signer.fromPkcs8(publicKeyInstead));
  }

  @Test
  void canonicalJsonIgnoresKeyOrderAndWhitespaceButNotValues() throws Exception {
    JsonNode a = JSON.readTree("{\"b\": 1, \"a\": {\"y\": [3, 1], \"x\": 0.25}, \"c\": null}");
    JsonNode b = JSON.readTree("{\"c\":null,\"a\":{\"x\":0.25,\"y\":[3,1]},\"b\":1}");
    assertArrayEquals(CanonicalJson.bytes(a), CanonicalJson.bytes(b));
    assertEquals(
        "{\"a\":{\"x\":0.25,\"y\":[3,1]},\"b\":1,\"c\":null}",
        new String(CanonicalJson.bytes(a), StandardCharsets.UTF_8));
    JsonNode reordered =
        JSON.readTree("{\"b\": 1, \"a\": {\"y\": [1, 3], \"x\": 0.25}, \"c\": null}");
    assertNotEquals(
        new String(CanonicalJson.bytes(a), StandardCharsets.UTF_8),
        new String(CanonicalJson.bytes(reordered), StandardCharsets.UTF_8),
        "array order is significant");
  }
}
