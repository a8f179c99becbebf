package io.lethe.processor.engine.data;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Which samples each data subject owns: the lineage the data defines. Subject ids are the user's
 * strings.
 *
 * <p>Compact for a million rows: each distinct subject string is held once, and the mapping is four
 * primitive arrays (sample ids sorted with the subject of each, and the samples grouped by
 * subject), about 20 bytes per sample; no object per row.
 */
public final class SubjectIndex {

  private static final SubjectIndex EMPTY =
      new SubjectIndex(new String[0], new int[] {0}, new long[0], new long[0], new int[0]);

  /** Distinct subjects, sorted. */
  private final String[] subjects;

  /** {@code samples[start[s] .. start[s+1])} are the samples of {@code subjects[s]}, ascending. */
  private final int[] start;

  private final long[] samples;

  /** All sample ids ascending, and the subject (index into {@code subjects}) of each. */
  private final long[] sortedIds;

  private final int[] subjectOfSorted;

  private SubjectIndex(
      String[] subjects, int[] start, long[] samples, long[] sortedIds, int[] subjectOfSorted) {
    this.subjects = subjects;
    this.start = start;
    this.samples = samples;
    this.sortedIds = sortedIds;
    this.subjectOfSorted = subjectOfSorted;
  }

  /** No subjects at all. */
  public static SubjectIndex empty() {
    return EMPTY;
  }

  /**
   * The index of {@code subjects[i]} owning {@code sampleIds[i]}.
   *
   * @throws IllegalArgumentException if the arrays differ in length, a subject is null or empty, or
   *     a sample id repeats
   */
  public static SubjectIndex of(long[] sampleIds, String[] subjects) {
    if (sampleIds.length != subjects.length) {
      throw new IllegalArgumentException(
          sampleIds.length + " sample ids but " + subjects.length + " subjects");
    }
    Interner names = new Interner();
    int[] codes = new int[subjects.length];
    for (int i = 0; i < subjects.length; i++) {
      if (subjects[i] == null || subjects[i].isEmpty()) {
        throw new IllegalArgumentException("sample " + sampleIds[i] + " has no subject");
      }
      codes[i] = names.code(subjects[i]);
    }
    return ofCodes(sampleIds, codes, names.names());
  }

  /**
   * The index of subject {@code names.get(codes[i])} owning {@code sampleIds[i]}; rows with code -1
   * have no subject and are left out. The loader's path: the strings are interned already.
   */
  static SubjectIndex ofCodes(long[] sampleIds, int[] codes, List<String> names) {
    // Sort the subject names and renumber the codes by rank.
    Integer[] byName = new Integer[names.size()];
    Arrays.setAll(byName, i -> i);
    Arrays.sort(byName, (a, b) -> names.get(a).compareTo(names.get(b)));
    int[] rank = new int[names.size()];
    String[] sorted = new String[names.size()];
    for (int r = 0; r < byName.length; r++) {
      rank[byName[r]] = r;
      sorted[r] = names.get(byName[r]);
    }
    int n = 0;
    for (int c : codes) {
      if (c >= 0) {
        n++;
      }
    }
    long[] ids = new long[n];
    int[] subjectOf = new int[n];
    int k = 0;
    for (int i = 0; i < codes.length; i++) {
      if (codes[i] >= 0) {
        ids[k] = sampleIds[i];
        subjectOf[k] = rank[codes[i]];
        k++;
      }
    }
    sortByKey(ids, subjectOf);
    for (int i = 1; i < n; i++) {
      if (ids[i] == ids[i - 1]) {
        throw new IllegalArgumentException("sample id " + ids[i] + " repeats");
      }
    }
    return build(sorted, ids, subjectOf);
  }

  /** From ids already ascending with their subject ranks; drops subjects that own nothing. */
  private static SubjectIndex build(String[] names, long[] ids, int[] subjectOf) {
    int[] count = new int[names.length];
    for (int s : subjectOf) {
      count[s]++;
    }
    // Renumber to leave out subjects without samples (after restrictTo, or unused manifest names).
    int[] renumber = new int[names.length];
    int kept = 0;
    for (int s = 0; s < names.length; s++) {
      renumber[s] = count[s] > 0 ? kept++ : -1;
    }
    String[] keptNames = new String[kept];
    int[] start = new int[kept + 1];
    for (int s = 0; s < names.length; s++) {
      if (renumber[s] >= 0) {
        keptNames[renumber[s]] = names[s];
        start[renumber[s] + 1] = count[s];
      }
    }
    for (int s = 0; s < kept; s++) {
      start[s + 1] += start[s];
    }
    int[] fill = Arrays.copyOf(start, kept);
    long[] samples = new long[ids.length];
    int[] subjectOfSorted = new int[ids.length];
    for (int i = 0; i < ids.length; i++) {
      int s = renumber[subjectOf[i]];
      subjectOfSorted[i] = s;
      samples[fill[s]++] = ids[i];
    }
    return new SubjectIndex(keptNames, start, samples, ids, subjectOfSorted);
  }

  /** The subjects, sorted (a fresh list). */
  public List<String> subjects() {
    return List.of(subjects);
  }

  /** The sample ids {@code subject} owns, ascending; empty for an unknown subject. */
  public long[] samplesOf(String subject) {
    int s = subject == null ? -1 : Arrays.binarySearch(subjects, subject);
    return s < 0 ? new long[0] : Arrays.copyOfRange(samples, start[s], start[s + 1]);
  }

  /** The subject owning {@code sampleId}, if any. */
  public Optional<String> subjectOf(long sampleId) {
    int i = Arrays.binarySearch(sortedIds, sampleId);
    return i < 0 ? Optional.empty() : Optional.of(subjects[subjectOfSorted[i]]);
  }

  public boolean contains(String subject) {
    return subject != null && Arrays.binarySearch(subjects, subject) >= 0;
  }

  /** The number of subjects. */
  public int size() {
    return subjects.length;
  }

  /** The number of samples that have a subject. */
  public int sampleCount() {
    return sortedIds.length;
  }

  /** The same mapping over only the samples in {@code ids}; subjects left with none are dropped. */
  public SubjectIndex restrictTo(Set<Long> ids) {
    int n = 0;
    for (long id : sortedIds) {
      if (ids.contains(id)) {
        n++;
      }
    }
    long[] keptIds = new long[n];
    int[] keptSubjects = new int[n];
    int k = 0;
    for (int i = 0; i < sortedIds.length; i++) {
      if (ids.contains(sortedIds[i])) {
        keptIds[k] = sortedIds[i];
        keptSubjects[k] = subjectOfSorted[i];
        k++;
      }
    }
    return build(subjects, keptIds, keptSubjects);
  }

  /** Bytes held by the index's arrays (not the subject strings), for memory reports. */
  public long arrayBytes() {
    return 8L * samples.length
        + 8L * sortedIds.length
        + 4L * subjectOfSorted.length
        + 4L * start.length;
  }

  @Override
  public String toString() {
    return "SubjectIndex[" + subjects.length + " subjects, " + sortedIds.length + " samples]";
  }

  /**
   * Sorts {@code keys} ascending and permutes {@code values} alongside, without boxing: a bottom-up
   * merge sort on the two primitive arrays. Ids usually arrive sorted, which costs one pass.
   */
  static void sortByKey(long[] keys, int[] values) {
    int n = keys.length;
    boolean sorted = true;
    for (int i = 1; i < n && sorted; i++) {
      sorted = keys[i - 1] <= keys[i];
    }
    if (sorted) {
      return;
    }
    long[] k1 = keys;
    int[] v1 = values;
    long[] k2 = new long[n];
    int[] v2 = new int[n];
    for (int width = 1; width < n; width *= 2) {
      for (int lo = 0; lo < n; lo += 2 * width) {
        int mid = Math.min(lo + width, n);
        int hi = Math.min(lo + 2 * width, n);
        int a = lo;
        int b = mid;
        for (int o = lo; o < hi; o++) {
          if (a < mid && (b >= hi || k1[a] <= k1[b])) {
            k2[o] = k1[a];
            v2[o] = v1[a++];
          } else {
            k2[o] = k1[b];
            v2[o] = v1[b++];
          }
        }
      }
      long[] tk = k1;
      k1 = k2;
      k2 = tk;
      int[] tv = v1;
      v1 = v2;
      v2 = tv;
    }
    if (k1 != keys) {
      System.arraycopy(k1, 0, keys, 0, n);
      System.arraycopy(v1, 0, values, 0, n);
    }
  }
}
