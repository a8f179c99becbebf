package io.lethe.registry.internals.db;

import java.time.Instant;

/** One model as listed: how many versions, the latest, and when. */
public record ModelSummary(
    String modelId,
    int versionCount,
    int latestVersion,
    String latestStatus,
    Instant firstCreatedAt,
    Instant lastCreatedAt) {}
