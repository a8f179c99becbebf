package io.lethe.processor.topology;

import io.lethe.avro.BatchedRequest;

/**
 * Caps on what one request may ask and one batch may carry, with defaults a real request never
 * reaches: a data subject owns a handful of samples, a poisoned-data take-down a few thousand. A
 * request over a cap is rejected ({@link RejectionKind#TOO_LARGE}); a batch closes before it would
 * grow past {@link #maxBatchBytes}, so it always fits the producer's {@code max.request.size}.
 * (Avro's own lengths are capped while decoding: {@code io.lethe.kafka.AvroLimits}.)
 *
 * @param maxSampleIdsPerRequest the most sample ids one request may name (or resolve to)
 * @param maxBatchBytes the most bytes (an upper bound of the encoded size) of one batch's requests
 * @param maxIdLength the longest request id accepted (characters)
 */
public record IntakeLimits(int maxSampleIdsPerRequest, int maxBatchBytes, int maxIdLength) {
  /**
   * The producer's default {@code max.request.size} (1 MiB) less room for the batch's own fields,
   * the record's key and headers and Kafka's framing.
   */
  public static final int DEFAULT_MAX_BATCH_BYTES = 900 * 1024;

  /** Bytes a batch needs besides its requests, for {@link #fitting}. */
  static final int BATCH_OVERHEAD_BYTES = 64 * 1024;

  public static final IntakeLimits DEFAULT = new IntakeLimits(50_000, DEFAULT_MAX_BATCH_BYTES, 256);

  public IntakeLimits {
    if (maxSampleIdsPerRequest < 1 || maxBatchBytes < 1 || maxIdLength < 1) {
      throw new IllegalArgumentException("intake limits must be at least 1");
    }
  }

  /** These limits with the batch cap lowered, if need be, to fit {@code maxRequestSize}. */
  public IntakeLimits fitting(int maxRequestSize) {
    int room = Math.max(1, maxRequestSize - Math.min(BATCH_OVERHEAD_BYTES, maxRequestSize / 4));
    return room >= maxBatchBytes
        ? this
        : new IntakeLimits(maxSampleIdsPerRequest, room, maxIdLength);
  }

  /**
   * An upper bound of {@code request}'s encoded size, cheap to compute: a string takes at most 3
   * bytes per UTF-16 char plus its length, a long at most 10, an int at most 5.
   */
  static long sizeOf(BatchedRequest request) {
    return 64L
        + 3L * request.getRequestId().length()
        + (request.getSubjectId() == null ? 0 : 3L * request.getSubjectId().length())
        + 10L * request.getSampleIds().size()
        + 5L * request.getClassLabels().size();
  }
}
