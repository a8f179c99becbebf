package io.lethe.processor.engine.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The built-in MNIST-10k read as data through the loader, like any user's dataset. */
class BuiltinDatasetsTest {

  @Test
  void theShippedManifestIsWhatTheGeneratorWrites() throws IOException {
    try (InputStream in =
        getClass().getResourceAsStream(BuiltinDatasets.MNIST_10K + "subjects.csv")) {
      assertEquals(Mnist10kManifest.text(), new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
  }

  @Test
  void loadsTheDocumentedMappingAndSplitFromData() {
    ModelData data = BuiltinDatasets.mnist10kModelData();
    assertEquals(8_000, data.train().data().size());
    assertEquals(2_000, data.test().data().size());
    assertEquals(SampleShape.of(1, 28, 28), data.shape());
    assertEquals(List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"), data.classNames());
    // The test side is the seed-42 split's test part the built-in model always held out.
    Dataset heldOut = DatasetSplit.of(BuiltinDatasets.mnist10k(), 42).test();
    assertEquals(heldOut.idSet(), data.test().data().idSet());
    // subject-%04d owns 10k..10k+9, split over both sides.
    SubjectIndex train = data.train().subjects();
    SubjectIndex test = data.test().subjects();
    assertEquals(Optional.of("subject-0012"), train.subjectOf(120).or(() -> test.subjectOf(120)));
    long[] owned = concat(train.samplesOf("subject-0012"), test.samplesOf("subject-0012"));
    java.util.Arrays.sort(owned);
    assertArrayEquals(new long[] {120, 121, 122, 123, 124, 125, 126, 127, 128, 129}, owned);
    assertEquals(8_000, train.sampleCount());
    assertEquals(2_000, test.sampleCount());
    assertTrue(train.size() <= 1_000 && train.size() > 990, "nearly every subject trains");
    // The pixels are those of the IDX reader.
    int i = 0;
    long id = data.train().data().id(i);
    assertArrayEquals(
        BuiltinDatasets.mnist10k().features((int) id), data.train().data().features(i));
  }

  private static long[] concat(long[] a, long[] b) {
    long[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
