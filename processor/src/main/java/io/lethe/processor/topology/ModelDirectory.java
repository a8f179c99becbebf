package io.lethe.processor.topology;

import java.util.Optional;

/** The models this deployment unlearns from; requests naming any other model are rejected. */
@FunctionalInterface
public interface ModelDirectory {
  Optional<ModelInfo> find(String modelId);

  /** What validation needs to know about a model. */
  record ModelInfo(String modelId, int numClasses) {}
}
