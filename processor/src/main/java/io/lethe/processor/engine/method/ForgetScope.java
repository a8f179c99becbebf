package io.lethe.processor.engine.method;

/** What a deletion asks to forget. */
public enum ForgetScope {
  /** Individual training samples (e.g. all samples of a data subject). */
  SAMPLES,
  /** Every sample of one or more classes: the model should no longer recognize them. */
  CLASS
}
