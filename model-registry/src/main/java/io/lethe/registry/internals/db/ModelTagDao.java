package io.lethe.registry.internals.db;

import java.util.Map;

/** Key-value tags on a model (its versions' tags are kept with them, in {@link VersionDao}). */
public interface ModelTagDao {

  /** The model's tags, name to value (null for a bare label), by name. */
  Map<String, String> list(String modelId);

  /** True when the tag was added or its value changed, false when it already had that value. */
  boolean set(String modelId, String tag, String value);

  /** False when the model had no such tag. */
  boolean remove(String modelId, String tag);
}
