package io.lethe.processor.engine.architecture;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The architectures by name. A new architecture is a new class and one line here; its settings
 * (sizes) are parsed by the class itself, with its defaults in one place.
 */
public final class Architectures {

  private static final Map<String, Function<Map<String, String>, Architecture>> REGISTRY =
      new LinkedHashMap<>();

  static {
    REGISTRY.put(Mlp.NAME, Mlp::fromSettings);
    REGISTRY.put(Cnn.NAME, Cnn::fromSettings);
    REGISTRY.put(RandomFeaturesLinear.NAME, RandomFeaturesLinear::fromSettings);
  }

  private Architectures() {}

  /**
   * The named architecture with the given settings (missing ones take the defaults).
   *
   * @throws IllegalArgumentException for an unknown name (listing the known ones) or setting
   */
  public static Architecture create(String name, Map<String, String> settings) {
    var factory = name == null ? null : REGISTRY.get(name.trim());
    if (factory == null) {
      throw new IllegalArgumentException(
          "unknown architecture '" + name + "'; known: " + String.join(", ", names()));
    }
    return factory.apply(settings == null ? Map.of() : settings);
  }

  /** The named architecture with its default sizes. */
  public static Architecture byName(String name) {
    return create(name, Map.of());
  }

  /** The known names, in a stable order. */
  public static List<String> names() {
    return new ArrayList<>(REGISTRY.keySet());
  }
}
