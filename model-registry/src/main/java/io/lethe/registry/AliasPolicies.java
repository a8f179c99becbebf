package io.lethe.registry;

import java.util.Map;
import java.util.TreeMap;

/**
 * The alias policy of every model: one default ({@link AliasPolicy#FOLLOW} unless configured) and
 * per-model exceptions.
 */
public record AliasPolicies(AliasPolicy defaultPolicy, Map<String, AliasPolicy> perModel) {
  public static final AliasPolicies DEFAULT = new AliasPolicies(AliasPolicy.FOLLOW, Map.of());

  public AliasPolicies {
    defaultPolicy = defaultPolicy == null ? AliasPolicy.FOLLOW : defaultPolicy;
    perModel = perModel == null ? Map.of() : Map.copyOf(perModel);
  }

  public AliasPolicy of(String modelId) {
    return perModel.getOrDefault(modelId, defaultPolicy);
  }

  public AliasPolicies with(String modelId, AliasPolicy policy) {
    Map<String, AliasPolicy> copy = new TreeMap<>(perModel);
    copy.put(modelId, policy);
    return new AliasPolicies(defaultPolicy, copy);
  }

  /** {@code KEY=follow|hold} is the default, {@code KEY.<modelId>=follow|hold} one model's. */
  static AliasPolicies fromProperties(Map<String, ?> props, String key) {
    AliasPolicy fallback = AliasPolicy.FOLLOW;
    Map<String, AliasPolicy> models = new TreeMap<>();
    for (Map.Entry<String, ?> e : props.entrySet()) {
      if (e.getValue() == null || e.getValue().toString().isBlank()) {
        continue;
      }
      if (e.getKey().equals(key)) {
        fallback = AliasPolicy.parse(e.getValue().toString());
      } else if (e.getKey().startsWith(key + ".")) {
        models.put(
            e.getKey().substring(key.length() + 1), AliasPolicy.parse(e.getValue().toString()));
      }
    }
    return new AliasPolicies(fallback, models);
  }
}
