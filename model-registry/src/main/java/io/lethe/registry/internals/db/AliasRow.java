package io.lethe.registry.internals.db;

import java.time.Instant;

/** Where an alias of a model points now. */
public record AliasRow(String modelId, String alias, int version, Instant updatedAt) {}
