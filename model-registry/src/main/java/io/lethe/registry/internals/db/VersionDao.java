package io.lethe.registry.internals.db;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Model versions, their request ids and tags. */
public interface VersionDao {

  /**
   * Stores a version with its request ids; returns false, changing nothing, when the (model,
   * version) is already stored.
   */
  boolean insert(VersionRow row);

  Optional<VersionRow> find(String modelId, int version);

  Optional<String> findFingerprint(String modelId, int version);

  List<VersionRow> list(VersionQuery query);

  long count(VersionQuery query);

  /** All versions of a model, oldest first. */
  List<VersionRow> listAll(String modelId);

  /** Versions whose parent is {@code version}. */
  List<Integer> children(String modelId, int version);

  /** Models whose id contains {@code search} (case-insensitive; null = all), by id. */
  List<ModelSummary> listModels(String search, int offset, int limit);

  long countModels(String search);

  /** One model's summary; empty when it has no stored version. */
  Optional<ModelSummary> summary(String modelId);

  /** The id of every model with a stored version. */
  List<String> modelIds();

  boolean modelExists(String modelId);

  /** (model, version) pairs listing {@code requestId}, by model then version. */
  List<VersionRow> versionsListingRequest(String requestId);

  /** Records that the artifact was deleted; returns false when it was already purged. */
  boolean markPurged(String modelId, int version, Instant at);

  /** Whether any version other than the given one that is not purged uses the artifact uri. */
  boolean artifactInUseElsewhere(String artifactUri, String modelId, int version);

  /**
   * Sets a tag on a version, {@code value} null for a bare label; true when it was added or its
   * value changed, false when it already had that value.
   */
  boolean setTag(String modelId, int version, String tag, String value);

  boolean removeTag(String modelId, int version, String tag);
}
