package io.lethe.processor.engine.verify;

import io.lethe.processor.engine.model.Evaluator.Evaluation;
import java.util.List;

/**
 * A per-example membership test in the manner of LiRA (Carlini et al. 2022) as Hayes et al. (2024,
 * "Inexact unlearning needs more careful evaluations") use it for unlearning: reference models
 * trained without the forget samples give each sample's expected logit-scaled confidence {@code phi
 * = log(p / (1 - p))} on its true label under "not trained on it"; a model's score on a sample is
 * the z-score of its {@code phi} against that distribution. A population attack averages the forget
 * set into one number, which a handful of samples cannot move; this test looks at each.
 *
 * <p>With a small pool the per-sample variance is poorly estimated, so the variance is pooled over
 * the forget set (LiRA's "global variance", the better choice below 64 reference models), and the
 * z-score allows for the error of the per-sample mean ({@code sigma * sqrt(1 + 1/K)}).
 *
 * <p>A sample is flagged when {@code |z| > }{@link #THRESHOLD}: more confident than an unseen
 * sample (remembered) or less (an over-forgetting that also gives it away). The test's power is the
 * same test on the parent, which was trained on every forget sample: the fraction it flags there. A
 * sample the parent does not stand out on carries no evidence either way.
 */
public final class PerExampleMembership {

  /** Forget sets below this size get the per-example test (larger ones: the population checks). */
  public static final int APPLIES_BELOW = 100;

  /** |z| above which a sample is flagged (two-sided, about 1.2 % of unseen samples if normal). */
  static final double THRESHOLD = 2.5;

  /**
   * False-flag rate the allowance assumes: twice the normal tail at {@link #THRESHOLD}, for the
   * heavier tails of an estimated variance.
   */
  static final double FALSE_FLAG_RATE = 0.025;

  /** Lowest pooled standard deviation of phi: models that all saturate would give a zero. */
  static final double MIN_SIGMA = 0.25;

  /** Phi is computed from losses floored here (float softmax saturates near p = 1). */
  private static final double MIN_LOSS = 1e-7;

  private PerExampleMembership() {}

  /**
   * Scores a model and its parent on the forget set against reference models.
   *
   * @param references evaluations of the reference models on the forget set (at least 2)
   * @param parent the parent's evaluation on the forget set (trained on every sample of it)
   * @param model the evaluated model's evaluation on the forget set
   */
  public static PerExampleEvidence score(
      List<Evaluation> references, Evaluation parent, Evaluation model) {
    int k = references.size();
    int n = model.size();
    if (k < 2) {
      throw new IllegalArgumentException("the per-example test needs 2 reference models, got " + k);
    }
    if (parent.size() != n || references.stream().anyMatch(r -> r.size() != n)) {
      throw new IllegalArgumentException("evaluations of different forget sets");
    }
    if (n == 0) {
      throw new IllegalArgumentException("empty forget set");
    }
    double[] mean = new double[n];
    double squares = 0;
    for (int i = 0; i < n; i++) {
      double s = 0;
      for (Evaluation r : references) {
        s += phi(r.losses()[i]);
      }
      mean[i] = s / k;
      for (Evaluation r : references) {
        double d = phi(r.losses()[i]) - mean[i];
        squares += d * d;
      }
    }
    double sigma = Math.max(MIN_SIGMA, Math.sqrt(squares / ((double) n * (k - 1))));
    double scale = sigma * Math.sqrt(1 + 1.0 / k);
    double sum = 0;
    double worst = 0;
    int flagged = 0;
    int flaggedOnParent = 0;
    for (int i = 0; i < n; i++) {
      double z = (phi(model.losses()[i]) - mean[i]) / scale;
      double zParent = (phi(parent.losses()[i]) - mean[i]) / scale;
      sum += z;
      if (Math.abs(z) > Math.abs(worst)) {
        worst = z;
      }
      if (Math.abs(z) > THRESHOLD) {
        flagged++;
      }
      if (Math.abs(zParent) > THRESHOLD) {
        flaggedOnParent++;
      }
    }
    return new PerExampleEvidence(
        n, k, sum / n, worst, flagged, flaggedOnParent, allowedFlags(n), sigma);
  }

  /**
   * How many of {@code n} unseen samples may be flagged by chance: the expected false flags plus 3
   * standard errors, rounded down (0 below 4 samples: there one flag fails).
   */
  static int allowedFlags(int n) {
    double a = FALSE_FLAG_RATE;
    return (int) Math.floor(a * n + VerificationPolicy.Z * Math.sqrt(a * (1 - a) * n));
  }

  /** Logit-scaled confidence on the true label, from the cross-entropy loss {@code -log p}. */
  static double phi(float loss) {
    double l = Math.max(MIN_LOSS, loss);
    // log p - log(1 - p) with p = exp(-l); expm1 keeps 1 - p exact for small losses.
    return -l - Math.log(-Math.expm1(-l));
  }
}
