package io.lethe.processor.engine.calibrate;

import io.lethe.processor.engine.method.Budget;
import io.lethe.processor.engine.method.ForgetScope;
import io.lethe.processor.engine.method.Methods;
import io.lethe.processor.engine.method.UnlearningMethod;
import io.lethe.processor.engine.method.UnlearningResult;
import io.lethe.processor.engine.method.UnlearningTask;
import java.util.List;
import java.util.Map;

/**
 * Forgets large forget sets exactly (it retrains) and hands the parent back for small ones: a
 * method that works on the random fraction and fails on the small sets, as the inexact methods do
 * where only the per-example test can see them.
 */
final class LargeOnlyMethod implements UnlearningMethod {

  static final String NAME = "large-only";

  /** Below this many rows the parent is handed back. */
  static final int SMALL = 60;

  record Settings(int unused) {}

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Class<? extends Record> settingsType() {
    return Settings.class;
  }

  @Override
  public Record defaultSettings(ForgetScope scope) {
    return new Settings(0);
  }

  @Override
  public void checkSettings(Map<String, String> settings) {}

  @Override
  public List<Map<String, String>> calibrationGrid(ForgetScope scope) {
    return List.of(Map.of());
  }

  @Override
  public UnlearningResult unlearn(UnlearningTask task) {
    if (task.forget().size() < SMALL) {
      return new UnlearningResult(task.original().copy(), NAME, 0, Map.of());
    }
    UnlearningResult exact = Methods.byName("retrain").unlearn(task.withBudget(Budget.empty()));
    return new UnlearningResult(exact.model(), NAME, exact.wallTimeMillis(), Map.of());
  }
}
