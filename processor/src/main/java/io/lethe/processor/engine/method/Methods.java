package io.lethe.processor.engine.method;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** The registry of unlearning methods by name. */
public final class Methods {

  private static final Map<String, Supplier<UnlearningMethod>> REGISTRY = new LinkedHashMap<>();

  static {
    REGISTRY.put(Retrain.NAME, Retrain::new);
    REGISTRY.put(FineTune.NAME, FineTune::new);
    REGISTRY.put(NegGradPlus.NAME, NegGradPlus::new);
    REGISTRY.put(Sisa.NAME, Sisa::new);
    REGISTRY.put(Muso.NAME, Muso::new);
    REGISTRY.put(MnemonicCode.NAME, MnemonicCode::new);
    REGISTRY.put(Famr.NAME, Famr::new);
    REGISTRY.put(Slug.NAME, Slug::new);
    REGISTRY.put(Ssd.NAME, Ssd::new);
    REGISTRY.put(SalUn.NAME, SalUn::new);
    REGISTRY.put(Scrub.NAME, Scrub::new);
  }

  private Methods() {}

  /**
   * A new instance of the named method.
   *
   * @throws IllegalArgumentException for an unknown name, listing the known ones
   */
  public static UnlearningMethod byName(String name) {
    Supplier<UnlearningMethod> supplier = name == null ? null : REGISTRY.get(name.trim());
    if (supplier == null) {
      throw new IllegalArgumentException(
          "unknown unlearning method '" + name + "'; known: " + String.join(", ", names()));
    }
    return supplier.get();
  }

  /** The known method names, in a stable order. */
  public static List<String> names() {
    return new ArrayList<>(REGISTRY.keySet());
  }

  /** A new instance of every method. */
  public static List<UnlearningMethod> all() {
    List<UnlearningMethod> list = new ArrayList<>();
    REGISTRY.values().forEach(s -> list.add(s.get()));
    return list;
  }
}
