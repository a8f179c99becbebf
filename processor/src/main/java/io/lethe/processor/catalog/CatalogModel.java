package io.lethe.processor.catalog;

import io.lethe.processor.engine.data.Dataset;
import io.lethe.processor.engine.data.ModelData;
import io.lethe.processor.engine.data.SubjectIndex;

/** A catalog model with its data, loaded once and held compactly for the model's life. */
public record CatalogModel(CatalogEntry entry, ModelData data) {

  public String id() {
    return entry.id();
  }

  /** The rows the model was trained on (its lineage). */
  public Dataset train() {
    return data.train().data();
  }

  /** The held-out test set. */
  public Dataset test() {
    return data.test().data();
  }

  /** Which training samples each data subject owns. */
  public SubjectIndex subjects() {
    return data.train().subjects();
  }

  public int numClasses() {
    return train().numClasses();
  }
}
