package io.lethe.processor.engine.method;

import io.lethe.processor.engine.model.ModelSpec;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * An unlearning method: (model, forget set, retain access, settings) to a new model and a report.
 * Implementations run their gradient work on the calling thread and never modify the original.
 * Every method here extends {@link AbstractUnlearningMethod}, which holds the shared skeleton.
 */
public interface UnlearningMethod {

  /** The method's registry name, e.g. {@code famr}. */
  String name();

  /** The scopes it supports; {@link #unlearn} refuses the others. Every scope unless overridden. */
  default Set<ForgetScope> scopes() {
    return EnumSet.allOf(ForgetScope.class);
  }

  /** The record type of its settings: its components are the setting keys. */
  Class<? extends Record> settingsType();

  /** Its settings when the task's budget sets none, for tasks of {@code scope}. */
  Record defaultSettings(ForgetScope scope);

  /**
   * The settings a calibration tries for tasks of {@code scope}: a small grid (2 to 6 points) over
   * the settings that decide outcomes, cheapest first (a calibration that ties on quality keeps the
   * earliest point). Each point is bound onto {@link #defaultSettings}. Only the defaults unless
   * overridden.
   */
  default java.util.List<Map<String, String>> calibrationGrid(ForgetScope scope) {
    return java.util.List.of(Map.of());
  }

  /**
   * Checks settings as they arrive (from the catalog, the command line or Kafka) without running
   * the method.
   *
   * @throws IllegalArgumentException for an unknown key (naming the method and its known keys) or a
   *     bad value
   */
  void checkSettings(Map<String, String> settings);

  /**
   * Why this method cannot unlearn {@code scope} from a model of {@code spec}, or empty when it
   * can; lets a catalog refuse a model's method when it loads, rather than at the first batch.
   */
  default Optional<String> refusal(ModelSpec spec, ForgetScope scope) {
    if (!scopes().contains(scope)) {
      return Optional.of("does not support scope " + scope + " (it supports " + scopes() + ")");
    }
    return Optional.empty();
  }

  /**
   * Unlearns.
   *
   * @throws UnsupportedScopeException when the task's scope is not in {@link #scopes()}
   * @throws IllegalArgumentException when the method cannot work on the model ({@link #refusal}) or
   *     the task's budget holds an unknown setting or a bad value
   */
  UnlearningResult unlearn(UnlearningTask task);

  /** Throws {@link UnsupportedScopeException} unless this method supports the task's scope. */
  default void checkScope(UnlearningTask task) {
    if (!scopes().contains(task.scope())) {
      throw new UnsupportedScopeException(name(), task.scope(), scopes());
    }
  }
}
