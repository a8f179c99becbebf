package io.lethe.processor.engine.settings;

import io.lethe.config.Durations;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Binds string settings (from a catalog file, the command line or a Kafka record) onto a typed
 * record whose defaults live in one constant of that record. Supported component types: {@code
 * int}, {@code long}, {@code float}, {@code double}, {@code boolean}, {@code String}, {@code
 * Double} ({@code none} for null), {@link java.time.Duration} ({@code 10s}, {@code 5m}, {@code
 * 250ms} or ISO-8601), enums (by lower-case name) and {@code int[]} (comma-separated). An unknown
 * key is an error that lists the known ones, so a typo never silently falls back to a default.
 */
public final class Settings {

  private Settings() {}

  /**
   * {@code defaults} with every value of {@code values} applied.
   *
   * @param owner what the settings are for, for error messages (e.g. {@code famr})
   * @throws IllegalArgumentException for an unknown key or a value of the wrong type
   */
  public static <R extends Record> R bind(R defaults, Map<String, String> values, String owner) {
    @SuppressWarnings("unchecked")
    Class<R> type = (Class<R>) defaults.getClass();
    RecordComponent[] components = type.getRecordComponents();
    Map<String, RecordComponent> byName = new LinkedHashMap<>();
    for (RecordComponent c : components) {
      byName.put(c.getName(), c);
    }
    for (String key : values.keySet()) {
      if (!byName.containsKey(key)) {
        throw new IllegalArgumentException(
            "unknown setting '"
                + key
                + "' for "
                + owner
                + "; known: "
                + String.join(", ", byName.keySet()));
      }
    }
    Object[] args = new Object[components.length];
    Class<?>[] types = new Class<?>[components.length];
    for (int i = 0; i < components.length; i++) {
      RecordComponent c = components[i];
      types[i] = c.getType();
      String text = values.get(c.getName());
      args[i] = text == null ? read(c, defaults) : parse(c, text.trim(), owner);
    }
    try {
      return type.getDeclaredConstructor(types).newInstance(args);
    } catch (java.lang.reflect.InvocationTargetException e) {
      Throwable cause = e.getCause();
      if (cause instanceof IllegalArgumentException iae) {
        throw new IllegalArgumentException(owner + ": " + iae.getMessage(), iae);
      }
      throw new IllegalStateException("cannot build " + type.getSimpleName(), cause);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot build " + type.getSimpleName(), e);
    }
  }

  /** The record's values as settings, in declaration order (the inverse of {@link #bind}). */
  public static Map<String, String> describe(Record settings) {
    Map<String, String> out = new LinkedHashMap<>();
    for (RecordComponent c : settings.getClass().getRecordComponents()) {
      out.put(c.getName(), format(read(c, settings)));
    }
    return out;
  }

  /** The setting names of a settings record, in declaration order. */
  public static java.util.List<String> keys(Class<? extends Record> type) {
    return Arrays.stream(type.getRecordComponents()).map(RecordComponent::getName).toList();
  }

  private static Object read(RecordComponent c, Record from) {
    try {
      c.getAccessor().setAccessible(true);
      return c.getAccessor().invoke(from);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot read " + c.getName(), e);
    }
  }

  private static String format(Object value) {
    if (value instanceof int[] ints) {
      return Arrays.stream(ints).mapToObj(Integer::toString).collect(Collectors.joining(","));
    }
    if (value == null) {
      return "none";
    }
    if (value instanceof java.time.Duration d) {
      return Durations.format(d);
    }
    if (value instanceof Enum<?> e) {
      return e.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
    return String.valueOf(value);
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static Object parse(RecordComponent c, String text, String owner) {
    Class<?> t = c.getType();
    try {
      if (t == int.class) {
        return Integer.parseInt(text);
      }
      if (t == long.class) {
        return Long.parseLong(text);
      }
      if (t == float.class) {
        return Float.parseFloat(text);
      }
      if (t == double.class) {
        return Double.parseDouble(text);
      }
      if (t == boolean.class) {
        if (!text.equalsIgnoreCase("true") && !text.equalsIgnoreCase("false")) {
          throw new NumberFormatException();
        }
        return Boolean.parseBoolean(text);
      }
      if (t == String.class) {
        return text;
      }
      if (t == Double.class) {
        return text.equalsIgnoreCase("none") || text.equalsIgnoreCase("null")
            ? null
            : Double.valueOf(text);
      }
      if (t == java.time.Duration.class) {
        try {
          return Durations.parse(text);
        } catch (IllegalArgumentException e) {
          throw new NumberFormatException(); // reported below with the setting's name
        }
      }
      if (t == int[].class) {
        return text.isEmpty()
            ? new int[0]
            : Arrays.stream(text.split(","))
                .map(String::trim)
                .mapToInt(Integer::parseInt)
                .toArray();
      }
      if (t.isEnum()) {
        String norm = text.toUpperCase(Locale.ROOT).replace('-', '_');
        try {
          return Enum.valueOf((Class<? extends Enum>) t, norm);
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(
              "setting '"
                  + c.getName()
                  + "' of "
                  + owner
                  + " must be one of "
                  + Arrays.stream(t.getEnumConstants())
                      .map(Settings::format)
                      .collect(Collectors.joining(", "))
                  + ", got '"
                  + text
                  + "'");
        }
      }
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "setting '"
              + c.getName()
              + "' of "
              + owner
              + " must be a "
              + (t == int[].class
                  ? "comma-separated list of integers"
                  : t == java.time.Duration.class
                      ? "duration (e.g. 10s, 5m, PT1H)"
                      : t.getSimpleName())
              + ", got '"
              + text
              + "'");
    }
    throw new IllegalStateException("unsupported setting type " + t + " of " + c.getName());
  }
}
