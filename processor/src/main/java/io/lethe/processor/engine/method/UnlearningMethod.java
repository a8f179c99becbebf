package io.lethe.processor.engine.method;

import java.util.EnumSet;
import java.util.Set;

/**
 * An unlearning method: (model, forget set, retain access, budget) to a new model and a report.
 * Implementations run their gradient work on the calling thread and never modify the original.
 */
public interface UnlearningMethod {

  /** The method's registry name, e.g. {@code famr}. */
  String name();

  /** The scopes it supports; {@link #unlearn} refuses the others. Every scope unless overridden. */
  default Set<ForgetScope> scopes() {
    return EnumSet.allOf(ForgetScope.class);
  }

  /**
   * Unlearns.
   *
   * @throws UnsupportedScopeException when the task's scope is not in {@link #scopes()}
   */
  UnlearningResult unlearn(UnlearningTask task);

  /** Throws {@link UnsupportedScopeException} unless this method supports the task's scope. */
  default void checkScope(UnlearningTask task) {
    if (!scopes().contains(task.scope())) {
      throw new UnsupportedScopeException(name(), task.scope(), scopes());
    }
  }
}
