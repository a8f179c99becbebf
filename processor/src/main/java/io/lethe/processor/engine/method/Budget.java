package io.lethe.processor.engine.method;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A method's settings and compute budget as string key/values (so they travel over Kafka and the
 * command line unchanged), with typed getters and defaults. Keys are method-specific, e.g. {@code
 * epochs}, {@code lr}, {@code lambda}; every method documents its keys.
 */
public final class Budget {

  private static final Budget EMPTY = new Budget(Map.of());

  private final Map<String, String> settings;

  private Budget(Map<String, String> settings) {
    this.settings = Collections.unmodifiableMap(new LinkedHashMap<>(settings));
  }

  public static Budget empty() {
    return EMPTY;
  }

  public static Budget of(Map<String, String> settings) {
    return new Budget(settings);
  }

  /** This budget with one more setting (overriding an existing one). */
  public Budget with(String key, Object value) {
    Map<String, String> copy = new LinkedHashMap<>(settings);
    copy.put(key, String.valueOf(value));
    return new Budget(copy);
  }

  public Map<String, String> asMap() {
    return settings;
  }

  public boolean has(String key) {
    return settings.containsKey(key);
  }

  public int getInt(String key, int defaultValue) {
    String v = settings.get(key);
    return v == null ? defaultValue : parse(key, v, Integer::parseInt);
  }

  public long getLong(String key, long defaultValue) {
    String v = settings.get(key);
    return v == null ? defaultValue : parse(key, v, Long::parseLong);
  }

  public double getDouble(String key, double defaultValue) {
    String v = settings.get(key);
    return v == null ? defaultValue : parse(key, v, Double::parseDouble);
  }

  public float getFloat(String key, float defaultValue) {
    return (float) getDouble(key, defaultValue);
  }

  public String getString(String key, String defaultValue) {
    return settings.getOrDefault(key, defaultValue);
  }

  private static <T> T parse(String key, String value, java.util.function.Function<String, T> f) {
    try {
      return f.apply(value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("setting '" + key + "' is not a number: " + value, e);
    }
  }

  @Override
  public String toString() {
    return settings.toString();
  }
}
