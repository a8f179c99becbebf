package io.lethe.registry.internals.db;

/** Verification metrics of a version; names follow the Avro {@code VerificationMetrics} record. */
public record Metrics(
    Double forgetAccuracy,
    Double retainAccuracy,
    Double testAccuracy,
    Double mia,
    Double avgGap,
    Double jsDivergence,
    Double parameterDistance,
    int forgetSetSize,
    int retainSetSize,
    long durationMillis,
    Double speedup) {}
