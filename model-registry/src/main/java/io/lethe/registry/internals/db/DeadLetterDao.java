package io.lethe.registry.internals.db;

import java.util.List;

/** Records set aside by the consumer: added once, read, never changed. */
public interface DeadLetterDao {

  /** Adds a dead letter; false when this topic, partition and offset were already set aside. */
  boolean insert(DeadLetterRow row);

  /** Newest first; {@code topic} null for every topic. */
  List<DeadLetterRow> list(String topic, int limit, int offset);

  long count(String topic);
}
