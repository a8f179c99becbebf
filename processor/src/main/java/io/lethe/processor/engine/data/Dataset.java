package io.lethe.processor.engine.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.IntPredicate;

/**
 * An immutable labelled image dataset: one flattened {@code float[]} of {@code channels * height *
 * width} values in [0, 1] per sample, an int label and a stable long sample id.
 *
 * <p>The arrays are shared between subsets (they are never mutated), so subsetting is cheap.
 */
public final class Dataset {

  private final float[][] features;
  private final int[] labels;
  private final long[] ids;
  private final int channels;
  private final int height;
  private final int width;
  private final int numClasses;

  /**
   * Creates a dataset.
   *
   * @param features one flattened sample per row, each of length {@code channels*height*width}
   * @param labels class labels in {@code [0, numClasses)}
   * @param ids stable sample ids, unique
   * @param numClasses the number of classes of the task (not only those present here)
   */
  public Dataset(
      float[][] features,
      int[] labels,
      long[] ids,
      int channels,
      int height,
      int width,
      int numClasses) {
    Objects.requireNonNull(features, "features");
    Objects.requireNonNull(labels, "labels");
    Objects.requireNonNull(ids, "ids");
    if (features.length != labels.length || labels.length != ids.length) {
      throw new IllegalArgumentException(
          "features, labels and ids differ in length: "
              + features.length
              + ", "
              + labels.length
              + ", "
              + ids.length);
    }
    if (channels <= 0 || height <= 0 || width <= 0) {
      throw new IllegalArgumentException(
          "bad sample shape " + channels + "x" + height + "x" + width);
    }
    int size = channels * height * width;
    for (int i = 0; i < features.length; i++) {
      if (features[i].length != size) {
        throw new IllegalArgumentException(
            "sample " + i + " has " + features[i].length + " values, expected " + size);
      }
      if (labels[i] < 0 || labels[i] >= numClasses) {
        throw new IllegalArgumentException(
            "label " + labels[i] + " of sample " + i + " outside [0, " + numClasses + ")");
      }
    }
    this.features = features;
    this.labels = labels;
    this.ids = ids;
    this.channels = channels;
    this.height = height;
    this.width = width;
    this.numClasses = numClasses;
  }

  public int size() {
    return labels.length;
  }

  public boolean isEmpty() {
    return labels.length == 0;
  }

  public int channels() {
    return channels;
  }

  public int height() {
    return height;
  }

  public int width() {
    return width;
  }

  /** Number of values per sample: {@code channels * height * width}. */
  public int featureSize() {
    return channels * height * width;
  }

  public int numClasses() {
    return numClasses;
  }

  /** The flattened values of sample {@code i} (shared; do not modify). */
  public float[] features(int i) {
    return features[i];
  }

  public int label(int i) {
    return labels[i];
  }

  public long id(int i) {
    return ids[i];
  }

  /** A copy of all labels in order. */
  public int[] labels() {
    return labels.clone();
  }

  /** A copy of all sample ids in order. */
  public long[] ids() {
    return ids.clone();
  }

  /** The samples at the given positions, in that order. */
  public Dataset subset(int[] indices) {
    float[][] f = new float[indices.length][];
    int[] l = new int[indices.length];
    long[] d = new long[indices.length];
    for (int k = 0; k < indices.length; k++) {
      int i = indices[k];
      f[k] = features[i];
      l[k] = labels[i];
      d[k] = ids[i];
    }
    return new Dataset(f, l, d, channels, height, width, numClasses);
  }

  /** The samples at positions {@code [from, to)}. */
  public Dataset subset(int from, int to) {
    int[] idx = new int[to - from];
    Arrays.setAll(idx, k -> from + k);
    return subset(idx);
  }

  /** The samples whose position satisfies the predicate. */
  public Dataset filterIndices(IntPredicate keep) {
    List<Integer> kept = new ArrayList<>();
    for (int i = 0; i < size(); i++) {
      if (keep.test(i)) {
        kept.add(i);
      }
    }
    return subset(kept.stream().mapToInt(Integer::intValue).toArray());
  }

  /** Every sample except those whose id is in {@code removed}. */
  public Dataset withoutIds(Set<Long> removed) {
    return filterIndices(i -> !removed.contains(ids[i]));
  }

  /** Only the samples whose id is in {@code kept}, in dataset order. */
  public Dataset onlyIds(Collection<Long> kept) {
    Set<Long> set = kept instanceof Set<?> ? (Set<Long>) kept : new HashSet<>(kept);
    return filterIndices(i -> set.contains(ids[i]));
  }

  /** Only the samples whose label is in {@code classes}. */
  public Dataset withLabels(Set<Integer> classes) {
    return filterIndices(i -> classes.contains(labels[i]));
  }

  /** Every sample whose label is not in {@code classes}. */
  public Dataset withoutLabels(Set<Integer> classes) {
    return filterIndices(i -> !classes.contains(labels[i]));
  }

  /** The union of this dataset and {@code other} (same shape), this one's samples first. */
  public Dataset concat(Dataset other) {
    if (other.channels != channels || other.height != height || other.width != width) {
      throw new IllegalArgumentException("cannot concatenate datasets of different sample shapes");
    }
    int n = size() + other.size();
    float[][] f = Arrays.copyOf(features, n);
    int[] l = Arrays.copyOf(labels, n);
    long[] d = Arrays.copyOf(ids, n);
    System.arraycopy(other.features, 0, f, size(), other.size());
    System.arraycopy(other.labels, 0, l, size(), other.size());
    System.arraycopy(other.ids, 0, d, size(), other.size());
    return new Dataset(f, l, d, channels, height, width, Math.max(numClasses, other.numClasses));
  }

  /** The set of sample ids. */
  public Set<Long> idSet() {
    Set<Long> set = new HashSet<>(size() * 2);
    for (long id : ids) {
      set.add(id);
    }
    return set;
  }

  /** Number of samples per class, indexed by label. */
  public int[] classCounts() {
    int[] counts = new int[numClasses];
    for (int label : labels) {
      counts[label]++;
    }
    return counts;
  }

  @Override
  public String toString() {
    return "Dataset["
        + size()
        + " samples, "
        + channels
        + "x"
        + height
        + "x"
        + width
        + ", "
        + numClasses
        + " classes]";
  }
}
