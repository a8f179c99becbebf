package io.lethe.bench.lifetime;

import io.lethe.processor.engine.data.Dataset;
import io.lethe.processor.engine.data.DatasetSplit;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The mixed, seeded sequence of deletion batches: every {@code classEvery}-th batch a whole class
 * (while more than half the classes remain), the others alternate between random samples and data
 * subjects. MNIST has no subjects, so the training rows are dealt, in a seeded order, into
 * synthetic subjects of {@code subjectSize} rows; a subject batch takes whole subjects.
 */
final class BatchPlan {

  /** What a batch deletes. */
  enum Kind {
    CLASS,
    SAMPLES,
    SUBJECTS
  }

  /** One batch: a class label, or sample ids. */
  record Batch(int number, Kind kind, int forgetClass, Set<Long> ids) {}

  private final Dataset train;
  private final LifetimeOptions options;
  private final int[] sampleOrder;
  private final List<long[]> subjects = new ArrayList<>();
  private final int[] classOrder;
  private int nextSample;
  private int nextSubject;
  private int nextClass;

  BatchPlan(Dataset train, LifetimeOptions options) {
    this.train = train;
    this.options = options;
    this.sampleOrder = DatasetSplit.shuffledIndices(train.size(), options.seed() ^ 0x11FEL);
    int[] subjectOrder = DatasetSplit.shuffledIndices(train.size(), options.seed() ^ 0x5B1EL);
    for (int s = 0; s < subjectOrder.length; s += options.subjectSize()) {
      int end = Math.min(subjectOrder.length, s + options.subjectSize());
      long[] ids = new long[end - s];
      for (int i = s; i < end; i++) {
        ids[i - s] = train.id(subjectOrder[i]);
      }
      subjects.add(ids);
    }
    this.classOrder = DatasetSplit.shuffledIndices(train.numClasses(), options.seed() ^ 0xC1A5L);
  }

  /**
   * The next batch, drawn from what is still retained ({@code forgottenIds}, {@code
   * forgottenClasses} are what earlier batches took); null when nothing is left to take.
   */
  Batch next(int number, Set<Long> forgottenIds, Set<Integer> forgottenClasses) {
    int classes = train.numClasses();
    if (options.classEvery() > 0
        && number % options.classEvery() == 0
        && classes - forgottenClasses.size() > classes / 2
        && nextClass < classOrder.length) {
      return new Batch(number, Kind.CLASS, classOrder[nextClass++], Set.of());
    }
    Set<Long> ids = new TreeSet<>();
    if (number % 2 == 1) {
      while (ids.size() < options.batchSamples() && nextSample < sampleOrder.length) {
        int i = sampleOrder[nextSample++];
        if (retained(train.id(i), train.label(i), forgottenIds, forgottenClasses)) {
          ids.add(train.id(i));
        }
      }
      return ids.isEmpty() ? null : new Batch(number, Kind.SAMPLES, -1, ids);
    }
    while (ids.size() < options.batchSamples() && nextSubject < subjects.size()) {
      for (long id : subjects.get(nextSubject++)) {
        if (!forgottenIds.contains(id)) {
          ids.add(id);
        }
      }
    }
    // A subject's rows of a class forgotten earlier are already gone: drop them here.
    Dataset rows = train.onlyIds(ids).withoutLabels(forgottenClasses);
    Set<Long> kept = rows.idSet();
    return kept.isEmpty() ? null : new Batch(number, Kind.SUBJECTS, -1, kept);
  }

  private static boolean retained(
      long id, int label, Set<Long> forgottenIds, Set<Integer> forgottenClasses) {
    return !forgottenIds.contains(id) && !forgottenClasses.contains(label);
  }
}
