package io.lethe.kafka;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Deque;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.Decoder;
import org.apache.avro.util.Utf8;

/**
 * A binary decoder that checks every length a record claims against {@link AvroLimits} and against
 * the bytes actually left, before Avro allocates for it. Avro's own decoder sizes an array from the
 * first block count it reads and a string from its length prefix, so without this a few bytes can
 * ask for gigabytes. (The remaining-bytes check assumes every item takes at least one byte; Lethe's
 * schemas have no arrays of {@code null} or of empty records.)
 */
final class BoundedDecoder extends Decoder {
  private final BinaryDecoder in;
  private final AvroLimits limits;

  /** Items read so far by each open collection, innermost last. */
  private final Deque<long[]> open = new ArrayDeque<>();

  BoundedDecoder(BinaryDecoder in, AvroLimits limits) {
    this.in = in;
    this.limits = limits;
  }

  private long remaining() throws IOException {
    // For a decoder over a byte array this is exactly the unread part of the record.
    return in.inputStream().available();
  }

  private int length(long claimed, String what) throws IOException {
    if (claimed < 0) {
      throw new AvroLimitException(what + " with negative length " + claimed);
    }
    if (claimed > limits.maxStringBytes()) {
      throw new AvroLimitException(
          what
              + " of "
              + claimed
              + " bytes exceeds the limit of "
              + limits.maxStringBytes()
              + " ("
              + AvroLimits.MAX_STRING_BYTES
              + ")");
    }
    long left = remaining();
    if (claimed > left) {
      throw new AvroLimitException(
          what + " claims " + claimed + " bytes but only " + left + " are left in the record");
    }
    return (int) claimed;
  }

  /** Checks one block of {@code count} items; {@code total} is the collection's count so far. */
  private void checkBlock(long total, long count, String what) throws IOException {
    if (total + count > limits.maxCollectionItems()) {
      throw new AvroLimitException(
          what
              + " of "
              + (total + count)
              + " items exceeds the limit of "
              + limits.maxCollectionItems()
              + " ("
              + AvroLimits.MAX_COLLECTION_ITEMS
              + ")");
    }
    long left = remaining();
    if (count > left) {
      throw new AvroLimitException(
          what + " claims " + count + " items but only " + left + " bytes are left in the record");
    }
  }

  private long start(long count, String what) throws IOException {
    if (count > 0) {
      checkBlock(0, count, what);
      open.addLast(new long[] {count});
    }
    return count;
  }

  private long next(long count, String what) throws IOException {
    long[] total = open.peekLast();
    if (count <= 0) {
      open.pollLast();
      return count;
    }
    long before = total == null ? 0 : total[0];
    checkBlock(before, count, what);
    if (total != null) {
      total[0] = before + count;
    }
    return count;
  }

  @Override
  public void readNull() throws IOException {
    in.readNull();
  }

  @Override
  public boolean readBoolean() throws IOException {
    return in.readBoolean();
  }

  @Override
  public int readInt() throws IOException {
    return in.readInt();
  }

  @Override
  public long readLong() throws IOException {
    return in.readLong();
  }

  @Override
  public float readFloat() throws IOException {
    return in.readFloat();
  }

  @Override
  public double readDouble() throws IOException {
    return in.readDouble();
  }

  @Override
  public Utf8 readString(Utf8 old) throws IOException {
    int length = length(in.readLong(), "string");
    Utf8 result = old != null ? old : new Utf8();
    result.setByteLength(length);
    if (length > 0) {
      in.readFixed(result.getBytes(), 0, length);
    }
    return result;
  }

  @Override
  public String readString() throws IOException {
    return readString(null).toString();
  }

  @Override
  public void skipString() throws IOException {
    in.skipFixed(length(in.readLong(), "string"));
  }

  @Override
  public ByteBuffer readBytes(ByteBuffer old) throws IOException {
    int length = length(in.readLong(), "bytes");
    ByteBuffer result;
    if (old != null && length <= old.capacity()) {
      result = old;
      result.clear();
    } else {
      result = ByteBuffer.allocate(length);
    }
    in.readFixed(result.array(), result.position(), length);
    result.limit(length);
    return result;
  }

  @Override
  public void skipBytes() throws IOException {
    in.skipFixed(length(in.readLong(), "bytes"));
  }

  @Override
  public void readFixed(byte[] bytes, int start, int length) throws IOException {
    in.readFixed(bytes, start, length);
  }

  @Override
  public void skipFixed(int length) throws IOException {
    in.skipFixed(length);
  }

  @Override
  public int readEnum() throws IOException {
    return in.readEnum();
  }

  @Override
  public long readArrayStart() throws IOException {
    return start(in.readArrayStart(), "array");
  }

  @Override
  public long arrayNext() throws IOException {
    return next(in.arrayNext(), "array");
  }

  @Override
  public long skipArray() throws IOException {
    // Start and continuation look alike here: each block on its own.
    long count = in.skipArray();
    if (count > 0) {
      checkBlock(0, count, "array");
    }
    return count;
  }

  @Override
  public long readMapStart() throws IOException {
    return start(in.readMapStart(), "map");
  }

  @Override
  public long mapNext() throws IOException {
    return next(in.mapNext(), "map");
  }

  @Override
  public long skipMap() throws IOException {
    long count = in.skipMap();
    if (count > 0) {
      checkBlock(0, count, "map");
    }
    return count;
  }

  @Override
  public int readIndex() throws IOException {
    return in.readIndex();
  }
}
