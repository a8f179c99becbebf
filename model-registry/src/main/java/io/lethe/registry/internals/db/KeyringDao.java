package io.lethe.registry.internals.db;

import java.util.Optional;

/**
 * The public keys of every key that signed certificates here (key id to X.509 public key, base64).
 * Keys are only ever added: a certificate signed before a rotation still finds its key.
 */
public interface KeyringDao {

  /** Adds a key; false when its id is already known. */
  boolean add(String keyId, String publicKeyBase64);

  Optional<String> publicKey(String keyId);
}
