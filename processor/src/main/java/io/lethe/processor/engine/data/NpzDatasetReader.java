package io.lethe.processor.engine.data;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Reads a NumPy {@code .npz} archive with DJL ({@link NDList#decode}): features {@code x} of shape
 * {@code [n, d...]} (each sample has shape {@code d...}), integer labels {@code y}, integer sample
 * ids and optionally integer subject ids, all of length {@code n}. String arrays cannot be decoded
 * by DJL (NumPy's {@code <U..}), which is why string subject ids come from a manifest CSV.
 *
 * <p>The arrays live in native memory only while reading: they are copied into the flat Java arrays
 * of the dataset and the NDManager is closed.
 */
public final class NpzDatasetReader {

  /** DJL decodes from one byte array, so a file must fit in one. */
  static final long MAX_FILE_BYTES = Integer.MAX_VALUE - 64;

  /** The dtype in an NPY header line: {@code 'descr': '<f4'}. */
  private static final Pattern DESCR = Pattern.compile("'descr':\\s*'([^']*)'");

  /** The shape in an NPY header line: {@code 'shape': (2000, 1, 28, 28)}. */
  private static final Pattern SHAPE = Pattern.compile("'shape':\\s*\\(([^)]*)\\)");

  /** The item size at the end of a simple dtype: {@code <f4} is 4 bytes. */
  private static final Pattern ITEM_SIZE = Pattern.compile("^[<>|=]?[a-zA-Z](\\d+)$");

  private NpzDatasetReader() {}

  /** Reads {@code file} with the given array names; subjects null when there is no such array. */
  static RawTable read(DataFile file, DatasetSpec.NpzArrays names) {
    checkHeaders(file);
    byte[] bytes = file.readAll(MAX_FILE_BYTES);
    // On the CPU explicitly: the arrays are copied to the heap at once, a GPU would only add a hop.
    try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
      NDList list = decode(file, manager, bytes);
      bytes = null; // the native copies are what we read from now
      NDArray x = array(file, list, names.x(), "arrays.x", true);
      NDArray y = array(file, list, names.y(), "arrays.y", true);
      NDArray ids = array(file, list, names.sampleId(), "arrays.sampleId", true);
      NDArray subjects = array(file, list, names.subjectId(), "arrays.subjectId", false);
      Shape xs = x.getShape();
      if (xs.dimension() < 2) {
        throw new DataException(
            file.field(),
            file.name() + ": array '" + names.x() + "' has shape " + xs + "; expected [n, d...]");
      }
      long n = xs.get(0);
      long[] sampleDims = xs.slice(1).getShape();
      int[] dims = new int[sampleDims.length];
      long width = 1;
      for (int i = 0; i < dims.length; i++) {
        width *= sampleDims[i];
        if (sampleDims[i] <= 0 || width > Integer.MAX_VALUE) {
          throw new DataException(
              file.field(), file.name() + ": array '" + names.x() + "' has bad shape " + xs);
        }
        dims[i] = (int) sampleDims[i];
      }
      if (n * width > Integer.MAX_VALUE - 8) {
        throw new DataException(
            file.field(),
            file.name() + ": " + n + " samples of " + width + " values do not fit one float array");
      }
      checkLength(file, y, names.y(), n, names.x());
      checkLength(file, ids, names.sampleId(), n, names.x());
      if (subjects != null) {
        checkLength(file, subjects, names.subjectId(), n, names.x());
      }
      RawTable table =
          new RawTable(
              file,
              RawTable.Position.ROW,
              SampleShape.of(dims),
              names.sampleId(),
              names.y(),
              names.subjectId(),
              true,
              List.of(),
              new Interner(),
              new Interner());
      table.size = (int) n;
      table.values = floats(file, x, names.x());
      table.ids = integers(file, ids, names.sampleId());
      long[] labels = integers(file, y, names.y());
      table.labels = new int[(int) n];
      for (int i = 0; i < n; i++) {
        table.labels[i] = table.labelNames.code(Long.toString(labels[i]));
      }
      if (subjects != null) {
        long[] s = integers(file, subjects, names.subjectId());
        table.subjects = new int[(int) n];
        for (int i = 0; i < n; i++) {
          table.subjects[i] = table.subjectNames.code(Long.toString(s[i]));
        }
      }
      return table;
    }
  }

  /**
   * Looks at each entry's NPY header line before DJL decodes anything, for two things DJL does not
   * check. A big-endian array ({@code '>f4'}) would be read as garbage without an error, so it is
   * refused by name. A header whose shape needs more bytes than the entry holds (a corrupt or
   * hostile file) is refused before anything of that size is allocated. Only the {@code descr} and
   * {@code shape} of the header line are looked at; the decoding itself stays DJL's. Files on disk
   * only (the shipped resources are checked by their tests).
   */
  private static void checkHeaders(DataFile file) {
    if (file.path() == null) {
      return;
    }
    try (ZipFile zip = new ZipFile(file.path().toFile())) {
      var entries = zip.entries();
      while (entries.hasMoreElements()) {
        ZipEntry entry = entries.nextElement();
        String head;
        try (InputStream in = zip.getInputStream(entry)) {
          head = new String(in.readNBytes(512), StandardCharsets.ISO_8859_1);
        }
        String name = entry.getName().replaceFirst("\\.npy$", "");
        Matcher descr = DESCR.matcher(head);
        if (!descr.find()) {
          continue; // not an NPY header DJL can read either: its decode will say so
        }
        String dtype = descr.group(1);
        if (dtype.startsWith(">")) {
          throw new DataException(
              file.field(),
              file.name()
                  + ": array '"
                  + name
                  + "' is big-endian ("
                  + dtype
                  + "), which DJL would misread; save it little-endian, e.g."
                  + " x.astype(x.dtype.newbyteorder('<'))");
        }
        long needed = bytesOf(head, dtype);
        if (needed > 0 && entry.getSize() >= 0 && needed > entry.getSize()) {
          throw new DataException(
              file.field(),
              file.name()
                  + ": array '"
                  + name
                  + "' announces "
                  + needed
                  + " bytes of data but holds "
                  + entry.getSize()
                  + " bytes in all: the file is truncated or corrupt");
        }
      }
    } catch (IOException e) {
      // Not a zip file: DJL's decode reports it with its own message.
    }
  }

  /** The data bytes a header's shape and dtype announce, or -1 where they cannot be told. */
  private static long bytesOf(String head, String dtype) {
    Matcher shape = SHAPE.matcher(head);
    Matcher size = ITEM_SIZE.matcher(dtype);
    if (!shape.find() || !size.find()) {
      return -1;
    }
    long bytes = Long.parseLong(size.group(1));
    for (String dim : shape.group(1).split(",")) {
      if (!dim.isBlank()) {
        try {
          bytes = Math.multiplyExact(bytes, Long.parseLong(dim.strip()));
        } catch (NumberFormatException | ArithmeticException e) {
          return Long.MAX_VALUE;
        }
      }
    }
    return bytes;
  }

  private static NDList decode(DataFile file, NDManager manager, byte[] bytes) {
    try {
      return NDList.decode(manager, bytes);
    } catch (IllegalArgumentException e) {
      String message = String.valueOf(e.getMessage());
      if (message.contains("Unsupported dataType")) {
        throw new DataException(
            file.field(),
            file.name()
                + " holds an array DJL cannot read ("
                + message
                + "): string arrays are not supported; give string subject ids in a subject"
                + " manifest CSV (sample_id,subject_id)",
            e);
      }
      String hint =
          message.contains("'fortran_order': True")
              ? " (a Fortran-ordered array: save np.ascontiguousarray(x))"
              : "";
      throw new DataException(
          file.field(), file.name() + ": not a readable .npz file: " + message + hint, e);
    } catch (RuntimeException e) {
      throw new DataException(
          file.field(), file.name() + ": not a readable .npz file: " + e.getMessage(), e);
    }
  }

  private static NDArray array(
      DataFile file, NDList list, String name, String field, boolean required) {
    List<String> present = new ArrayList<>();
    for (NDArray a : list) {
      if (name.equals(a.getName())) {
        return a;
      }
      present.add(a.getName());
    }
    if (!required) {
      return null;
    }
    throw new DataException(
        field,
        "no array '"
            + name
            + "' in "
            + file.name()
            + " (arrays: "
            + String.join(", ", present)
            + ")");
  }

  private static void checkLength(DataFile file, NDArray a, String name, long n, String xName) {
    Shape s = a.getShape();
    if (s.dimension() != 1 || s.get(0) != n) {
      throw new DataException(
          file.field(),
          file.name()
              + ": array '"
              + name
              + "' has shape "
              + s
              + " but '"
              + xName
              + "' holds "
              + n
              + " samples; expected ("
              + n
              + ")");
    }
  }

  private static float[] floats(DataFile file, NDArray x, String name) {
    DataType type = x.getDataType();
    if (!type.isFloating() && !type.isInteger()) {
      throw new DataException(
          file.field(), file.name() + ": array '" + name + "' has dtype " + type + ", not numeric");
    }
    float[] values =
        type == DataType.FLOAT32
            ? x.toFloatArray()
            : x.toType(DataType.FLOAT32, false).toFloatArray();
    for (int i = 0; i < values.length; i++) {
      if (!Float.isFinite(values[i])) {
        int width = (int) (x.getShape().size() / x.getShape().get(0));
        throw new DataException(
            file.field(),
            file.name()
                + " row "
                + i / width
                + ", array '"
                + name
                + "': not a finite number: "
                + values[i]);
      }
    }
    return values;
  }

  private static long[] integers(DataFile file, NDArray a, String name) {
    DataType type = a.getDataType();
    if (!type.isInteger()) {
      throw new DataException(
          file.field(),
          file.name() + ": array '" + name + "' has dtype " + type + "; integers are needed");
    }
    return type == DataType.INT64 ? a.toLongArray() : a.toType(DataType.INT64, false).toLongArray();
  }
}
