package io.lethe.processor.engine.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
  void aSampleIsADeterministicViewInDatasetOrder() {
    Dataset data = table(100_000).withoutIds(Set.of(1000L, 1002L));
    Dataset sample = data.sample(500, 7);
    assertEquals(500, sample.size());
    assertEquals(500, sample.idSet().size(), "without replacement");
    for (int i = 0; i < sample.size(); i++) {
      assertEquals(sample.id(i) - 1000, (long) sample.feature(i, 0), "a view of the same rows");
      assertTrue(i == 0 || sample.id(i - 1) < sample.id(i), "dataset order");
      assertFalse(sample.id(i) == 1000L || sample.id(i) == 1002L, "from the view only");
    }
    assertArrayEquals(sample.ids(), data.sample(500, 7).ids());
    assertFalse(java.util.Arrays.equals(sample.ids(), data.sample(500, 8).ids()));
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
  void aSampleOfMoreThanThereAreIsTheWholeSet() {
    Dataset data = table(40);
    assertEquals(data, data.sample(50, 1));
  }
}
