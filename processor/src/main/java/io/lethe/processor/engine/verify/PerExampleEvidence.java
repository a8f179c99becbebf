package io.lethe.processor.engine.verify;

/**
 * What the per-example membership test ({@link PerExampleMembership}) found on a forget set.
 *
 * @param samples forget samples scored
 * @param referenceModels reference models the expected distribution came from
 * @param meanScore mean z-score of the evaluated model over the samples (0: like unseen data)
 * @param worstScore the z-score farthest from 0 (signed: positive = more confident than unseen)
 * @param flagged samples the test flags on the evaluated model (|z| above the threshold)
 * @param flaggedOnParent samples it flags on the parent, which was trained on all of them
 * @param allowedFlags flags that unseen samples would get by chance (the check's allowance)
 * @param sigma the pooled standard deviation of the reference models' logit-scaled confidence
 */
public record PerExampleEvidence(
    int samples,
    int referenceModels,
    double meanScore,
    double worstScore,
    int flagged,
    int flaggedOnParent,
    int allowedFlags,
    double sigma) {

  /** Fraction of the forget set flagged on the evaluated model. */
  public double flaggedFraction() {
    return (double) flagged / samples;
  }

  /**
   * The test's power here: the fraction of the forget samples it tells from unseen ones on the
   * parent. Low power means it cannot tell "trained on" from "not", so passing it says nothing.
   */
  public double power() {
    return (double) flaggedOnParent / samples;
  }

  /** Whether the evaluated model stands out on no more samples than chance allows. */
  public boolean passes() {
    return flagged <= allowedFlags;
  }

  /** Whether the parent fails the test, i.e. the test can see what the parent remembers. */
  public boolean hasPower() {
    return flaggedOnParent > allowedFlags;
  }
}
