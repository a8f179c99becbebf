package io.lethe.processor.topology;

import java.nio.ByteBuffer;
import java.util.Map;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The fixed-size header of a model's open batch; its requests are stored one by one beside it, so
 * adding a request writes a few dozen bytes instead of the whole batch again.
 *
 * @param nextIndex the index the next request gets (keys stay in arrival order)
 * @param earliestDeadline epoch millis, or {@link Long#MAX_VALUE} when no request has one
 * @param bytes an upper bound of its requests' encoded size ({@link IntakeLimits#sizeOf})
 */
public record OpenBatch(
    long createdAt, int size, long nextIndex, long earliestDeadline, long bytes) {

  static OpenBatch startedAt(long now) {
    return new OpenBatch(now, 0, 0, Long.MAX_VALUE, 0);
  }

  OpenBatch plus(Long deadline, long requestBytes) {
    long earliest = deadline == null ? earliestDeadline : Math.min(earliestDeadline, deadline);
    return new OpenBatch(createdAt, size + 1, nextIndex + 1, earliest, bytes + requestBytes);
  }

  public boolean hasDeadline() {
    return earliestDeadline != Long.MAX_VALUE;
  }

  /** Key of the request at {@code index} of {@code modelId}'s open batch. */
  static String requestKey(String modelId, long index) {
    String digits = Long.toString(index);
    return modelId + '|' + "0".repeat(19 - digits.length()) + digits;
  }

  static String requestPrefix(String modelId) {
    return modelId + '|';
  }

  /** The model id of a key of the pending-requests store ({@link #requestKey}). */
  public static String modelOfRequestKey(String key) {
    int bar = key.lastIndexOf('|');
    return bar < 0 ? key : key.substring(0, bar);
  }

  /**
   * A 36-byte serde: version-free on purpose, the store is local state rebuilt from its changelog.
   * A 28-byte header from before the byte count reads with a count of 0.
   */
  static final class StoreSerde
      implements Serde<OpenBatch>, Serializer<OpenBatch>, Deserializer<OpenBatch> {
    private static final int SIZE = 8 + 4 + 8 + 8 + 8;
    private static final int SIZE_WITHOUT_BYTES = 8 + 4 + 8 + 8;

    @Override
    public byte[] serialize(String topic, OpenBatch b) {
      if (b == null) {
        return null;
      }
      return ByteBuffer.allocate(SIZE)
          .putLong(b.createdAt)
          .putInt(b.size)
          .putLong(b.nextIndex)
          .putLong(b.earliestDeadline)
          .putLong(b.bytes)
          .array();
    }

    @Override
    public OpenBatch deserialize(String topic, byte[] data) {
      if (data == null) {
        return null;
      }
      if (data.length != SIZE && data.length != SIZE_WITHOUT_BYTES) {
        throw new SerializationException("open-batch header of " + data.length + " bytes");
      }
      ByteBuffer in = ByteBuffer.wrap(data);
      return new OpenBatch(
          in.getLong(),
          in.getInt(),
          in.getLong(),
          in.getLong(),
          data.length == SIZE ? in.getLong() : 0);
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {}

    @Override
    public void close() {}

    @Override
    public Serializer<OpenBatch> serializer() {
      return this;
    }

    @Override
    public Deserializer<OpenBatch> deserializer() {
      return this;
    }
  }
}
