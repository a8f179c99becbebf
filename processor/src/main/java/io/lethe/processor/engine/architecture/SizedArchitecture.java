package io.lethe.processor.engine.architecture;

import io.lethe.processor.engine.settings.Settings;
import java.util.Map;
import java.util.Objects;

/**
 * An architecture whose sizes are a typed record (its defaults in one constant of the record): the
 * name and the settings form every architecture shares.
 *
 * @param <S> the sizes record
 */
abstract class SizedArchitecture<S extends Record> implements Architecture {

  private final String name;
  protected final S sizes;

  SizedArchitecture(String name, S sizes) {
    this.name = name;
    this.sizes = Objects.requireNonNull(sizes, "sizes");
  }

  @Override
  public final String name() {
    return name;
  }

  @Override
  public final Map<String, String> settings() {
    return Settings.describe(sizes);
  }

  @Override
  public String toString() {
    return describe();
  }
}
