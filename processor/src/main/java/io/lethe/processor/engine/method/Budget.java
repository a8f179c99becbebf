package io.lethe.processor.engine.method;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A method's settings and compute budget as string key/values, so they travel over Kafka, the
 * catalog and the command line unchanged. The keys, their types, ranges and defaults are each
 * method's settings record ({@link UnlearningMethod#settingsType()}, e.g. {@link Famr.Settings});
 * {@link AbstractUnlearningMethod} binds a budget onto it and refuses an unknown key.
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

  @Override
  public String toString() {
    return settings.toString();
  }
}
