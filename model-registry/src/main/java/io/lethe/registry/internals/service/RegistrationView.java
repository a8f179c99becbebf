package io.lethe.registry.internals.service;

import java.time.Instant;
import java.util.List;

/**
 * A registration asked for through the REST API, as the API shows it.
 *
 * @param status {@code pending}, {@code accepted} or {@code refused}
 * @param modelIds the models asked for (empty: every model of the catalog)
 * @param models the models of an acceptance, each with what happened to it
 * @param problems every problem of a refusal, each with its path in the file
 */
public record RegistrationView(
    String registrationId,
    String status,
    List<String> modelIds,
    String requestedBy,
    Instant requestedAt,
    String catalogSha256,
    List<Model> models,
    List<String> problems,
    String decidedBy,
    Instant decidedAt) {

  /**
   * One model of an accepted registration.
   *
   * @param outcome {@code registered}, {@code new generation} or {@code unchanged}
   */
  public record Model(String modelId, String outcome, int generation) {}
}
