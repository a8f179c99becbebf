package io.lethe.processor.engine.model;

import ai.djl.ndarray.NDArray;

/** Loss building blocks on logits (all per-sample unless said otherwise). */
public final class Losses {

  private Losses() {}

  /** Cross-entropy against target distributions (n, classes): {@code -sum_c t_c log p_c}. */
  public static NDArray crossEntropy(NDArray logits, NDArray targets) {
    return logits.logSoftmax(1).mul(targets).sum(new int[] {1}).neg();
  }

  /** Mean cross-entropy against target distributions. */
  public static NDArray meanCrossEntropy(NDArray logits, NDArray targets) {
    return crossEntropy(logits, targets).mean();
  }

  /**
   * KL(uniform || p(.|x)) per sample: {@code sum_c (1/C) (log(1/C) - log p_c)} (FAMR's forgetting
   * objective: zero exactly when the prediction is uniform).
   */
  public static NDArray klUniform(NDArray logits) {
    long classes = logits.getShape().get(1);
    float logC = (float) Math.log(classes);
    return logits.logSoftmax(1).mean(new int[] {1}).neg().sub(logC);
  }

  /**
   * KL(u_S || p(.|x)) per sample, where u_S is uniform over the classes with {@code mask[c] = 1}:
   * {@code -log|S| - mean_{c in S} log p_c}.
   */
  public static NDArray klUniformOver(NDArray logits, NDArray mask) {
    float size = mask.sum().getFloat();
    return logits
        .logSoftmax(1)
        .mul(mask)
        .sum(new int[] {1})
        .div(size)
        .neg()
        .sub((float) Math.log(size));
  }

  /** KL(p || q) per sample for logits of p (teacher) and q (student). */
  public static NDArray kl(NDArray teacherLogits, NDArray studentLogits) {
    NDArray logP = teacherLogits.logSoftmax(1);
    NDArray logQ = studentLogits.logSoftmax(1);
    return logP.exp().mul(logP.sub(logQ)).sum(new int[] {1});
  }
}
