package io.lethe.processor.engine.method;

import io.lethe.processor.engine.model.ClassifierModel;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The outcome of one unlearning run. The caller owns (and must close) the new model.
 *
 * @param model the unlearned model (a new instance, never the task's original)
 * @param method the method's name
 * @param wallTimeMillis wall time of the unlearning itself
 * @param notes what the method did (chosen settings, steps taken, ...), for reports
 */
public record UnlearningResult(
    ClassifierModel model, String method, long wallTimeMillis, Map<String, String> notes)
    implements AutoCloseable {

  public UnlearningResult {
    notes = Collections.unmodifiableMap(new LinkedHashMap<>(notes));
  }

  @Override
  public void close() {
    model.close();
  }
}
