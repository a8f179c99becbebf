package io.lethe.registry.internals.db;

import java.time.Instant;

/**
 * One registration asked for through the REST API, as stored.
 *
 * @param modelIds the models asked for, comma separated (empty: every model of the catalog)
 * @param models the accepted models as a JSON array
 * @param problems the refusal's problems as a JSON array
 */
public record RegistrationRow(
    String registrationId,
    String status,
    String modelIds,
    String requestedBy,
    Instant requestedAt,
    String catalogSha256,
    String models,
    String problems,
    String decidedBy,
    Instant decidedAt) {}
