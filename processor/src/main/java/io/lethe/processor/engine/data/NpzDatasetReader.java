package io.lethe.processor.engine.data;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;

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

  private NpzDatasetReader() {}

  /** Reads {@code file} with the given array names; subjects null when there is no such array. */
  static RawTable read(DataFile file, DatasetSpec.NpzArrays names) {
    byte[] bytes = file.readAll(MAX_FILE_BYTES);
    try (NDManager manager = NDManager.newBaseManager()) {
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
      throw new DataException(
          file.field(), file.name() + ": not a readable .npz file: " + message, e);
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
