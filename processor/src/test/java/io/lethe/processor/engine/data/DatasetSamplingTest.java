package io.lethe.processor.engine.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DatasetSamplingTest {

  private static Dataset table(int n) {
    float[] values = new float[n * 2];
    int[] labels = new int[n];
    long[] ids = new long[n];
    for (int i = 0; i < n; i++) {
      values[2 * i] = i;
      labels[i] = i % 3;
      ids[i] = 1000 + i;
    }
    return Dataset.of(values, labels, ids, SampleShape.of(2), 3);
  }

  @Test
  void drawsFromTheRetainSetOnlyDeterministically() {
    Dataset data = table(100_000);
    Set<Long> forget = new HashSet<>();
    for (long id = 1000; id < 1000 + 50_000; id += 2) {
      forget.add(id);
    }
    for (int n : new int[] {500, 40_000}) {
      Dataset sample = data.sampleWithout(forget, n, 7);
      assertEquals(n, sample.size());
      assertEquals(n, sample.idSet().size(), "without replacement");
      for (int i = 0; i < sample.size(); i++) {
        assertFalse(forget.contains(sample.id(i)));
        assertEquals(sample.id(i) - 1000, (long) sample.feature(i, 0), "a view of the same rows");
        assertTrue(i == 0 || sample.id(i - 1) < sample.id(i), "dataset order");
      }
      assertArrayEquals(sample.ids(), data.sampleWithout(forget, n, 7).ids());
      assertFalse(
          java.util.Arrays.equals(sample.ids(), data.sampleWithout(forget, n, 8).ids()),
          "another seed, another sample");
    }
  }

  @Test
  void validationComesFromTheTrainingSideDeterministically() {
    Dataset train = table(1000);
    DatasetSplit split = DatasetSplit.validationOf(train, 0.1, 5);
    assertEquals(100, split.validation().size());
    assertEquals(900, split.train().size());
    assertEquals(0, split.test().size());
    Set<Long> both = new HashSet<>(split.train().idSet());
    both.addAll(split.validation().idSet());
    assertEquals(train.idSet(), both);
    assertArrayEquals(
        split.validation().ids(), DatasetSplit.validationOf(train, 0.1, 5).validation().ids());
  }

  @Test
  void primitiveIdFiltersMatchTheBoxedOnes() {
    Dataset data = table(1000);
    long[] forget = {1500, 1001, 1999, 5000};
    Set<Long> boxed = Set.of(1500L, 1001L, 1999L, 5000L);
    assertArrayEquals(data.withoutIds(boxed).ids(), data.withoutIds(forget).ids());
    assertEquals(997, data.withoutIds(forget).size());
    assertArrayEquals(new long[] {1001, 1500, 1999}, data.onlyIds(forget).ids());
    assertEquals(data, data.withoutIds(new long[0]));
  }

  @Test
  void givesAllRetainedWhenThereAreFewer() {
    Dataset data = table(10);
    Dataset all = data.sampleWithout(Set.of(1000L, 1001L), 50, 1);
    assertEquals(8, all.size());
    assertEquals(1002L, all.id(0));
  }
}
