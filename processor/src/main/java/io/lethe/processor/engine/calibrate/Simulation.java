package io.lethe.processor.engine.calibrate;

import io.lethe.processor.engine.data.Dataset;
import io.lethe.processor.engine.method.UnlearningTask;
import io.lethe.processor.engine.model.ClassifierModel;
import io.lethe.processor.engine.model.Evaluator.Evaluation;
import io.lethe.processor.engine.verify.Verifier;
import java.util.List;

/**
 * A simulated deletion with its exact oracle: the task every candidate runs (on the calibration's
 * original M0), the oracle's and the parent's figures measured once, and the reference models of
 * the per-example test, as their evaluations on the forget set (empty where it does not apply).
 * Owns the oracle.
 *
 * @param measuredRetain the retain rows RA is measured on (a seeded sample: the figure, not the
 *     task, is bounded)
 * @param parentGap the parent's own Avg Gap to the oracle: what doing nothing scores
 */
record Simulation(
    Deletion deletion,
    UnlearningTask task,
    Dataset measuredRetain,
    ClassifierModel oracle,
    long oracleMillis,
    Verifier.Metrics oracleMetrics,
    Verifier.Metrics parentMetrics,
    double parentGap,
    List<Evaluation> references)
    implements AutoCloseable {

  @Override
  public void close() {
    oracle.close();
  }
}
