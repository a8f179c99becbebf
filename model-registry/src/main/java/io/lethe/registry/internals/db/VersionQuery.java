package io.lethe.registry.internals.db;

import java.time.Instant;

/** Filters for listing one model's versions; null means "any". */
public record VersionQuery(
    String modelId,
    String status,
    String tag,
    Instant since,
    Instant until,
    int offset,
    int limit) {}
