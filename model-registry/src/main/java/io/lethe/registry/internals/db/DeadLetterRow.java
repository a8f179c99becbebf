package io.lethe.registry.internals.db;

import java.time.Instant;

/**
 * A consumed record the registry set aside: where it is in Kafka, why it failed and how often.
 * {@code id} and {@code setAsideAt} are set by the database.
 */
public record DeadLetterRow(
    Long id,
    String topic,
    int partition,
    long offset,
    String key,
    String errorKind,
    String errorMessage,
    int attempts,
    Instant firstFailedAt,
    Instant lastFailedAt,
    Instant setAsideAt) {}
