package io.lethe.processor.engine.method;

import io.lethe.processor.engine.model.ClassifierModel;
import io.lethe.processor.engine.model.ModelSpec;
import io.lethe.processor.engine.settings.Settings;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The skeleton every method shares. {@link #unlearn} is final: it checks the scope and the model
 * ({@link #refusal}), binds the task's budget onto the settings record {@code S} (an unknown key is
 * refused with the known ones), starts the clock, makes the working model ({@link #startingModel}:
 * a copy of the original unless the method builds its own), runs the method's own {@link #run(Run)}
 * on it, closes it if that throws, and returns the result whose notes hold the settings used
 * followed by what the method added.
 *
 * @param <S> the settings record; its {@code DEFAULTS} constant is the one home of the defaults
 */
public abstract class AbstractUnlearningMethod<S extends Record> implements UnlearningMethod {

  private final String name;
  private final S defaults;
  private final Set<ForgetScope> scopes;

  /** A method supporting every scope. */
  protected AbstractUnlearningMethod(String name, S defaults) {
    this(name, defaults, EnumSet.allOf(ForgetScope.class));
  }

  protected AbstractUnlearningMethod(String name, S defaults, Set<ForgetScope> scopes) {
    this.name = Objects.requireNonNull(name, "name");
    this.defaults = Objects.requireNonNull(defaults, "defaults");
    this.scopes = Set.copyOf(scopes);
  }

  @Override
  public final String name() {
    return name;
  }

  @Override
  public final Set<ForgetScope> scopes() {
    return scopes;
  }

  @Override
  public final Class<? extends Record> settingsType() {
    return defaults.getClass();
  }

  /** The defaults for tasks of {@code scope}: the record's {@code DEFAULTS} unless overridden. */
  @Override
  public S defaultSettings(ForgetScope scope) {
    return defaults;
  }

  /**
   * {@code values} bound onto the defaults for {@code scope}.
   *
   * @throws IllegalArgumentException for an unknown key, listing the known ones, or a bad value
   */
  public final S settings(Map<String, String> values, ForgetScope scope) {
    S base = defaultSettings(scope);
    if (base.getClass().getRecordComponents().length == 0 && !values.isEmpty()) {
      throw new IllegalArgumentException(
          name + " takes no settings; got " + String.join(", ", values.keySet()));
    }
    return Settings.bind(base, values, name);
  }

  /** Binds {@code values} for every supported scope (their defaults may differ). */
  @Override
  public final void checkSettings(Map<String, String> values) {
    for (ForgetScope scope : scopes) {
      settings(values, scope);
    }
  }

  @Override
  public final Optional<String> refusal(ModelSpec spec, ForgetScope scope) {
    Optional<String> byScope = UnlearningMethod.super.refusal(spec, scope);
    return byScope.isPresent() ? byScope : refuseModel(spec);
  }

  /** Why this method cannot work on a model of {@code spec}; empty (none) unless overridden. */
  protected Optional<String> refuseModel(ModelSpec spec) {
    return Optional.empty();
  }

  @Override
  public final UnlearningResult unlearn(UnlearningTask task) {
    checkScope(task);
    Optional<String> refused = refuseModel(task.original().spec());
    if (refused.isPresent()) {
      throw new IllegalArgumentException(
          "unlearning method '" + name + "' cannot work on this model: " + refused.get());
    }
    S settings = settings(task.budget().asMap(), task.scope());
    long start = System.nanoTime();
    ClassifierModel model = startingModel(task, settings);
    Run<S> run = new Run<>(task, settings, model, MethodSupport.millisSince(start));
    try {
      run(run);
      keepRetiredClassesOut(run);
    } catch (RuntimeException | Error e) {
      model.close();
      throw e;
    }
    return new UnlearningResult(model, name, MethodSupport.millisSince(start), run.notes);
  }

  /**
   * Takes the classes the original no longer serves out of the result's head, whatever the method
   * did. Without this, a class forgotten by a method that only suppresses it (FAMR moves the
   * weights just far enough that the class loses the argmax on its rows) comes back under later
   * versions' fine-tuning on the retain set (measured: 91.6 % two MUSO batches after FAMR forgot
   * it, docs/bench/lifetime.md); a class out of the head cannot be re-learned by any later method.
   */
  private static void keepRetiredClassesOut(Run<?> run) {
    var retired = run.task.retiredClasses();
    if (retired.isEmpty()) {
      return;
    }
    if (run.model.removeClasses(retired)) {
      run.note("retiredClasses", new java.util.TreeSet<>(retired));
    } else {
      // A head without a bias cannot be closed; the drift guard's re-test of earlier classes is
      // then what catches a class coming back.
      run.note("retiredClasses", "kept in the head (no head bias)");
    }
  }

  /**
   * The model {@link #run} works on, owned by the skeleton from here on: by default a copy of the
   * original. Methods that build a model from scratch (exact retraining) build it here.
   */
  protected ClassifierModel startingModel(UnlearningTask task, S settings) {
    return task.original().copy();
  }

  /** The method's own step: changes {@link Run#model()} in place and adds notes. */
  protected abstract void run(Run<S> run);

  /**
   * One run of a method: the task, its bound settings, the working model and the notes so far
   * (starting with the settings).
   *
   * @param <S> the settings record
   */
  public static final class Run<S extends Record> {

    private final UnlearningTask task;
    private final S settings;
    private final ClassifierModel model;
    private final long startingModelMillis;
    private final Map<String, String> notes;

    Run(UnlearningTask task, S settings, ClassifierModel model, long startingModelMillis) {
      this.task = task;
      this.settings = settings;
      this.model = model;
      this.startingModelMillis = startingModelMillis;
      this.notes = new LinkedHashMap<>(Settings.describe(settings));
    }

    public UnlearningTask task() {
      return task;
    }

    public S settings() {
      return settings;
    }

    /** The working model (the copy, or the model {@link #startingModel} built). */
    public ClassifierModel model() {
      return model;
    }

    /** How long making the working model took. */
    public long startingModelMillis() {
      return startingModelMillis;
    }

    /** Adds (or replaces) a note for the report. */
    public void note(String key, Object value) {
      notes.put(key, String.valueOf(value));
    }
  }
}
