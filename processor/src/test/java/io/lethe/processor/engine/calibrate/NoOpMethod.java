package io.lethe.processor.engine.calibrate;

import io.lethe.processor.engine.method.ForgetScope;
import io.lethe.processor.engine.method.UnlearningMethod;
import io.lethe.processor.engine.method.UnlearningResult;
import io.lethe.processor.engine.method.UnlearningTask;
import java.util.List;
import java.util.Map;

/** The control: hands the parent back unchanged (as a copy), with two grid points. */
final class NoOpMethod implements UnlearningMethod {

  static final String NAME = "noop";

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
    return List.of(Map.of(), Map.of("unused", "1"));
  }

  @Override
  public UnlearningResult unlearn(UnlearningTask task) {
    return new UnlearningResult(task.original().copy(), NAME, 0, Map.of());
  }
}
