package io.lethe.registry.internals.db;

import java.time.Instant;

/** One step in a deletion request's life, as consumed from the receipts topic. */
public record ReceiptRow(
    String receiptKey,
    String requestId,
    String status,
    String modelId,
    String batchId,
    Integer modelVersion,
    String reason,
    Instant at,
    Instant ingestedAt) {}
