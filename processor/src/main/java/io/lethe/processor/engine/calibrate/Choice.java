package io.lethe.processor.engine.calibrate;

import io.lethe.processor.engine.method.ForgetScope;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The method a scope's deletions get, and its settings.
 *
 * @param scope CLASS or SAMPLES
 * @param method the method's name
 * @param settings its settings (empty for a pinned method: those come from the catalog)
 * @param pinned whether the catalog pinned it (not searched)
 */
public record Choice(
    ForgetScope scope, String method, Map<String, String> settings, boolean pinned) {

  public Choice {
    settings = Collections.unmodifiableMap(new LinkedHashMap<>(settings));
  }
}
