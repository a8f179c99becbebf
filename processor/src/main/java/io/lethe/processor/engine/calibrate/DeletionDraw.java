package io.lethe.processor.engine.calibrate;

import io.lethe.processor.engine.data.Dataset;
import io.lethe.processor.engine.data.DatasetSplit;
import io.lethe.processor.engine.data.SubjectIndex;
import io.lethe.processor.engine.method.ForgetScope;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;

/**
 * Draws the simulated deletions out of T, seeded: for CLASS one class with enough rows in T and in
 * H; for SAMPLES a random {@link #FRACTION} of T and {@link #SMALL_SETS} small subjects (or, where
 * the data has no subject owning several rows, small random sets of {@link #SMALL_MIN} to {@link
 * #SMALL_MAX} rows). The small sets are drawn first and the random fraction is filled up around
 * them, so the fraction's oracle was trained without each small set: with the set's own oracle it
 * is a second reference model for the per-example membership test at no extra retraining.
 */
final class DeletionDraw {

  static final double FRACTION = 0.10;
  static final int SMALL_SETS = 2;
  static final int SMALL_MIN = 5;
  static final int SMALL_MAX = 20;

  /** A subject counts as small up to this many rows of T (the per-example test's range). */
  static final int SUBJECT_MAX = 50;

  /** A class qualifies with at least this many rows in T and a fifth of it in H. */
  static final int CLASS_MIN_ROWS = 20;

  private DeletionDraw() {}

  /** The class deletion, or null when no class has enough rows (or only one class is left). */
  static Deletion classDeletion(Dataset rest, Dataset heldOut, long seed) {
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
      return null;
    }
    int c = eligible.get(new SplittableRandom(seed ^ 0xC1A55L).nextInt(eligible.size()));
    Set<Integer> classes = Set.of(c);
    return new Deletion(
        "class " + c,
        ForgetScope.CLASS,
        rest.withLabels(classes),
        rest.withoutLabels(classes),
        classes,
        false);
  }

  /** The SAMPLES deletions: the small sets first, then the random fraction containing them. */
  static List<Deletion> sampleDeletions(Dataset rest, SubjectIndex subjects, long seed) {
    SplittableRandom random = new SplittableRandom(seed ^ 0x5A4DL);
    List<long[]> small = smallSubjects(rest, subjects, random);
    boolean bySubject = !small.isEmpty();
    if (!bySubject) {
      small = smallRandomSets(rest, random);
    }
    Set<Long> fraction = new LinkedHashSet<>();
    for (long[] set : small) {
      for (long id : set) {
        fraction.add(id);
      }
    }
    int target = Math.max(fraction.size(), (int) Math.round(rest.size() * FRACTION));
    for (int i : DatasetSplit.shuffledIndices(rest.size(), random.nextLong())) {
      if (fraction.size() >= target) {
        break;
      }
      fraction.add(rest.id(i));
    }
    List<Deletion> out = new ArrayList<>();
    long[] fractionIds = fraction.stream().mapToLong(Long::longValue).toArray();
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
              (bySubject ? "subject " : "random set ") + (k + 1) + " (" + ids.length + " rows)",
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
