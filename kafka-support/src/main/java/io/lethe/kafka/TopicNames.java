package io.lethe.kafka;

import java.util.List;
import java.util.Map;

/**
 * The names of Lethe's topics. Defaults follow DESIGN §1; every name can be overridden with a
 * {@code lethe.topic.<key>} property, and a prefix lets several pipelines (or tests) share one
 * broker.
 */
public record TopicNames(
    String deletionRequests,
    String deadLetter,
    String trainingLineage,
    String unlearningBatches,
    String modelVersions,
    String requestReceipts,
    String aliasEvents,
    String models,
    String registrationRequests,
    String registrationOutcomes,
    String calibrationRequests,
    String calibrations) {

  public static final TopicNames DEFAULTS =
      new TopicNames(
          "lethe.deletion-requests",
          "lethe.deletion-requests.dlq",
          "lethe.training-lineage",
          "lethe.unlearning-batches",
          "lethe.model-versions",
          "lethe.request-receipts",
          "lethe.alias-events",
          "lethe.models",
          "lethe.registration-requests",
          "lethe.registration-outcomes",
          "lethe.calibration-requests",
          "lethe.calibrations");

  /** The settings {@link #fromConfig} reads: {@code lethe.topic.deletion-requests} and friends. */
  public static final List<String> SETTING_KEYS =
      List.of(
          "lethe.topic.deletion-requests",
          "lethe.topic.dead-letter",
          "lethe.topic.training-lineage",
          "lethe.topic.unlearning-batches",
          "lethe.topic.model-versions",
          "lethe.topic.request-receipts",
          "lethe.topic.alias-events",
          "lethe.topic.models",
          "lethe.topic.registration-requests",
          "lethe.topic.registration-outcomes",
          "lethe.topic.calibration-requests",
          "lethe.topic.calibrations");

  /** Reads {@code lethe.topic.deletion-requests} and friends, falling back to the defaults. */
  public static TopicNames fromConfig(Map<String, ?> config) {
    return new TopicNames(
        get(config, "deletion-requests", DEFAULTS.deletionRequests),
        get(config, "dead-letter", DEFAULTS.deadLetter),
        get(config, "training-lineage", DEFAULTS.trainingLineage),
        get(config, "unlearning-batches", DEFAULTS.unlearningBatches),
        get(config, "model-versions", DEFAULTS.modelVersions),
        get(config, "request-receipts", DEFAULTS.requestReceipts),
        get(config, "alias-events", DEFAULTS.aliasEvents),
        get(config, "models", DEFAULTS.models),
        get(config, "registration-requests", DEFAULTS.registrationRequests),
        get(config, "registration-outcomes", DEFAULTS.registrationOutcomes),
        get(config, "calibration-requests", DEFAULTS.calibrationRequests),
        get(config, "calibrations", DEFAULTS.calibrations));
  }

  /** The same topics with {@code prefix} in front of every name. */
  public TopicNames withPrefix(String prefix) {
    return new TopicNames(
        prefix + deletionRequests,
        prefix + deadLetter,
        prefix + trainingLineage,
        prefix + unlearningBatches,
        prefix + modelVersions,
        prefix + requestReceipts,
        prefix + aliasEvents,
        prefix + models,
        prefix + registrationRequests,
        prefix + registrationOutcomes,
        prefix + calibrationRequests,
        prefix + calibrations);
  }

  public List<String> all() {
    return List.of(
        deletionRequests,
        deadLetter,
        trainingLineage,
        unlearningBatches,
        modelVersions,
        requestReceipts,
        aliasEvents,
        models,
        registrationRequests,
        registrationOutcomes,
        calibrationRequests,
        calibrations);
  }

  private static String get(Map<String, ?> config, String key, String fallback) {
    Object value = config.get("lethe.topic." + key);
    return value == null || value.toString().isBlank() ? fallback : value.toString();
  }
}
