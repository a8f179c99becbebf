package io.lethe.processor.topology;

import io.lethe.avro.ReceiptStatus;
import io.lethe.avro.RequestReceipt;
import java.time.Instant;

/** Small factory for receipts, so every step builds them the same way. */
public final class Receipts {
  private Receipts() {}

  public static RequestReceipt of(String requestId, ReceiptStatus status, long atMillis) {
    return RequestReceipt.newBuilder()
        .setRequestId(requestId)
        .setStatus(status)
        .setAt(Instant.ofEpochMilli(atMillis))
        .build();
  }

  public static RequestReceipt rejected(String requestId, String reason, long atMillis) {
    RequestReceipt receipt = of(requestId, ReceiptStatus.REJECTED, atMillis);
    receipt.setReason(reason);
    return receipt;
  }
}
