package io.lethe.processor.engine.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StandardizationTest {

  private static final Dataset TRAIN =
      Dataset.ofRows(
          new float[][] {{1, 5, 100}, {3, 5, 300}, {5, 5, 200}},
          new int[] {0, 1, 0},
          new long[] {1, 2, 3},
          SampleShape.of(3),
          2);

  @Test
  void fitsOnTrainingRowsAndGivesAConstantFeatureStdOne() {
    Standardization s = Standardization.fit(TRAIN);
    assertArrayEquals(new float[] {3, 5, 200}, s.mean());
    assertEquals((float) Math.sqrt(8.0 / 3), s.std()[0], 1e-6);
    assertEquals(1f, s.std()[1], "zero variance: std 1, not a division by zero");
    Dataset out = s.apply(TRAIN);
    assertEquals(0f, out.feature(0, 1));
    assertEquals((1 - 3) / s.std()[0], out.feature(0, 0), 1e-6);
    assertArrayEquals(TRAIN.ids(), out.ids());
    assertArrayEquals(TRAIN.labels(), out.labels());
    float[] sample = {3, 6, 200};
    s.applyToSample(sample);
    assertArrayEquals(new float[] {0, 1, 0}, sample);
  }

  @Test
  void roundTripsThroughTextAndMap() {
    Standardization s = Standardization.fit(TRAIN);
    assertEquals(s, Standardization.parse(s.toText()));
    Map<String, List<Float>> map = s.toMap();
    assertEquals(s, Standardization.fromMap(map));
    assertThrows(IllegalArgumentException.class, () -> Standardization.parse("mean 1\nstd 0"));
    assertThrows(IllegalArgumentException.class, () -> Standardization.parse("nonsense"));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            s.apply(
                Dataset.ofRows(
                    new float[][] {{1}}, new int[] {0}, new long[] {1}, SampleShape.of(1), 2)));
  }
}
