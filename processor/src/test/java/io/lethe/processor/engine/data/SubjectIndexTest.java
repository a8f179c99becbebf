package io.lethe.processor.engine.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SubjectIndexTest {

  @Test
  void mapsSubjectsToTheirSamplesAndBack() {
    SubjectIndex index =
        SubjectIndex.of(
            new long[] {30, 10, 20, 40, 5}, new String[] {"bob", "alice", "bob", "carol", "alice"});
    assertEquals(List.of("alice", "bob", "carol"), index.subjects());
    assertArrayEquals(new long[] {5, 10}, index.samplesOf("alice"));
    assertArrayEquals(new long[] {20, 30}, index.samplesOf("bob"));
    assertArrayEquals(new long[0], index.samplesOf("dave"));
    assertArrayEquals(new long[0], index.samplesOf(null));
    assertEquals(Optional.of("carol"), index.subjectOf(40));
    assertEquals(Optional.empty(), index.subjectOf(41));
    assertEquals(3, index.size());
    assertEquals(5, index.sampleCount());
    assertTrue(index.contains("bob"));
  }

  @Test
  void restrictsToSamplesAndDropsSubjectsLeftWithNone() {
    SubjectIndex index =
        SubjectIndex.of(new long[] {1, 2, 3, 4}, new String[] {"a", "b", "b", "c"});
    SubjectIndex kept = index.restrictTo(Set.of(1L, 3L, 99L));
    assertEquals(List.of("a", "b"), kept.subjects());
    assertArrayEquals(new long[] {3}, kept.samplesOf("b"));
    assertEquals(Optional.empty(), kept.subjectOf(2));
    assertEquals(2, kept.sampleCount());
  }

  @Test
  void refusesRepeatedIdsMissingSubjectsAndLengthMismatch() {
    assertThrows(
        IllegalArgumentException.class,
        () -> SubjectIndex.of(new long[] {1, 2, 1}, new String[] {"a", "b", "c"}));
    assertThrows(
        IllegalArgumentException.class,
        () -> SubjectIndex.of(new long[] {1, 2}, new String[] {"a", ""}));
    assertThrows(
        IllegalArgumentException.class,
        () -> SubjectIndex.of(new long[] {1, 2}, new String[] {"a"}));
  }

  @Test
  void holdsAMillionRowsInPrimitiveArrays() {
    int n = 1_000_000;
    long[] ids = new long[n];
    int[] codes = new int[n];
    java.util.List<String> names = new java.util.ArrayList<>();
    for (int s = 0; s < 100_000; s++) {
      names.add("user-" + s);
    }
    // Ids in reverse order, to exercise the sort.
    for (int i = 0; i < n; i++) {
      ids[i] = 3L * (n - i);
      codes[i] = i % 100_000;
    }
    SubjectIndex index = SubjectIndex.ofCodes(ids, codes, names);
    assertEquals(100_000, index.size());
    assertEquals(20L * n + 4L * 100_001, index.arrayBytes());
    assertEquals(Optional.of("user-7"), index.subjectOf(3L * (n - 7)));
    long[] samples = index.samplesOf("user-0");
    assertEquals(10, samples.length);
    for (int k = 1; k < samples.length; k++) {
      assertTrue(samples[k - 1] < samples[k]);
    }
  }
}
