package io.lethe.processor.engine.calibrate;

import io.lethe.processor.engine.data.Dataset;
import io.lethe.processor.engine.data.DatasetSplit;
import io.lethe.processor.engine.data.SubjectIndex;
import io.lethe.processor.engine.method.ForgetScope;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;

/**
 * Draws the simulated deletions out of T, seeded: for CLASS {@link #CLASS_SETS} classes with enough
 * rows in T and in H; for SAMPLES a random {@link #FRACTION} of T and {@link #SMALL_SETS} small
 * subjects, disjoint (or, where the data has no subject owning several rows, small random sets of
 * {@link #SMALL_MIN} to {@link #SMALL_MAX} rows).
 */
final class DeletionDraw {

  static final double FRACTION = 0.10;
  static final int CLASS_SETS = 2;
  static final int SMALL_SETS = 2;
  static final int SMALL_MIN = 5;
  static final int SMALL_MAX = 20;

  /** A subject counts as small up to this many rows of T (the per-example test's range). */
  static final int SUBJECT_MAX = 50;

  /** A class qualifies with at least this many rows in T and a fifth of it in H. */
  static final int CLASS_MIN_ROWS = 20;

  private DeletionDraw() {}

  /**
   * Up to {@link #CLASS_SETS} class deletions of distinct classes with enough rows; empty when no
   * class qualifies (or only one class is present). Two, because one class's figures alone pick
   * settings that suit that class: on MNIST-10k the best point for class 0 cost another class 2
   * points of accuracy.
   */
  static List<Deletion> classDeletions(Dataset rest, Dataset heldOut, long seed) {
    int[] inRest = rest.classCounts();
    int[] inHeld = heldOut.classCounts();
    List<Integer> eligible = new ArrayList<>();
    int present = 0;
    for (int c = 0; c < inRest.length; c++) {
      if (inRest[c] > 0) {
        present++;
      }
      if (inRest[c] >= CLASS_MIN_ROWS && inHeld[c] >= Math.max(1, CLASS_MIN_ROWS / 5)) {
        eligible.add(c);
      }
    }
    if (eligible.isEmpty() || present < 2) {
      return List.of();
    }
    SplittableRandom random = new SplittableRandom(seed ^ 0xC1A55L);
    List<Deletion> out = new ArrayList<>();
    // Keep at least one class besides the forgotten one.
    int sets = Math.min(Math.min(CLASS_SETS, eligible.size()), present - 1);
    for (int k = 0; k < sets; k++) {
      int j = k + random.nextInt(eligible.size() - k);
      int c = eligible.get(j);
      eligible.set(j, eligible.get(k));
      eligible.set(k, c);
      Set<Integer> classes = Set.of(c);
      out.add(
          new Deletion(
              "class " + c,
              ForgetScope.CLASS,
              rest.withLabels(classes),
              rest.withoutLabels(classes),
              classes,
              false));
    }
    return out;
  }

  /** The SAMPLES deletions: the random fraction, then the small sets (disjoint from each other). */
  static List<Deletion> sampleDeletions(Dataset rest, SubjectIndex subjects, long seed) {
    SplittableRandom random = new SplittableRandom(seed ^ 0x5A4DL);
    List<long[]> small = smallSubjects(rest, subjects, random);
    boolean bySubject = !small.isEmpty();
    if (!bySubject) {
      small = smallRandomSets(rest, random);
    }
    int n = (int) Math.round(rest.size() * FRACTION);
    int[] order = DatasetSplit.shuffledIndices(rest.size(), random.nextLong());
    long[] fractionIds = new long[n];
    for (int i = 0; i < n; i++) {
      fractionIds[i] = rest.id(order[i]);
    }
    List<Deletion> out = new ArrayList<>();
    out.add(
        new Deletion(
            String.format(java.util.Locale.ROOT, "random %.0f%%", 100 * FRACTION),
            ForgetScope.SAMPLES,
            rest.onlyIds(fractionIds),
            rest.withoutIds(fractionIds),
            Set.of(),
            false));
    for (int k = 0; k < small.size(); k++) {
      long[] ids = small.get(k);
      out.add(
          new Deletion(
              (bySubject ? "subject " : "random set ") + (k + 1),
              ForgetScope.SAMPLES,
              rest.onlyIds(ids),
              rest.withoutIds(ids),
              Set.of(),
              true));
    }
    return out;
  }

  /** Up to {@link #SMALL_SETS} subjects owning 2 to {@link #SUBJECT_MAX} rows of T; the rows. */
  private static List<long[]> smallSubjects(
      Dataset rest, SubjectIndex subjects, SplittableRandom random) {
    if (subjects.size() == 0) {
      return List.of();
    }
    SubjectIndex inRest = subjects.restrictTo(rest.idSet());
    List<String> candidates = new ArrayList<>();
    for (String s : inRest.subjects()) {
      int n = inRest.samplesOf(s).length;
      if (n >= 2 && n <= SUBJECT_MAX) {
        candidates.add(s);
      }
    }
    List<long[]> out = new ArrayList<>();
    // A partial Fisher-Yates over the sorted names: seeded, independent of hash order.
    for (int k = 0; k < Math.min(SMALL_SETS, candidates.size()); k++) {
      int j = k + random.nextInt(candidates.size() - k);
      String picked = candidates.get(j);
      candidates.set(j, candidates.get(k));
      candidates.set(k, picked);
      out.add(inRest.samplesOf(picked));
    }
    return out;
  }

  /** {@link #SMALL_SETS} disjoint random sets of {@link #SMALL_MIN}..{@link #SMALL_MAX} rows. */
  private static List<long[]> smallRandomSets(Dataset rest, SplittableRandom random) {
    int[] order = DatasetSplit.shuffledIndices(rest.size(), random.nextLong());
    List<long[]> out = new ArrayList<>();
    int from = 0;
    for (int k = 0; k < SMALL_SETS; k++) {
      int size = SMALL_MIN + random.nextInt(SMALL_MAX - SMALL_MIN + 1);
      if (from + size > rest.size() / 4) {
        break;
      }
      TreeSet<Long> ids = new TreeSet<>();
      for (int i = from; i < from + size; i++) {
        ids.add(rest.id(order[i]));
      }
      from += size;
      out.add(ids.stream().mapToLong(Long::longValue).toArray());
    }
    return out;
  }
}
