package io.lethe.processor.engine.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * Reads labelled images in the IDX format of MNIST (big-endian header), gzip-compressed or plain.
 *
 * <p>Images: magic {@code 0x00000803} (unsigned bytes, 3 dimensions: count, rows, columns) or
 * {@code 0x00000804} (4 dimensions: count, channels, rows, columns); any image size. Labels: magic
 * {@code 0x00000801} (unsigned bytes, 1 dimension). Pixels are scaled to [0, 1]; record {@code i}
 * gets the sample id {@code i}. An IDX file holds no subjects: they come from a manifest CSV
 * ({@link #read(Path, Path, Path)}).
 *
 * <p>The header's count is checked against the file's length before anything is allocated, so a
 * corrupt header cannot ask for gigabytes.
 */
public final class IdxReader {

  private static final int UNSIGNED_BYTE = 0x08;

  /** Deflate cannot compress beyond about 1032:1, so a gzip file of n bytes holds at most this. */
  private static final long MAX_GZIP_RATIO = 1100;

  private IdxReader() {}

  /** Reads an image file and a label file into a dataset (classes: the largest label plus one). */
  public static Dataset read(Path images, Path labels) {
    RawTable raw = readRaw(DataFile.of(images, "train"), DataFile.of(labels, "trainLabels"), 0);
    return toDataset(raw);
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
    Images raw = readImages(images, -1, labels, -1, imageName, labelName, "train", "trainLabels");
    return Dataset.of(
        raw.features,
        raw.labels,
        ids(raw.labels.length, 0),
        raw.shape,
        Math.max(2, raw.maxLabel + 1));
  }

  /**
   * Reads images, labels and the subject manifest CSV ({@code sample_id,subject_id}) naming the
   * subject of every record; classes are the largest label plus one.
   */
  public static LoadedData read(Path images, Path labels, Path subjectManifest) {
    DatasetSpec spec =
        DatasetSpec.idx(images.toString(), labels.toString(), images.toString(), labels.toString())
            .withSubjects(subjectManifest.toString());
    RawTable raw = readRaw(DataFile.of(images, "train"), DataFile.of(labels, "trainLabels"), 0);
    SubjectManifest manifest =
        SubjectManifest.read(DataFile.of(subjectManifest, "subjects"), spec.columns(), null);
    manifest.assign(raw, true);
    Dataset data = toDataset(raw);
    return new LoadedData(
        data, SubjectIndex.ofCodes(raw.ids, raw.subjects, raw.subjectNames.names()));
  }

  private static Dataset toDataset(RawTable raw) {
    int max = 0;
    int[] labels = new int[raw.size];
    for (int i = 0; i < raw.size; i++) {
      labels[i] = Integer.parseInt(raw.labelNames.name(raw.labels[i]));
      max = Math.max(max, labels[i]);
    }
    return Dataset.of(raw.values, labels, raw.ids, raw.shape, Math.max(2, max + 1));
  }

  /** The loader's path: record {@code i} gets id {@code idOffset + i}. */
  static RawTable readRaw(DataFile images, DataFile labels, long idOffset) {
    Images raw;
    try (InputStream img = images.open();
        InputStream lab = labels.open()) {
      raw =
          readImages(
              img,
              images.length(),
              lab,
              labels.length(),
              images.name(),
              labels.name(),
              images.field(),
              labels.field());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read IDX files " + images + ", " + labels, e);
    }
    RawTable table =
        new RawTable(
            images,
            RawTable.Position.RECORD,
            raw.shape,
            "record index",
            labels.name(),
            "subject",
            true,
            List.of(),
            new Interner(),
            new Interner());
    table.size = raw.labels.length;
    table.values = raw.features;
    table.ids = ids(table.size, idOffset);
    table.labels = new int[table.size];
    for (int i = 0; i < table.size; i++) {
      table.labels[i] = table.labelNames.code(Integer.toString(raw.labels[i]));
    }
    return table;
  }

  private static long[] ids(int count, long offset) {
    long[] ids = new long[count];
    for (int i = 0; i < count; i++) {
      ids[i] = offset + i;
    }
    return ids;
  }

  private record Images(float[] features, int[] labels, int maxLabel, SampleShape shape) {}

  private static Images readImages(
      InputStream images,
      long imageLength,
      InputStream labels,
      long labelLength,
      String imageName,
      String labelName,
      String imageField,
      String labelField)
      throws IOException {
    Opened img = open(images, imageLength);
    Opened lab = open(labels, labelLength);

    int imageMagic = readHeaderInt(img.in, imageName, imageField);
    int imageDims = checkMagic(imageMagic, imageName, imageField, 3, 4);
    int count = readHeaderInt(img.in, imageName, imageField);
    int channels = imageDims == 4 ? readHeaderInt(img.in, imageName, imageField) : 1;
    int rows = readHeaderInt(img.in, imageName, imageField);
    int cols = readHeaderInt(img.in, imageName, imageField);
    if (count < 0 || channels <= 0 || rows <= 0 || cols <= 0) {
      throw new DataException(
          imageField,
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
    long size = (long) channels * rows * cols;
    long body = count * size;
    checkFits(imageName, imageField, body, 4L * (imageDims + 1), img);

    int labelMagic = readHeaderInt(lab.in, labelName, labelField);
    checkMagic(labelMagic, labelName, labelField, 1, 1);
    int labelCount = readHeaderInt(lab.in, labelName, labelField);
    if (labelCount != count) {
      throw new DataException(
          labelField,
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
    checkFits(labelName, labelField, labelCount, 8, lab);

    int width = (int) size;
    float[] features = new float[(int) body];
    byte[] buffer = new byte[width];
    for (int i = 0; i < count; i++) {
      readFully(img.in, buffer, imageName, imageField, i);
      int offset = i * width;
      for (int j = 0; j < width; j++) {
        features[offset + j] = (buffer[j] & 0xFF) / 255f;
      }
    }
    byte[] labelBytes = new byte[count];
    readFully(lab.in, labelBytes, labelName, labelField, 0);
    int[] labelValues = new int[count];
    int maxLabel = 0;
    for (int i = 0; i < count; i++) {
      labelValues[i] = labelBytes[i] & 0xFF;
      maxLabel = Math.max(maxLabel, labelValues[i]);
    }
    return new Images(features, labelValues, maxLabel, SampleShape.of(channels, rows, cols));
  }

  private record Opened(DataInputStream in, long length, boolean gzip) {}

  private static Opened open(InputStream in, long length) throws IOException {
    BufferedInputStream buffered = new BufferedInputStream(in, 1 << 16);
    buffered.mark(2);
    int b0 = buffered.read();
    int b1 = buffered.read();
    buffered.reset();
    if (b0 == 0x1f && b1 == 0x8b) {
      return new Opened(
          new DataInputStream(
              new BufferedInputStream(new GZIPInputStream(buffered, 1 << 16), 1 << 16)),
          length,
          true);
    }
    return new Opened(new DataInputStream(buffered), length, false);
  }

  /** Refuses a header whose body cannot be in a file of this length (or in one float array). */
  private static void checkFits(String name, String field, long body, long header, Opened file) {
    if (body > Integer.MAX_VALUE - 8) {
      throw new DataException(
          field, name + ": the header announces " + body + " values, more than one array holds");
    }
    if (file.length < 0) {
      return;
    }
    long max = file.gzip ? file.length * MAX_GZIP_RATIO : file.length - header;
    if (body > max) {
      throw new DataException(
          field,
          name
              + ": the header announces "
              + body
              + " bytes of data but the file is "
              + file.length
              + " bytes"
              + (file.gzip ? " compressed" : ""));
    }
  }

  private static int readHeaderInt(DataInputStream in, String name, String field)
      throws IOException {
    try {
      return in.readInt();
    } catch (EOFException e) {
      throw new DataException(field, name + ": truncated IDX header", e);
    }
  }

  private static int checkMagic(int magic, String name, String field, int minDims, int maxDims) {
    int type = (magic >>> 8) & 0xFF;
    int dims = magic & 0xFF;
    if ((magic >>> 16) != 0 || type != UNSIGNED_BYTE || dims < minDims || dims > maxDims) {
      throw new DataException(
          field,
          String.format(
              "%s: bad IDX magic 0x%08X (expected unsigned-byte data with %d..%d dimensions,"
                  + " e.g. 0x%08X)",
              name, magic, minDims, maxDims, (UNSIGNED_BYTE << 8) | minDims));
    }
    return dims;
  }

  private static void readFully(
      DataInputStream in, byte[] buffer, String name, String field, int record) throws IOException {
    try {
      in.readFully(buffer);
    } catch (EOFException e) {
      throw new DataException(field, name + ": truncated body at record " + record, e);
    }
  }
}
