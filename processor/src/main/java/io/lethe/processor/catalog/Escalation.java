package io.lethe.processor.catalog;

/** What the planner does when a method's result fails verification. */
public enum Escalation {
  /** Exact retraining on the retain set with the model's recipe; FAILED if that fails too. */
  RETRAIN,
  /** Publish FAILED at once (for models too expensive to retrain). */
  NONE
}
