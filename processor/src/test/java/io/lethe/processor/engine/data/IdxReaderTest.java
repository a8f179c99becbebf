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
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> IdxReader.read(write("i", images, false), write("l", labels, false)));
    assertTrue(e.getMessage().contains("truncated"), e.getMessage());
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
