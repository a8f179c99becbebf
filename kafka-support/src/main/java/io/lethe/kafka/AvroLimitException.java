package io.lethe.kafka;

import org.apache.kafka.common.errors.SerializationException;

/**
 * A record claimed more than {@link AvroLimits} allows (a collection or a string larger than the
 * cap, or larger than the bytes left in the record). A {@link SerializationException}, so every
 * deserialization handler treats it as bad input; its own type lets the topology tell "too large"
 * from "malformed".
 */
public final class AvroLimitException extends SerializationException {
  public AvroLimitException(String message) {
    super(message);
  }
}
