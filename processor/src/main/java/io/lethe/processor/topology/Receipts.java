package io.lethe.processor.topology;

import io.lethe.avro.ReceiptStatus;
import io.lethe.avro.RequestReceipt;
import java.time.Instant;

/** Small factory for receipts, so every step builds them the same way. */
public final class Receipts {
  private Receipts() {}

  public static RequestReceipt of(String requestId, ReceiptStatus status, long atMillis) {
    // Setters, not the builder: the topology makes two receipts per request, and Avro's builder
    // deep-copies every unset field's default (all null here) each time.
    RequestReceipt receipt = new RequestReceipt();
    receipt.setRequestId(requestId);
    receipt.setStatus(status);
    receipt.setAt(Instant.ofEpochMilli(atMillis));
    return receipt;
  }

  public static RequestReceipt rejected(String requestId, String reason, long atMillis) {
    RequestReceipt receipt = of(requestId, ReceiptStatus.REJECTED, atMillis);
    receipt.setReason(reason);
    return receipt;
  }
}
