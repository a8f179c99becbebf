package io.lethe.processor.topology;

import java.time.Duration;
import java.util.Map;

/**
 * Tuning of the deletion-request topology.
 *
 * @param models the known models
 * @param defaultPolicy batch limits for models without their own
 * @param policies per-model batch limits
 * @param dedupeRetention how long a request id is remembered for deduplication
 * @param punctuateInterval how often (wall clock) open batches are checked for age and deadlines: a
 *     batch closes at most this long after its age limit, and the check reads one small header per
 *     model, so it can be short
 * @param events who hears what the topology does (metrics)
 * @param limits caps on requests and batches
 */
public record TopologySettings(
    ModelDirectory models,
    BatchPolicy defaultPolicy,
    Map<String, BatchPolicy> policies,
    Duration dedupeRetention,
    Duration punctuateInterval,
    TopologyEvents events,
    IntakeLimits limits) {

  /** With the default {@link IntakeLimits}. */
  public TopologySettings(
      ModelDirectory models,
      BatchPolicy defaultPolicy,
      Map<String, BatchPolicy> policies,
      Duration dedupeRetention,
      Duration punctuateInterval,
      TopologyEvents events) {
    this(
        models,
        defaultPolicy,
        policies,
        dedupeRetention,
        punctuateInterval,
        events,
        IntakeLimits.DEFAULT);
  }

  public static TopologySettings defaults(ModelDirectory models) {
    return new TopologySettings(
        models,
        BatchPolicy.DEFAULT,
        Map.of(),
        Duration.ofDays(7),
        Duration.ofMillis(250),
        TopologyEvents.NONE);
  }

  public BatchPolicy policyFor(String modelId) {
    return policies.getOrDefault(modelId, defaultPolicy);
  }

  public TopologySettings withDefaultPolicy(BatchPolicy policy) {
    return new TopologySettings(
        models, policy, policies, dedupeRetention, punctuateInterval, events, limits);
  }

  public TopologySettings withEvents(TopologyEvents value) {
    return new TopologySettings(
        models, defaultPolicy, policies, dedupeRetention, punctuateInterval, value, limits);
  }

  public TopologySettings withLimits(IntakeLimits value) {
    return new TopologySettings(
        models, defaultPolicy, policies, dedupeRetention, punctuateInterval, events, value);
  }
}
