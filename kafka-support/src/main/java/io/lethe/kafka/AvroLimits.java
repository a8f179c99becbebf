package io.lethe.kafka;

import java.util.Map;

/**
 * Caps on what one Avro record may claim, checked while decoding and before anything is allocated:
 * a 42-byte record whose array count claims two billion items is refused instead of asking the JVM
 * for 16 GB. The defaults are far above any real Lethe record (a request names at most {@code
 * lethe.processor.max-sample-ids-per-request} samples, 50,000 by default) and far below what would
 * hurt a stream thread.
 *
 * @param maxCollectionItems the most items one array or map may hold, over all its blocks
 * @param maxStringBytes the most bytes one string or bytes field may hold
 */
public record AvroLimits(int maxCollectionItems, int maxStringBytes) {
  /** Setting of {@link #maxCollectionItems}. */
  public static final String MAX_COLLECTION_ITEMS = "lethe.avro.max-collection-items";

  /** Setting of {@link #maxStringBytes}. */
  public static final String MAX_STRING_BYTES = "lethe.avro.max-string-bytes";

  public static final AvroLimits DEFAULT = new AvroLimits(1_000_000, 1 << 20);

  public AvroLimits {
    if (maxCollectionItems < 1 || maxStringBytes < 1) {
      throw new IllegalArgumentException(
          "Avro limits must be at least 1, were " + maxCollectionItems + ", " + maxStringBytes);
    }
  }

  /**
   * Reads {@link #MAX_COLLECTION_ITEMS} and {@link #MAX_STRING_BYTES}; the defaults where unset.
   */
  public static AvroLimits fromConfig(Map<String, ?> config) {
    return new AvroLimits(
        intSetting(config, MAX_COLLECTION_ITEMS, DEFAULT.maxCollectionItems),
        intSetting(config, MAX_STRING_BYTES, DEFAULT.maxStringBytes));
  }

  private static int intSetting(Map<String, ?> config, String key, int fallback) {
    Object value = config.get(key);
    if (value == null) {
      return fallback;
    }
    try {
      return Integer.parseInt(value.toString().trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " must be a whole number, was '" + value + "'");
    }
  }
}
