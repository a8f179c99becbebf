package io.lethe.registry.internals.db;

import io.lethe.avro.ReceiptStatus;
import java.time.Instant;

/** One step in a deletion request's life, as consumed from the receipts topic. */
public record ReceiptRow(
    String receiptKey,
    String requestId,
    ReceiptStatus status,
    String modelId,
    String batchId,
    Integer modelVersion,
    String reason,
    Instant at,
    Instant ingestedAt) {}
