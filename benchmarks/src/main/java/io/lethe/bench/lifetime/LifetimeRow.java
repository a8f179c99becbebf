package io.lethe.bench.lifetime;

/**
 * One batch of the lifetime run: what it deleted, what ran, and the figures of the unlearned chain
 * and (where it was retrained after this batch) of the cumulative oracle.
 *
 * @param method the method whose result became the new version ({@code famr->retrain} when it was
 *     escalated)
 * @param policy the default verification policy's verdict on that result
 * @param oracle null where the oracle was not retrained after this batch
 * @param drift the drift guard's figures on the new version (after any re-anchoring); null when the
 *     guard is off
 * @param reanchor why the guard re-anchored this version by exact retraining; empty when it did not
 */
record LifetimeRow(
    int batch,
    BatchPlan.Kind kind,
    int forgetSize,
    int retainSize,
    String method,
    String policy,
    long unlearnMillis,
    Figures chain,
    Figures oracle,
    long oracleMillis,
    io.lethe.processor.planner.DriftGuard.Reading drift,
    String reanchor) {

  /**
   * A model's figures after a batch; NaN where there is nothing to measure (no earlier set yet).
   *
   * @param testAccuracy on the test rows of the classes not forgotten
   * @param retainAccuracy on the cumulative retain set
   * @param forgetAccuracy on this batch's forget set
   * @param mia attack accuracy, this batch's forget set against unseen rows
   * @param cumulativeMia the same for every sample forgotten so far (class batches excluded)
   * @param earlierMaxForgetAccuracy the highest accuracy on any one earlier forget set
   * @param earlierClassMaxAccuracy the highest accuracy on any earlier forgotten class
   * @param earlierSamplesAccuracy accuracy on the union of the earlier sample and subject sets
   */
  record Figures(
      double testAccuracy,
      double retainAccuracy,
      double forgetAccuracy,
      double mia,
      double cumulativeMia,
      double earlierMaxForgetAccuracy,
      double earlierClassMaxAccuracy,
      double earlierSamplesAccuracy) {}
}
