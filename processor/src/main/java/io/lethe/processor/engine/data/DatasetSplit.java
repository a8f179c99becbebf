package io.lethe.processor.engine.data;

import java.util.Random;

/**
 * A deterministic train / validation / test split of a dataset: the positions are shuffled with
 * {@code new Random(seed)} and cut by the given fractions. The same dataset and seed always give
 * the same split.
 */
public final class DatasetSplit {

  private final Dataset train;
  private final Dataset validation;
  private final Dataset test;
  private final long seed;

  private DatasetSplit(Dataset train, Dataset validation, Dataset test, long seed) {
    this.train = train;
    this.validation = validation;
    this.test = test;
    this.seed = seed;
  }

  /** The default split: 70 % train, 10 % validation, 20 % test. */
  public static DatasetSplit of(Dataset data, long seed) {
    return of(data, 0.1, 0.2, seed);
  }

  /** A split with the given validation and test fractions; the rest is training data. */
  public static DatasetSplit of(
      Dataset data, double validationFraction, double testFraction, long seed) {
    if (validationFraction < 0 || testFraction < 0 || validationFraction + testFraction >= 1) {
      throw new IllegalArgumentException(
          "bad fractions: validation=" + validationFraction + " test=" + testFraction);
    }
    int n = data.size();
    int[] order = shuffledIndices(n, seed);
    int nTest = (int) Math.round(n * testFraction);
    int nVal = (int) Math.round(n * validationFraction);
    int[] testIdx = java.util.Arrays.copyOfRange(order, 0, nTest);
    int[] valIdx = java.util.Arrays.copyOfRange(order, nTest, nTest + nVal);
    int[] trainIdx = java.util.Arrays.copyOfRange(order, nTest + nVal, n);
    java.util.Arrays.sort(testIdx);
    java.util.Arrays.sort(valIdx);
    java.util.Arrays.sort(trainIdx);
    return new DatasetSplit(data.subset(trainIdx), data.subset(valIdx), data.subset(testIdx), seed);
  }

  /** A Fisher-Yates permutation of {@code 0..n-1} driven by {@code new Random(seed)}. */
  public static int[] shuffledIndices(int n, long seed) {
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    Random random = new Random(seed);
    for (int i = n - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    return order;
  }

  public Dataset train() {
    return train;
  }

  public Dataset validation() {
    return validation;
  }

  public Dataset test() {
    return test;
  }

  public long seed() {
    return seed;
  }
}
