package io.lethe.registry.internals.db;

import java.time.Instant;
import java.util.Optional;

/** Registrations asked for through the REST API and their outcomes. */
public interface RegistrationDao {

  /** Records a request as PENDING (nothing when its outcome arrived first). */
  void insertPending(
      String registrationId,
      String modelIds,
      String requestedBy,
      Instant requestedAt,
      String catalogSha256);

  /**
   * Records the outcome of a PENDING registration (or of one this registry has no request of);
   * false when it had an outcome already, which is kept.
   */
  boolean recordOutcome(
      String registrationId,
      String status,
      String models,
      String problems,
      String decidedBy,
      Instant decidedAt);

  Optional<RegistrationRow> find(String registrationId);
}
