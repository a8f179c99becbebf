package io.lethe.processor.engine.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DatasetTest {

  @Test
  void splitIsDeterministicDisjointAndComplete() {
    Dataset all = BuiltinDatasets.mnist10k();
    DatasetSplit a = DatasetSplit.of(all, 3);
    DatasetSplit b = DatasetSplit.of(all, 3);
    DatasetSplit c = DatasetSplit.of(all, 4);
    assertArrayEquals(a.train().ids(), b.train().ids());
    assertArrayEquals(a.test().ids(), b.test().ids());
    assertNotEquals(
        List.of(a.test().ids()[0], a.test().ids()[1]),
        List.of(c.test().ids()[0], c.test().ids()[1]));
    assertEquals(7000, a.train().size());
    assertEquals(1000, a.validation().size());
    assertEquals(2000, a.test().size());
    Set<Long> seen = new HashSet<>();
    for (Dataset d : List.of(a.train(), a.validation(), a.test())) {
      for (long id : d.ids()) {
        assertTrue(seen.add(id), "id in two splits: " + id);
      }
    }
    assertEquals(10_000, seen.size());
  }

  @Test
  void subsetsByIdAndLabel() {
    Dataset all = BuiltinDatasets.mnist10k().subset(0, 100);
    Dataset only = all.onlyIds(Set.of(3L, 50L, 99L, 12345L));
    assertArrayEquals(new long[] {3, 50, 99}, only.ids());
    Dataset without = all.withoutIds(Set.of(3L, 50L));
    assertEquals(98, without.size());
    assertTrue(!without.idSet().contains(3L));
    Dataset sevens = all.withLabels(Set.of(7));
    for (int i = 0; i < sevens.size(); i++) {
      assertEquals(7, sevens.label(i));
    }
    assertEquals(all.size(), sevens.size() + all.withoutLabels(Set.of(7)).size());
    assertEquals(10, only.numClasses());
  }
}
