package io.lethe.processor.engine.model;

import java.util.stream.IntStream;

/** Small dense double-precision linear algebra for the closed-form linear setting. */
public final class LinearAlgebra {

  private LinearAlgebra() {}

  /** {@code A A^T} for a row-major (n x d) matrix given as rows. */
  public static double[][] gram(double[][] a) {
    int n = a.length;
    double[][] g = new double[n][n];
    IntStream.range(0, n)
        .parallel()
        .forEach(
            i -> {
              double[] ai = a[i];
              for (int j = 0; j <= i; j++) {
                double[] aj = a[j];
                double s = 0;
                for (int k = 0; k < ai.length; k++) {
                  s += ai[k] * aj[k];
                }
                g[i][j] = s;
              }
            });
    for (int i = 0; i < n; i++) {
      for (int j = i + 1; j < n; j++) {
        g[i][j] = g[j][i];
      }
    }
    return g;
  }

  /**
   * Solves {@code G X = B} for a symmetric positive-definite G by Cholesky; B is (n x m), returned
   * as a new (n x m) matrix.
   *
   * @throws IllegalStateException when G is not (numerically) positive definite
   */
  public static double[][] solveSpd(double[][] g, double[][] b) {
    int n = g.length;
    double[][] l = new double[n][];
    for (int i = 0; i < n; i++) {
      l[i] = new double[i + 1];
      for (int j = 0; j <= i; j++) {
        double s = g[i][j];
        double[] li = l[i];
        double[] lj = l[j];
        for (int k = 0; k < j; k++) {
          s -= li[k] * lj[k];
        }
        if (i == j) {
          if (!(s > 0)) {
            throw new IllegalStateException(
                "matrix is not positive definite (pivot " + s + " at " + i + ")");
          }
          li[i] = Math.sqrt(s);
        } else {
          li[j] = s / lj[j];
        }
      }
    }
    int m = b[0].length;
    double[][] x = new double[n][m];
    for (int c = 0; c < m; c++) {
      double[] y = new double[n];
      for (int i = 0; i < n; i++) {
        double s = b[i][c];
        for (int k = 0; k < i; k++) {
          s -= l[i][k] * y[k];
        }
        y[i] = s / l[i][i];
      }
      for (int i = n - 1; i >= 0; i--) {
        double s = y[i];
        for (int k = i + 1; k < n; k++) {
          s -= l[k][i] * x[k][c];
        }
        x[i][c] = s / l[i][i];
      }
    }
    return x;
  }

  /** {@code A W^T} where A is (n x d) rows and W is (m x d) row-major: result (n x m). */
  public static double[][] multiplyTransposed(double[][] a, double[][] w) {
    double[][] out = new double[a.length][w.length];
    IntStream.range(0, a.length)
        .parallel()
        .forEach(
            i -> {
              for (int j = 0; j < w.length; j++) {
                double s = 0;
                for (int k = 0; k < a[i].length; k++) {
                  s += a[i][k] * w[j][k];
                }
                out[i][j] = s;
              }
            });
    return out;
  }

  /**
   * The minimum-norm change of a linear map {@code W} (m x d, row-major rows) that makes {@code A
   * W^T = Y} exact: {@code W + ((A^+ (Y - A W^T)))^T}, i.e. the limit of gradient descent on the
   * squared loss started at W when A (n x d, n < d) has full row rank.
   */
  public static double[][] minNormInterpolation(double[][] a, double[][] y, double[][] w) {
    double[][] residual = multiplyTransposed(a, w);
    for (int i = 0; i < residual.length; i++) {
      for (int j = 0; j < residual[i].length; j++) {
        residual[i][j] = y[i][j] - residual[i][j];
      }
    }
    double[][] alpha = solveSpd(gram(a), residual); // n x m
    int m = w.length;
    int d = w[0].length;
    double[][] out = new double[m][];
    for (int j = 0; j < m; j++) {
      out[j] = w[j].clone();
    }
    IntStream.range(0, m)
        .parallel()
        .forEach(
            j -> {
              double[] row = out[j];
              for (int i = 0; i < a.length; i++) {
                double coef = alpha[i][j];
                double[] ai = a[i];
                for (int k = 0; k < d; k++) {
                  row[k] += coef * ai[k];
                }
              }
            });
    return out;
  }
}
