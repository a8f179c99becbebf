package io.lethe.processor.engine.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.lethe.processor.engine.data.Dataset;

/**
 * The one shared evaluation routine: per-sample probabilities, cross-entropy losses and predictions
 * of a model on a dataset, in batches, each batch in its own scope.
 */
public final class Evaluator {

  private static final int BATCH = 500;

  private Evaluator() {}

  /** Per-sample outputs of a model on a dataset. */
  public record Evaluation(
      float[][] probabilities, float[] losses, int[] predictions, int[] labels) {

    public int size() {
      return labels.length;
    }

    /** Fraction of correct predictions; NaN for an empty dataset. */
    public double accuracy() {
      if (labels.length == 0) {
        return Double.NaN;
      }
      int correct = 0;
      for (int i = 0; i < labels.length; i++) {
        if (predictions[i] == labels[i]) {
          correct++;
        }
      }
      return (double) correct / labels.length;
    }

    /** Mean cross-entropy loss. */
    public double meanLoss() {
      double s = 0;
      for (float l : losses) {
        s += l;
      }
      return labels.length == 0 ? Double.NaN : s / labels.length;
    }

    /** Shannon entropy (nats) of each prediction. */
    public double[] entropies() {
      double[] h = new double[probabilities.length];
      for (int i = 0; i < probabilities.length; i++) {
        double s = 0;
        for (float p : probabilities[i]) {
          if (p > 0) {
            s -= p * Math.log(p);
          }
        }
        h[i] = s;
      }
      return h;
    }
  }

  /** Evaluates {@code model} on every sample of {@code data}. */
  public static Evaluation evaluate(ClassifierModel model, Dataset data) {
    int n = data.size();
    int classes = model.numClasses();
    float[][] probs = new float[n][];
    float[] losses = new float[n];
    int[] predictions = new int[n];
    int[] labels = data.labels();
    for (int from = 0; from < n; from += BATCH) {
      int to = Math.min(n, from + BATCH);
      int[] idx = new int[to - from];
      for (int k = 0; k < idx.length; k++) {
        idx[k] = from + k;
      }
      float[] logProbs;
      try (NDManager scope = model.manager().newSubManager()) {
        NDArray logits = model.logits(model.batch(scope, data, idx));
        logProbs = logits.logSoftmax(1).toFloatArray();
      }
      for (int k = 0; k < idx.length; k++) {
        int i = from + k;
        float[] p = new float[classes];
        int best = 0;
        for (int c = 0; c < classes; c++) {
          p[c] = (float) Math.exp(logProbs[k * classes + c]);
          if (logProbs[k * classes + c] > logProbs[k * classes + best]) {
            best = c;
          }
        }
        probs[i] = p;
        predictions[i] = best;
        losses[i] = -logProbs[k * classes + labels[i]];
      }
    }
    return new Evaluation(probs, losses, predictions, labels);
  }

  /** Accuracy of {@code model} on {@code data} (NaN when empty). */
  public static double accuracy(ClassifierModel model, Dataset data) {
    return evaluate(model, data).accuracy();
  }
}
