package io.lethe.registry.internals.cert;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.EdECPrivateKey;
import java.security.spec.NamedParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Signs and verifies with one Ed25519 key pair, using only the JDK's provider. The key comes from
 * configuration as base64 PKCS#8; its public half is derived from it.
 */
public final class Ed25519Signer {
  public static final String ALGORITHM = "Ed25519";

  private final PrivateKey privateKey;
  private final PublicKey publicKey;

  private Ed25519Signer(KeyPair pair) {
    this.privateKey = pair.getPrivate();
    this.publicKey = pair.getPublic();
  }

  /** A fresh random key pair. */
  public static Ed25519Signer generate() {
    try {
      return new Ed25519Signer(KeyPairGenerator.getInstance(ALGORITHM).generateKeyPair());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK has no Ed25519", e);
    }
  }

  /** The key pair whose private key is {@code base64Pkcs8}; throws on anything else. */
  public static Ed25519Signer fromPkcs8(String base64Pkcs8) {
    byte[] der;
    try {
      der = Base64.getDecoder().decode(base64Pkcs8.trim());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("signing key is not base64", e);
    }
    try {
      PrivateKey key =
          KeyFactory.getInstance(ALGORITHM).generatePrivate(new PKCS8EncodedKeySpec(der));
      byte[] seed =
          ((EdECPrivateKey) key)
              .getBytes()
              .orElseThrow(() -> new IllegalArgumentException("signing key has no bytes"));
      return new Ed25519Signer(derivePair(seed));
    } catch (GeneralSecurityException | ClassCastException e) {
      throw new IllegalArgumentException("signing key is not an Ed25519 PKCS#8 private key", e);
    }
  }

  /**
   * The JDK (17) cannot compute an Ed25519 public key from a private one directly, but its key pair
   * generator derives the pair from 32 random bytes: feeding it the private key as its randomness
   * yields the matching public key.
   */
  private static KeyPair derivePair(byte[] seed) throws GeneralSecurityException {
    SecureRandom fixed =
        new SecureRandom() {
          private static final long serialVersionUID = 1L;

          @Override
          public void nextBytes(byte[] bytes) {
            if (bytes.length != seed.length) {
              throw new IllegalStateException("unexpected request for " + bytes.length + " bytes");
            }
            System.arraycopy(seed, 0, bytes, 0, seed.length);
          }
        };
    KeyPairGenerator generator = KeyPairGenerator.getInstance(ALGORITHM);
    generator.initialize(NamedParameterSpec.ED25519, fixed);
    KeyPair pair = generator.generateKeyPair();
    byte[] derived = ((EdECPrivateKey) pair.getPrivate()).getBytes().orElseThrow();
    if (!Arrays.equals(derived, seed)) {
      throw new IllegalStateException("could not derive the Ed25519 public key");
    }
    return pair;
  }

  public byte[] sign(byte[] data) {
    try {
      Signature signature = Signature.getInstance(ALGORITHM);
      signature.initSign(privateKey);
      signature.update(data);
      return signature.sign();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot sign", e);
    }
  }

  /** Whether {@code sig} is this key's signature of {@code data}; false for malformed input. */
  public boolean verify(byte[] data, byte[] sig) {
    try {
      Signature signature = Signature.getInstance(ALGORITHM);
      signature.initVerify(publicKey);
      signature.update(data);
      return signature.verify(sig);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  /**
   * Whether {@code sig} is the signature of {@code data} by the X.509 (base64) Ed25519 public key
   * {@code publicKeyBase64}; false for malformed keys or signatures.
   */
  public static boolean verify(String publicKeyBase64, byte[] data, byte[] sig) {
    try {
      PublicKey key =
          KeyFactory.getInstance(ALGORITHM)
              .generatePublic(
                  new java.security.spec.X509EncodedKeySpec(
                      Base64.getDecoder().decode(publicKeyBase64)));
      Signature signature = Signature.getInstance(ALGORITHM);
      signature.initVerify(key);
      signature.update(data);
      return signature.verify(sig);
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      return false;
    }
  }

  /** The public key, X.509 SubjectPublicKeyInfo, base64. */
  public String publicKeyBase64() {
    return Base64.getEncoder().encodeToString(publicKey.getEncoded());
  }

  /** The private key, PKCS#8, base64: what {@code lethe.registry.signing-key} takes. */
  public String privateKeyBase64() {
    return Base64.getEncoder().encodeToString(privateKey.getEncoded());
  }

  /** First 16 hex digits of the sha256 of the public key's X.509 encoding. */
  public String keyId() {
    try {
      return HexFormat.of()
          .formatHex(MessageDigest.getInstance("SHA-256").digest(publicKey.getEncoded()))
          .substring(0, 16);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
