package io.lethe.processor.engine.data;

import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;
import java.util.function.IntPredicate;

/**
 * An immutable labelled dataset: per sample a {@link SampleShape} of float features, an int label
 * in {@code [0, numClasses)} and a stable long sample id.
 *
 * <p>Compact on purpose: the features of all samples live in one flat {@code float[]} (a table of
 * 1,000,000 rows x 32 features is 128 MB, no object per row), and every subset (train/test, the
 * retain set, a sample of it) is a view that shares those arrays and holds only an {@code int[]} of
 * row positions. Nothing here ever copies feature values except {@link #concat} of two datasets
 * read separately.
 */
public final class Dataset {

  private final float[] values;
  private final int[] labels;
  private final long[] ids;

  /** Positions of this view's samples in the base arrays; {@code null} means all, in order. */
  private final int[] rows;

  private final SampleShape shape;
  private final int numClasses;
  private final int size;

  private Dataset(
      float[] values, int[] labels, long[] ids, int[] rows, SampleShape shape, int numClasses) {
    this.values = values;
    this.labels = labels;
    this.ids = ids;
    this.rows = rows;
    this.shape = shape;
    this.numClasses = numClasses;
    this.size = rows == null ? labels.length : rows.length;
  }

  /**
   * A dataset over the given arrays (they are not copied: the caller hands them over).
   *
   * @param values row-major features, {@code labels.length * shape.size()} values
   * @param labels class labels in {@code [0, numClasses)}
   * @param ids stable sample ids
   * @param numClasses the number of classes of the task (not only those present here)
   */
  public static Dataset of(
      float[] values, int[] labels, long[] ids, SampleShape shape, int numClasses) {
    Objects.requireNonNull(values, "values");
    Objects.requireNonNull(labels, "labels");
    Objects.requireNonNull(ids, "ids");
    Objects.requireNonNull(shape, "shape");
    if (labels.length != ids.length) {
      throw new IllegalArgumentException(
          "labels and ids differ in length: " + labels.length + ", " + ids.length);
    }
    if ((long) labels.length * shape.size() != values.length) {
      throw new IllegalArgumentException(
          values.length
              + " feature values do not fill "
              + labels.length
              + " samples of shape "
              + shape);
    }
    if (numClasses < 1) {
      throw new IllegalArgumentException("numClasses must be >= 1, got " + numClasses);
    }
    for (int i = 0; i < labels.length; i++) {
      if (labels[i] < 0 || labels[i] >= numClasses) {
        throw new IllegalArgumentException(
            "label " + labels[i] + " of sample " + i + " outside [0, " + numClasses + ")");
      }
    }
    return new Dataset(values, labels, ids, null, shape, numClasses);
  }

  /** A dataset of explicit rows (each {@code shape.size()} values); copies them. For small sets. */
  public static Dataset ofRows(
      float[][] rows, int[] labels, long[] ids, SampleShape shape, int numClasses) {
    int width = shape.size();
    float[] flat = new float[Math.multiplyExact(rows.length, width)];
    for (int i = 0; i < rows.length; i++) {
      if (rows[i].length != width) {
        throw new IllegalArgumentException(
            "sample " + i + " has " + rows[i].length + " values, expected " + width);
      }
      System.arraycopy(rows[i], 0, flat, i * width, width);
    }
    return of(flat, labels, ids, shape, numClasses);
  }

  private int base(int i) {
    if (i < 0 || i >= size) {
      throw new IndexOutOfBoundsException("sample " + i + " of " + size);
    }
    return rows == null ? i : rows[i];
  }

  public int size() {
    return size;
  }

  public boolean isEmpty() {
    return size == 0;
  }

  public SampleShape shape() {
    return shape;
  }

  /** Number of values per sample. */
  public int featureSize() {
    return shape.size();
  }

  public int numClasses() {
    return numClasses;
  }

  /** A copy of the features of sample {@code i}. */
  public float[] features(int i) {
    float[] out = new float[featureSize()];
    copyFeatures(i, out, 0);
    return out;
  }

  /** Copies the features of sample {@code i} into {@code dst} at {@code offset}. */
  public void copyFeatures(int i, float[] dst, int offset) {
    int width = featureSize();
    System.arraycopy(values, base(i) * width, dst, offset, width);
  }

  /** Feature {@code j} of sample {@code i}. */
  public float feature(int i, int j) {
    return values[base(i) * featureSize() + j];
  }

  public int label(int i) {
    return labels[base(i)];
  }

  public long id(int i) {
    return ids[base(i)];
  }

  /** A copy of all labels in order. */
  public int[] labels() {
    int[] out = new int[size];
    for (int i = 0; i < size; i++) {
      out[i] = label(i);
    }
    return out;
  }

  /** A copy of all sample ids in order. */
  public long[] ids() {
    long[] out = new long[size];
    for (int i = 0; i < size; i++) {
      out[i] = id(i);
    }
    return out;
  }

  /** The samples at the given positions, in that order (a view: no feature is copied). */
  public Dataset subset(int[] indices) {
    int[] base = new int[indices.length];
    for (int k = 0; k < indices.length; k++) {
      base[k] = base(indices[k]);
    }
    return new Dataset(values, labels, ids, base, shape, numClasses);
  }

  /** The samples at positions {@code [from, to)}. */
  public Dataset subset(int from, int to) {
    int[] idx = new int[to - from];
    Arrays.setAll(idx, k -> from + k);
    return subset(idx);
  }

  /** The samples whose position satisfies the predicate. */
  public Dataset filterIndices(IntPredicate keep) {
    int[] kept = new int[size];
    int n = 0;
    for (int i = 0; i < size; i++) {
      if (keep.test(i)) {
        kept[n++] = i;
      }
    }
    return subset(Arrays.copyOf(kept, n));
  }

  /** Every sample except those whose id is in {@code removed}. */
  public Dataset withoutIds(Set<Long> removed) {
    return removed.isEmpty() ? this : filterIndices(i -> !removed.contains(id(i)));
  }

  /** Only the samples whose id is in {@code kept}, in dataset order. */
  public Dataset onlyIds(Collection<Long> kept) {
    Set<Long> set = kept instanceof Set<?> ? (Set<Long>) kept : new HashSet<>(kept);
    return filterIndices(i -> set.contains(id(i)));
  }

  /** Only the samples whose label is in {@code classes}. */
  public Dataset withLabels(Set<Integer> classes) {
    return filterIndices(i -> classes.contains(label(i)));
  }

  /** Every sample whose label is not in {@code classes}. */
  public Dataset withoutLabels(Set<Integer> classes) {
    return classes.isEmpty() ? this : filterIndices(i -> !classes.contains(label(i)));
  }

  /**
   * The union of this dataset and {@code other} (same shape), this one's samples first. Two views
   * of the same base stay a view; otherwise the samples are copied.
   */
  public Dataset concat(Dataset other) {
    if (!other.shape.equals(shape)) {
      throw new IllegalArgumentException(
          "cannot concatenate datasets of sample shapes " + shape + " and " + other.shape);
    }
    int classes = Math.max(numClasses, other.numClasses);
    if (other.values == values) {
      int[] both = new int[size + other.size];
      for (int i = 0; i < size; i++) {
        both[i] = base(i);
      }
      for (int i = 0; i < other.size; i++) {
        both[size + i] = other.base(i);
      }
      return new Dataset(values, labels, ids, both, shape, classes);
    }
    int width = featureSize();
    int n = size + other.size;
    float[] f = new float[Math.multiplyExact(n, width)];
    int[] l = new int[n];
    long[] d = new long[n];
    for (int i = 0; i < n; i++) {
      Dataset from = i < size ? this : other;
      int k = i < size ? i : i - size;
      from.copyFeatures(k, f, i * width);
      l[i] = from.label(k);
      d[i] = from.id(k);
    }
    return new Dataset(f, l, d, null, shape, classes);
  }

  /** The set of sample ids. */
  public Set<Long> idSet() {
    Set<Long> set = new HashSet<>(size * 2);
    for (int i = 0; i < size; i++) {
      set.add(id(i));
    }
    return set;
  }

  /** Number of samples per class, indexed by label. */
  public int[] classCounts() {
    int[] counts = new int[numClasses];
    for (int i = 0; i < size; i++) {
      counts[label(i)]++;
    }
    return counts;
  }

  /** Bytes held by the arrays this dataset shares (features, labels, ids), for memory reports. */
  public long baseBytes() {
    return 4L * values.length + 4L * labels.length + 8L * ids.length;
  }

  @Override
  public String toString() {
    return "Dataset[" + size + " samples, " + shape + ", " + numClasses + " classes]";
  }
}
