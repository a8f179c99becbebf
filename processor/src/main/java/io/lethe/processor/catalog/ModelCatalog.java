package io.lethe.processor.catalog;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The models a deployment serves: what exists, its data and its settings. Loaded from one YAML file
 * ({@link CatalogReader}); the only way a model exists.
 */
public final class ModelCatalog {

  private final Map<String, CatalogModel> models = new LinkedHashMap<>();

  public ModelCatalog(List<CatalogModel> models) {
    for (CatalogModel m : models) {
      if (this.models.putIfAbsent(m.id(), m) != null) {
        throw new IllegalArgumentException("model '" + m.id() + "' is in the catalog twice");
      }
    }
  }

  /**
   * Reads, validates and loads a catalog file.
   *
   * @throws CatalogException listing every problem, each with its path in the file
   */
  public static ModelCatalog load(Path file) {
    return new CatalogReader().read(file);
  }

  public Optional<CatalogModel> find(String modelId) {
    return Optional.ofNullable(models.get(modelId));
  }

  /** The model, or an exception naming the known ones. */
  public CatalogModel require(String modelId) {
    CatalogModel m = models.get(modelId);
    if (m == null) {
      throw new IllegalArgumentException(
          "unknown model '" + modelId + "'; the catalog has: " + String.join(", ", ids()));
    }
    return m;
  }

  public List<String> ids() {
    return new ArrayList<>(models.keySet());
  }

  public List<CatalogModel> models() {
    return List.copyOf(models.values());
  }

  /** This catalog with {@code change} applied to model {@code modelId}'s entry. */
  public ModelCatalog withEntry(
      String modelId, java.util.function.UnaryOperator<CatalogEntry> change) {
    return withEntry(change.apply(require(modelId).entry()));
  }

  /** This catalog with one model's entry replaced (same data); for tests and benchmarks. */
  public ModelCatalog withEntry(CatalogEntry entry) {
    List<CatalogModel> list = new ArrayList<>();
    for (CatalogModel m : models.values()) {
      list.add(m.id().equals(entry.id()) ? new CatalogModel(entry, m.data()) : m);
    }
    return new ModelCatalog(list);
  }
}
