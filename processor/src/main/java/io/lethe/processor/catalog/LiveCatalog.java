package io.lethe.processor.catalog;

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
  }

  /** The generation of the model's entry in use, if the model is served. */
  public synchronized Optional<Integer> generation(String modelId) {
    return Optional.ofNullable(generations.get(modelId));
  }
}
