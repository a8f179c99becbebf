package io.lethe.processor.catalog;

import io.lethe.processor.engine.method.Budget;
import java.util.Map;

/**
 * The unlearning method a model uses for one scope, with its settings (validated against the
 * method's own settings record when the catalog is loaded).
 */
public record MethodChoice(String method, Map<String, String> settings) {

  public MethodChoice {
    settings = Map.copyOf(settings);
  }

  public static MethodChoice of(String method) {
    return new MethodChoice(method, Map.of());
  }

  public Budget budget() {
    return Budget.of(settings);
  }
}
