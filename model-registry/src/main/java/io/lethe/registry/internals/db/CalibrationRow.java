package io.lethe.registry.internals.db;

import io.lethe.avro.CalibrationStatus;
import java.time.Instant;

/**
 * A stored calibration report. Its simulations, choices and candidates are JSON arrays (the Avro
 * records' field names), stored and read whole; {@code id} and {@code ingestedAt} are the
 * database's (0 and null before insert).
 */
public record CalibrationRow(
    long id,
    String modelId,
    int generation,
    String requestId,
    CalibrationStatus status,
    String reason,
    long seed,
    int budgetRetrainings,
    double retrainingsUsed,
    long durationMillis,
    Instant calibratedAt,
    String simulationsJson,
    String choicesJson,
    String candidatesJson,
    String fingerprint,
    Instant ingestedAt) {}
