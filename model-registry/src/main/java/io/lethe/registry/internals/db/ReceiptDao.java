package io.lethe.registry.internals.db;

import java.util.List;

/** Request receipts. */
public interface ReceiptDao {

  /** Stores a receipt; false when one with the same key is already stored. */
  boolean insert(ReceiptRow row);

  /** A request's receipts in the order they happened. */
  List<ReceiptRow> forRequest(String requestId);

  /** APPLIED receipts on a model, with their version. */
  List<ReceiptRow> appliedOnModel(String modelId);
}
