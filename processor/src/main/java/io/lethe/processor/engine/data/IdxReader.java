package io.lethe.processor.engine.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Reads labelled images in the IDX format of MNIST (big-endian header), gzip-compressed or plain.
 *
 * <p>Images: magic {@code 0x00000803} (unsigned bytes, 3 dimensions: count, rows, columns) or
 * {@code 0x00000804} (4 dimensions: count, channels, rows, columns); any image size. Labels: magic
 * {@code 0x00000801} (unsigned bytes, 1 dimension). Pixels are scaled to [0, 1]; record {@code i}
 * gets the sample id {@code i}; the number of classes is the largest label plus one.
 */
public final class IdxReader {

  private static final int UNSIGNED_BYTE = 0x08;

  private IdxReader() {}

  /** Reads an image file and a label file into a dataset. */
  public static Dataset read(Path images, Path labels) {
    try (InputStream img = Files.newInputStream(images);
        InputStream lab = Files.newInputStream(labels)) {
      return read(img, lab, images.toString(), labels.toString());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read IDX files " + images + ", " + labels, e);
    }
  }

  /**
   * Reads images and labels from streams (gzip is detected from the first two bytes).
   *
   * @param imageName name used in error messages
   * @param labelName name used in error messages
   */
  public static Dataset read(
      InputStream images, InputStream labels, String imageName, String labelName)
      throws IOException {
    DataInputStream img = new DataInputStream(maybeGunzip(images));
    DataInputStream lab = new DataInputStream(maybeGunzip(labels));

    int imageMagic = readHeaderInt(img, imageName);
    int imageDims = checkMagic(imageMagic, imageName, 3, 4);
    int count = readHeaderInt(img, imageName);
    int channels = imageDims == 4 ? readHeaderInt(img, imageName) : 1;
    int rows = readHeaderInt(img, imageName);
    int cols = readHeaderInt(img, imageName);
    if (count < 0 || channels <= 0 || rows <= 0 || cols <= 0) {
      throw new IllegalArgumentException(
          imageName
              + ": bad image header: count="
              + count
              + " channels="
              + channels
              + " rows="
              + rows
              + " cols="
              + cols);
    }

    int labelMagic = readHeaderInt(lab, labelName);
    checkMagic(labelMagic, labelName, 1, 1);
    int labelCount = readHeaderInt(lab, labelName);
    if (labelCount != count) {
      throw new IllegalArgumentException(
          "count mismatch: "
              + imageName
              + " holds "
              + count
              + " images but "
              + labelName
              + " holds "
              + labelCount
              + " labels");
    }

    int size = channels * rows * cols;
    float[] features = new float[Math.multiplyExact(count, size)];
    byte[] buffer = new byte[size];
    for (int i = 0; i < count; i++) {
      readFully(img, buffer, imageName, i);
      int offset = i * size;
      for (int j = 0; j < size; j++) {
        features[offset + j] = (buffer[j] & 0xFF) / 255f;
      }
    }
    byte[] labelBytes = new byte[count];
    readFully(lab, labelBytes, labelName, 0);
    int[] labelValues = new int[count];
    long[] ids = new long[count];
    int maxLabel = 0;
    for (int i = 0; i < count; i++) {
      labelValues[i] = labelBytes[i] & 0xFF;
      maxLabel = Math.max(maxLabel, labelValues[i]);
      ids[i] = i;
    }
    return Dataset.of(
        features,
        labelValues,
        ids,
        SampleShape.of(channels, rows, cols),
        Math.max(2, maxLabel + 1));
  }

  private static InputStream maybeGunzip(InputStream in) throws IOException {
    BufferedInputStream buffered = new BufferedInputStream(in, 1 << 16);
    buffered.mark(2);
    int b0 = buffered.read();
    int b1 = buffered.read();
    buffered.reset();
    if (b0 == 0x1f && b1 == 0x8b) {
      return new BufferedInputStream(new GZIPInputStream(buffered, 1 << 16), 1 << 16);
    }
    return buffered;
  }

  private static int readHeaderInt(DataInputStream in, String name) throws IOException {
    try {
      return in.readInt();
    } catch (EOFException e) {
      throw new IllegalArgumentException(name + ": truncated IDX header", e);
    }
  }

  private static int checkMagic(int magic, String name, int minDims, int maxDims) {
    int type = (magic >>> 8) & 0xFF;
    int dims = magic & 0xFF;
    if ((magic >>> 16) != 0 || type != UNSIGNED_BYTE || dims < minDims || dims > maxDims) {
      throw new IllegalArgumentException(
          String.format(
              "%s: bad IDX magic 0x%08X (expected unsigned-byte data with %d..%d dimensions,"
                  + " e.g. 0x%08X)",
              name, magic, minDims, maxDims, (UNSIGNED_BYTE << 8) | minDims));
    }
    return dims;
  }

  private static void readFully(DataInputStream in, byte[] buffer, String name, int record)
      throws IOException {
    try {
      in.readFully(buffer);
    } catch (EOFException e) {
      throw new IllegalArgumentException(name + ": truncated body at record " + record, e);
    }
  }
}
