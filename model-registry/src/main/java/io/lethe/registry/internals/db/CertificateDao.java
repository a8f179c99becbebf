package io.lethe.registry.internals.db;

import java.util.Optional;

/** Issued certificates: one signed document per (request, model), stored as served. */
public interface CertificateDao {

  Optional<String> find(String requestId, String modelId);

  /** Stores a document; false, storing nothing, when one was already issued for the pair. */
  boolean insert(String requestId, String modelId, String keyId, String document);
}
