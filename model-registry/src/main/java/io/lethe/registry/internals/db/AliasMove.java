package io.lethe.registry.internals.db;

import io.lethe.avro.AliasMoveKind;
import java.time.Instant;

/**
 * One move of an alias; {@code fromVersion} null for its first assignment, {@code toVersion} null
 * for a removal.
 */
public record AliasMove(
    long id,
    String modelId,
    String alias,
    AliasMoveKind kind,
    Integer fromVersion,
    Integer toVersion,
    String reason,
    Instant movedAt,
    String actor) {}
