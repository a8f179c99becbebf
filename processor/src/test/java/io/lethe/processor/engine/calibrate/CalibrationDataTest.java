package io.lethe.processor.engine.calibrate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lethe.processor.engine.data.Dataset;
import io.lethe.processor.engine.data.SampleShape;
import io.lethe.processor.engine.data.SubjectIndex;
import io.lethe.processor.engine.method.ForgetScope;
import io.lethe.processor.engine.method.Methods;
import io.lethe.processor.engine.method.UnlearningMethod;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What the calibration trains and forgets: only training rows, held-out rows kept apart. */
class CalibrationDataTest {

  /** {@code n} rows of one feature, labels cycling over {@code classes}, ids 1000 + i. */
  private static Dataset rows(int n, int classes) {
    float[] v = new float[n];
    int[] labels = new int[n];
    long[] ids = new long[n];
    for (int i = 0; i < n; i++) {
      v[i] = i;
      labels[i] = i % classes;
      ids[i] = 1000 + i;
    }
    return Dataset.of(v, labels, ids, SampleShape.of(1), classes);
  }

  @Test
  void theInputHoldsTrainingRowsOnly() {
    // Structural: there is no place for a test set in what a calibration is given.
    long datasets =
        Arrays.stream(CalibrationInput.class.getRecordComponents())
            .filter(c -> c.getType() == Dataset.class)
            .count();
    assertEquals(1, datasets);
    assertEquals("train", CalibrationInput.class.getRecordComponents()[1].getName());
  }

  @Test
  void heldOutRowsAreStratifiedDisjointAndCapped() {
    Dataset train = rows(1000, 4);
    HeldOutSplit split = HeldOutSplit.of(train, 1);
    // 15 % of each class's 250 rows, rounded.
    assertEquals(4 * 38, split.heldOut().size());
    assertEquals(1000 - 4 * 38, split.rest().size());
    Set<Long> h = split.heldOut().idSet();
    h.retainAll(split.rest().idSet());
    assertTrue(h.isEmpty());
    assertTrue(Arrays.stream(split.heldOut().classCounts()).allMatch(c -> c == 38));
    // The cap: 15 % of 20,000 would be 3,000.
    assertEquals(2000, HeldOutSplit.of(rows(20_000, 4), 1).heldOut().size());
    // Control: another seed holds out other rows.
    assertTrue(!HeldOutSplit.of(train, 2).heldOut().idSet().equals(split.heldOut().idSet()));
  }

  @Test
  void smallSetsAreWholeSubjectsDisjointFromEachOther() {
    Dataset rest = rows(600, 3);
    long[] ids = rest.ids();
    String[] owners = new String[ids.length];
    for (int i = 0; i < ids.length; i++) {
      owners[i] = "s" + (i / 6); // 100 subjects of 6 rows
    }
    SubjectIndex index = SubjectIndex.of(ids, owners);
    List<Deletion> d = DeletionDraw.sampleDeletions(rest, index, 5);
    assertEquals(1 + DeletionDraw.SMALL_SETS, d.size());
    assertEquals(60, d.get(0).forget().size());
    assertTrue(!d.get(0).small());
    Set<Long> seen = new HashSet<>();
    for (Deletion small : d.subList(1, d.size())) {
      assertTrue(small.small() && small.name().startsWith("subject"), small.name());
      assertEquals(6, small.forget().size());
      String owner = index.subjectOf(small.forget().id(0)).orElseThrow();
      assertEquals(
          Set.copyOf(Arrays.stream(index.samplesOf(owner)).boxed().toList()),
          small.forget().idSet());
      assertTrue(small.forget().idSet().stream().noneMatch(seen::contains));
      seen.addAll(small.forget().idSet());
      assertEquals(rest.size() - 6, small.retain().size());
    }
    // Control: without subjects, small random sets of 5 to 20 rows stand in.
    List<Deletion> bare = DeletionDraw.sampleDeletions(rest, SubjectIndex.empty(), 5);
    for (Deletion small : bare.subList(1, bare.size())) {
      assertTrue(small.name().startsWith("random set"), small.name());
      int n = small.forget().size();
      assertTrue(n >= 5 && n <= 20, "size " + n);
    }
  }

  @Test
  void classDeletionsForgetAllOfDistinctClassesOfT() {
    HeldOutSplit split = HeldOutSplit.of(rows(400, 4), 3);
    List<Deletion> d = DeletionDraw.classDeletions(split.rest(), split.heldOut(), 3);
    assertEquals(DeletionDraw.CLASS_SETS, d.size());
    assertTrue(!d.get(0).classes().equals(d.get(1).classes()));
    for (Deletion one : d) {
      int c = one.classes().iterator().next();
      assertEquals(split.rest().classCounts()[c], one.forget().size());
      assertEquals(0, one.retain().withLabels(Set.of(c)).size());
    }
    // Control: a single class leaves nothing to forget a class from.
    HeldOutSplit one = HeldOutSplit.of(rows(400, 1), 3);
    assertTrue(DeletionDraw.classDeletions(one.rest(), one.heldOut(), 3).isEmpty());
  }

  @Test
  void everyCandidateGridBindsAndIsSmall() {
    Map<ForgetScope, List<String>> lists =
        Map.of(
            ForgetScope.CLASS,
            CandidateMethods.CLASS,
            ForgetScope.SAMPLES,
            CandidateMethods.SAMPLES);
    lists.forEach(
        (scope, names) -> {
          for (String name : names) {
            UnlearningMethod m = Methods.byName(name);
            List<Map<String, String>> grid = m.calibrationGrid(scope);
            assertTrue(grid.size() >= 2 && grid.size() <= 6, name + " " + grid);
            assertEquals(grid.size(), new HashSet<>(grid).size(), name + " repeats a point");
            grid.forEach(m::checkSettings);
          }
        });
    // Control: a key the method does not have is refused, so the binding above checks something.
    try {
      Methods.byName("famr").checkSettings(Map.of("noSuchKey", "1"));
      throw new AssertionError("unknown key accepted");
    } catch (IllegalArgumentException expected) {
      assertTrue(expected.getMessage().contains("noSuchKey"));
    }
  }
}
