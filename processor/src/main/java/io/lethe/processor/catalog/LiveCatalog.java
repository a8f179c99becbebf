package io.lethe.processor.catalog;

import io.lethe.processor.engine.method.ForgetScope;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The models a running processor serves, which can grow while it runs: the catalog it started with
 * plus the models registered since ({@code lethe models register}). Readers (the topology's model
 * directory, the planner) always see a consistent snapshot; a model appears once its data is loaded
 * and its first version exists, and an entry changes only between batches.
 */
public final class LiveCatalog {

  private volatile ModelCatalog snapshot;
  private final Map<String, Integer> generations = new LinkedHashMap<>();
  private final List<java.util.function.Consumer<String>> listeners =
      new java.util.concurrent.CopyOnWriteArrayList<>();

  public LiveCatalog(ModelCatalog initial) {
    this.snapshot = initial;
    for (String id : initial.ids()) {
      generations.put(id, 0);
    }
  }

  /** The current models. */
  public ModelCatalog snapshot() {
    return snapshot;
  }

  public Optional<CatalogModel> find(String modelId) {
    return snapshot.find(modelId);
  }

  /**
   * Adds a model, or replaces its entry; {@code generation} is its registration's (0 for a model of
   * the catalog the processor started with).
   */
  public synchronized void put(CatalogModel model, int generation) {
    List<CatalogModel> models = new ArrayList<>();
    boolean replaced = false;
    for (CatalogModel m : snapshot.models()) {
      if (m.id().equals(model.id())) {
        models.add(model);
        replaced = true;
      } else {
        models.add(m);
      }
    }
    if (!replaced) {
      models.add(model);
    }
    generations.put(model.id(), generation);
    snapshot = new ModelCatalog(models);
    listeners.forEach(l -> l.accept(model.id()));
  }

  /** Tells {@code listener} the id of every model added or given a new entry by {@link #put}. */
  public void onPut(java.util.function.Consumer<String> listener) {
    listeners.add(listener);
  }

  /**
   * Makes a calibration's choices the model's methods, for the scopes its catalog does not pin, if
   * the model is still at {@code generation} (a calibration of an earlier registration does not
   * apply to a later one). Returns whether the entry changed.
   *
   * @param forClasses the choice for CLASS requests, or null to keep the current one
   * @param forSamples the choice for SAMPLES and SUBJECT requests, or null to keep it
   */
  public synchronized boolean applyCalibration(
      String modelId, int generation, MethodChoice forClasses, MethodChoice forSamples) {
    Optional<CatalogModel> found = snapshot.find(modelId);
    if (found.isEmpty() || !Integer.valueOf(generation).equals(generations.get(modelId))) {
      return false;
    }
    CatalogEntry entry = found.get().entry();
    CalibrationPolicy policy = entry.calibration();
    MethodChoice classes =
        forClasses != null && policy.searches(ForgetScope.CLASS) ? forClasses : entry.classMethod();
    MethodChoice samples =
        forSamples != null && policy.searches(ForgetScope.SAMPLES)
            ? forSamples
            : entry.sampleMethod();
    if (classes.equals(entry.classMethod()) && samples.equals(entry.sampleMethod())) {
      return false;
    }
    List<CatalogModel> models = new ArrayList<>();
    for (CatalogModel m : snapshot.models()) {
      models.add(
          m.id().equals(modelId)
              ? new CatalogModel(entry.withMethods(classes, samples), m.data())
              : m);
    }
    snapshot = new ModelCatalog(models);
    return true;
  }

  /** The generation of the model's entry in use, if the model is served. */
  public synchronized Optional<Integer> generation(String modelId) {
    return Optional.ofNullable(generations.get(modelId));
  }
}
