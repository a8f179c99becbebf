package io.lethe.registry.internals.kafka;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;

/**
 * How often the record at the head of each partition failed the same permanent way. One entry per
 * partition at most (only the head of a partition can be failing, since records behind it wait), so
 * the map stays as small as the assignment. Kept by the supervisor across consumer restarts, so
 * that a record that crashes the consumer is counted too.
 */
final class FailedAttempts {
  /** A record failing the same way this many times is set aside. */
  static final int LIMIT = 3;

  /** The failures of the record at {@code offset}, all with one signature. */
  record Attempts(long offset, Failure failure, int count, Instant first, Instant last) {
    boolean exhausted() {
      return count >= LIMIT;
    }
  }

  private final Map<TopicPartition, Attempts> heads = new HashMap<>();

  /**
   * Counts a permanent failure of the record at {@code offset}; a failure of another record or of
   * another kind starts the count again.
   */
  synchronized Attempts failed(TopicPartition partition, long offset, Failure failure, Instant at) {
    Attempts prior = heads.get(partition);
    Attempts next =
        prior != null
                && prior.offset() == offset
                && prior.failure().signature().equals(failure.signature())
            ? new Attempts(offset, failure, prior.count() + 1, prior.first(), at)
            : new Attempts(offset, failure, 1, at, at);
    heads.put(partition, next);
    return next;
  }

  /** The attempts counted for the record at {@code offset}, or null. */
  synchronized Attempts of(TopicPartition partition, long offset) {
    Attempts a = heads.get(partition);
    return a != null && a.offset() == offset ? a : null;
  }

  /** The record at the head of {@code partition} is done (stored, skipped or set aside). */
  synchronized void clear(TopicPartition partition) {
    heads.remove(partition);
  }
}
