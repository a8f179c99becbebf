package io.lethe.processor.engine.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxReaderTest {

  @TempDir Path dir;

  @Test
  void readsTheShippedMnist10k() {
    Dataset d = BuiltinDatasets.mnist10k();
    assertEquals(10_000, d.size());
    assertEquals(SampleShape.of(1, 28, 28), d.shape());
    assertEquals(10, d.numClasses());
    // class counts from the dataset's README
    assertArrayEquals(
        new int[] {1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978}, d.classCounts());
    assertEquals(0L, d.id(0));
    assertEquals(9_999L, d.id(9_999));
    float max = 0;
    for (float v : d.features(0)) {
      assertTrue(v >= 0 && v <= 1);
      max = Math.max(max, v);
    }
    assertTrue(max > 0.5f, "first image is blank");
  }

  @Test
  void readsAHandMadeIdxOfAnotherSizePlainAndGzipped() throws IOException {
    // 3 images of 2 rows x 3 cols
    byte[] pixels = new byte[3 * 6];
    for (int i = 0; i < pixels.length; i++) {
      pixels[i] = (byte) (i * 15);
    }
    pixels[5] = (byte) 255;
    byte[] images = idx(0x00000803, new int[] {3, 2, 3}, pixels);
    byte[] labels = idx(0x00000801, new int[] {3}, new byte[] {2, 0, 1});
    for (boolean gzip : new boolean[] {false, true}) {
      Path img = write("img" + gzip, images, gzip);
      Path lab = write("lab" + gzip, labels, gzip);
      Dataset d = IdxReader.read(img, lab);
      assertEquals(3, d.size());
      assertEquals(SampleShape.of(1, 2, 3), d.shape());
      assertEquals(3, d.numClasses());
      assertArrayEquals(new int[] {2, 0, 1}, d.labels());
      assertArrayEquals(new long[] {0, 1, 2}, d.ids());
      assertEquals(15 / 255f, d.features(0)[1], 1e-7);
      assertEquals(1f, d.features(0)[5], 1e-7);
      assertEquals(6 * 15 / 255f, d.features(1)[0], 1e-7);
    }
  }

  @Test
  void rejectsABadMagic() throws IOException {
    byte[] images = idx(0x00000903, new int[] {1, 1, 1}, new byte[] {1});
    byte[] labels = idx(0x00000801, new int[] {1}, new byte[] {0});
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> IdxReader.read(write("i", images, false), write("l", labels, false)));
    assertTrue(e.getMessage().contains("bad IDX magic 0x00000903"), e.getMessage());
  }

  @Test
  void rejectsACountMismatch() throws IOException {
    byte[] images = idx(0x00000803, new int[] {2, 1, 1}, new byte[] {1, 2});
    byte[] labels = idx(0x00000801, new int[] {3}, new byte[] {0, 1, 0});
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> IdxReader.read(write("i", images, true), write("l", labels, true)));
    assertTrue(e.getMessage().contains("count mismatch"), e.getMessage());
  }

  @Test
  void rejectsATruncatedBody() throws IOException {
    byte[] images = idx(0x00000803, new int[] {2, 2, 2}, new byte[] {1, 2, 3});
    byte[] labels = idx(0x00000801, new int[] {2}, new byte[] {0, 1});
    // Compressed, the length cannot tell: reading finds the end.
    DataException e =
        assertThrows(
            DataException.class,
            () -> IdxReader.read(write("i", images, true), write("l", labels, true)));
    assertEquals(dir.resolve("i.gz") + ": truncated body at record 0", e.getMessage());
    assertEquals("train", e.field());
    // Plain, the header's count is checked against the file's length before reading.
    e =
        assertThrows(
            DataException.class,
            () -> IdxReader.read(write("i", images, false), write("l", labels, false)));
    assertTrue(
        e.getMessage().endsWith(": the header announces 8 bytes of data but the file is 19 bytes"),
        e.getMessage());
  }

  @Test
  void aHeaderCountBeyondTheFileIsRefusedBeforeAllocating() throws IOException {
    // 2,000,000 images of 28x28 announced (1.5 GB of floats) in a file of one image.
    byte[] images = idx(0x00000803, new int[] {2_000_000, 28, 28}, new byte[784]);
    byte[] labels = idx(0x00000801, new int[] {2_000_000}, new byte[1]);
    for (boolean gzip : new boolean[] {false, true}) {
      Path img = write("huge", images, gzip);
      DataException e =
          assertThrows(DataException.class, () -> IdxReader.read(img, write("l", labels, gzip)));
      assertEquals("train", e.field());
      assertTrue(
          e.getMessage().contains("the header announces 1568000000 bytes of data but the file is"),
          e.getMessage());
    }
    // More than one float array can hold, whatever the file.
    byte[] tooMany = idx(0x00000803, new int[] {100_000, 200, 200}, new byte[0]);
    DataException e =
        assertThrows(
            DataException.class,
            () -> IdxReader.read(write("many", tooMany, false), write("l", labels, false)));
    assertTrue(e.getMessage().contains("more than one array holds"), e.getMessage());
  }

  @Test
  void readsSubjectsFromAManifest() throws IOException {
    byte[] images = idx(0x00000803, new int[] {4, 1, 2}, new byte[] {0, 1, 2, 3, 4, 5, 6, 7});
    byte[] labels = idx(0x00000801, new int[] {4}, new byte[] {1, 0, 1, 0});
    Path manifest = dir.resolve("subjects.csv");
    Files.writeString(manifest, "sample_id,subject_id\n0,alice\n1,bob\n2,alice\n3,carol\n");
    LoadedData data =
        IdxReader.read(write("i", images, false), write("l", labels, false), manifest);
    assertEquals(4, data.data().size());
    assertEquals(List.of("alice", "bob", "carol"), data.subjects().subjects());
    assertArrayEquals(new long[] {0, 2}, data.subjects().samplesOf("alice"));
    Files.writeString(manifest, "sample_id,subject_id\n0,alice\n1,bob\n3,carol\n");
    DataException e =
        assertThrows(
            DataException.class,
            () -> IdxReader.read(write("i", images, false), write("l", labels, false), manifest));
    assertEquals("subjects", e.field());
    assertTrue(
        e.getMessage().endsWith("has no row for sample id 2 (" + dir.resolve("i") + " record 2)"),
        e.getMessage());
  }

  @Test
  void theLoaderNumbersTestRecordsAfterTheTrainingRecords() throws IOException {
    byte[] trainImages = idx(0x00000803, new int[] {3, 1, 1}, new byte[] {0, 1, 2});
    byte[] trainLabels = idx(0x00000801, new int[] {3}, new byte[] {0, 1, 2});
    byte[] testImages = idx(0x00000803, new int[] {2, 1, 1}, new byte[] {3, 4});
    byte[] testLabels = idx(0x00000801, new int[] {2}, new byte[] {2, 0});
    write("tri", trainImages, true);
    write("trl", trainLabels, true);
    write("tei", testImages, false);
    write("tel", testLabels, false);
    Files.writeString(dir.resolve("s.csv"), "sample_id,subject_id\n0,a\n1,a\n2,b\n3,c\n");
    ModelData data =
        DatasetLoader.load(
            DatasetSpec.idx("tri.gz", "trl.gz", "tei", "tel")
                .withSubjects("s.csv")
                .withClasses(List.of("zero", "one", "two")),
            dir);
    assertArrayEquals(new long[] {3, 4}, data.test().data().ids());
    assertArrayEquals(new int[] {2, 0}, data.test().data().labels());
    assertEquals(List.of("a", "b"), data.train().subjects().subjects());
    assertEquals(1, data.test().subjects().size(), "test sample 4 has no subject: allowed");
    assertEquals(SampleShape.of(1, 1, 1), data.shape());
  }

  static byte[] idx(int magic, int[] dims, byte[] body) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(magic);
      for (int d : dims) {
        out.writeInt(d);
      }
      out.write(body);
    }
    return bytes.toByteArray();
  }

  private Path write(String name, byte[] content, boolean gzip) throws IOException {
    Path p = dir.resolve(name + (gzip ? ".gz" : ""));
    try (OutputStream out =
        gzip ? new GZIPOutputStream(Files.newOutputStream(p)) : Files.newOutputStream(p)) {
      out.write(content);
    }
    return p;
  }
}
