package io.lethe.processor.engine.verify;

import io.lethe.processor.engine.data.DatasetSplit;
import io.lethe.processor.engine.model.Evaluator.Evaluation;

/**
 * A membership-inference attack: logistic regression on each sample's (cross-entropy loss,
 * prediction entropy) that tries to tell the forget samples ("members") from unseen test samples.
 * The two sets are balanced by subsampling the larger one, the attack is trained and scored by
 * k-fold cross-validation, and the reported number is its mean held-out accuracy: 0.5 means it
 * cannot tell them apart; 1.0 that it always can.
 */
public final class MembershipInference {

  private static final int FOLDS = 5;
  private static final int ITERATIONS = 300;

  private MembershipInference() {}

  /** Attack accuracy of forget vs test evaluations of one model. */
  public static double attack(Evaluation forget, Evaluation test, long seed) {
    return attack(features(forget), features(test), seed);
  }

  /** The attack features of an evaluation: loss and entropy per sample. */
  public static double[][] features(Evaluation evaluation) {
    double[] entropy = evaluation.entropies();
    double[][] x = new double[evaluation.size()][];
    for (int i = 0; i < x.length; i++) {
      x[i] = new double[] {evaluation.losses()[i], entropy[i]};
    }
    return x;
  }

  /**
   * Attack accuracy on explicit feature rows of members and non-members; NaN when either side has
   * fewer than 2 samples.
   */
  public static double attack(double[][] members, double[][] nonMembers, long seed) {
    int n = Math.min(members.length, nonMembers.length);
    if (n < 2) {
      return Double.NaN;
    }
    double[][] a = sample(members, n, seed);
    double[][] b = sample(nonMembers, n, seed + 1);
    int total = 2 * n;
    double[][] x = new double[total][];
    int[] y = new int[total];
    for (int i = 0; i < n; i++) {
      x[i] = a[i];
      y[i] = 1;
      x[n + i] = b[i];
    }
    int[] order = DatasetSplit.shuffledIndices(total, seed + 2);
    int folds = Math.min(FOLDS, n);
    long correct = 0;
    for (int f = 0; f < folds; f++) {
      int from = (int) ((long) total * f / folds);
      int to = (int) ((long) total * (f + 1) / folds);
      double[][] trainX = new double[total - (to - from)][];
      int[] trainY = new int[trainX.length];
      int k = 0;
      for (int i = 0; i < total; i++) {
        if (i < from || i >= to) {
          trainX[k] = x[order[i]];
          trainY[k++] = y[order[i]];
        }
      }
      LogisticRegression model = LogisticRegression.fit(trainX, trainY, ITERATIONS);
      for (int i = from; i < to; i++) {
        if (model.predict(x[order[i]]) == y[order[i]]) {
          correct++;
        }
      }
    }
    return (double) correct / total;
  }

  private static double[][] sample(double[][] rows, int n, long seed) {
    if (rows.length == n) {
      return rows;
    }
    int[] order = DatasetSplit.shuffledIndices(rows.length, seed);
    double[][] out = new double[n][];
    for (int i = 0; i < n; i++) {
      out[i] = rows[order[i]];
    }
    return out;
  }

  /** Binary logistic regression on standardized features, fitted by Newton's method. */
  static final class LogisticRegression {
    private final double[] mean;
    private final double[] scale;
    private final double[] w; // bias last

    private LogisticRegression(double[] mean, double[] scale, double[] w) {
      this.mean = mean;
      this.scale = scale;
      this.w = w;
    }

    static LogisticRegression fit(double[][] x, int[] y, int iterations) {
      int d = x[0].length;
      double[] mean = new double[d];
      double[] scale = new double[d];
      for (double[] row : x) {
        for (int j = 0; j < d; j++) {
          mean[j] += row[j] / x.length;
        }
      }
      for (double[] row : x) {
        for (int j = 0; j < d; j++) {
          scale[j] += (row[j] - mean[j]) * (row[j] - mean[j]) / x.length;
        }
      }
      for (int j = 0; j < d; j++) {
        scale[j] = scale[j] > 1e-24 ? Math.sqrt(scale[j]) : 1;
      }
      int p = d + 1;
      double[] w = new double[p];
      double ridge = 1e-4;
      for (int it = 0; it < iterations; it++) {
        double[] grad = new double[p];
        double[][] hess = new double[p][p];
        for (int i = 0; i < x.length; i++) {
          double[] z = standardize(x[i], mean, scale);
          double s = sigmoid(dot(w, z));
          for (int a = 0; a < p; a++) {
            grad[a] += (s - y[i]) * z[a];
            for (int b = 0; b < p; b++) {
              hess[a][b] += s * (1 - s) * z[a] * z[b];
            }
          }
        }
        for (int a = 0; a < p; a++) {
          grad[a] += ridge * w[a];
          hess[a][a] += ridge + 1e-9;
        }
        double[] step = solve(hess, grad);
        double change = 0;
        for (int a = 0; a < p; a++) {
          w[a] -= step[a];
          change += Math.abs(step[a]);
        }
        if (change < 1e-10) {
          break;
        }
      }
      return new LogisticRegression(mean, scale, w);
    }

    int predict(double[] row) {
      return dot(w, standardize(row, mean, scale)) > 0 ? 1 : 0;
    }

    private static double[] standardize(double[] row, double[] mean, double[] scale) {
      double[] z = new double[row.length + 1];
      for (int j = 0; j < row.length; j++) {
        z[j] = (row[j] - mean[j]) / scale[j];
      }
      z[row.length] = 1;
      return z;
    }

    private static double dot(double[] a, double[] b) {
      double s = 0;
      for (int i = 0; i < a.length; i++) {
        s += a[i] * b[i];
      }
      return s;
    }

    private static double sigmoid(double v) {
      return v >= 0 ? 1 / (1 + Math.exp(-v)) : Math.exp(v) / (1 + Math.exp(v));
    }

    private static double[] solve(double[][] a, double[] b) {
      int n = b.length;
      double[][] m = new double[n][n + 1];
      for (int i = 0; i < n; i++) {
        System.arraycopy(a[i], 0, m[i], 0, n);
        m[i][n] = b[i];
      }
      for (int c = 0; c < n; c++) {
        int pivot = c;
        for (int r = c + 1; r < n; r++) {
          if (Math.abs(m[r][c]) > Math.abs(m[pivot][c])) {
            pivot = r;
          }
        }
        double[] t = m[c];
        m[c] = m[pivot];
        m[pivot] = t;
        if (Math.abs(m[c][c]) < 1e-300) {
          return new double[n];
        }
        for (int r = 0; r < n; r++) {
          if (r != c) {
            double f = m[r][c] / m[c][c];
            for (int k = c; k <= n; k++) {
              m[r][k] -= f * m[c][k];
            }
          }
        }
      }
      double[] x = new double[n];
      for (int i = 0; i < n; i++) {
        x[i] = m[i][n] / m[i][i];
      }
      return x;
    }
  }
}
