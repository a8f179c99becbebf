package io.lethe.processor.engine.data;

import java.util.Arrays;
import java.util.List;

/**
 * The rows of one side (train or test) as a reader produced them, before classes are fixed and
 * features standardized: flat features, ids, interned label and subject codes, and where each row
 * came from (the CSV line), so that every later check can still name the file, line and column.
 */
final class RawTable {

  /** How rows are addressed in messages. */
  enum Position {
    /** A CSV line number (1-based, the header is line 1). */
    LINE,
    /** A 0-based row of an NPZ array. */
    ROW,
    /** A 0-based record of an IDX file. */
    RECORD
  }

  final DataFile file;
  final Position position;
  final SampleShape shape;
  final int width;
  final String idColumn;
  final String labelColumn;
  final String subjectColumn;
  final Interner labelNames;
  final Interner subjectNames;

  /** Whether labels are integers that index the declared classes (NPZ, IDX) rather than names. */
  final boolean numericLabels;

  /** The CSV feature columns in order; empty for arrays. */
  final List<String> featureNames;

  float[] values;
  long[] ids;
  int[] labels;

  /** Subject code per row, -1 where unknown; null when the source holds no subjects at all. */
  int[] subjects;

  /** CSV line per row; null where the position is the row index. */
  int[] lines;

  int size;

  RawTable(
      DataFile file,
      Position position,
      SampleShape shape,
      String idColumn,
      String labelColumn,
      String subjectColumn,
      boolean numericLabels,
      List<String> featureNames,
      Interner labelNames,
      Interner subjectNames) {
    this.file = file;
    this.position = position;
    this.shape = shape;
    this.width = shape == null ? 0 : shape.size();
    this.idColumn = idColumn;
    this.labelColumn = labelColumn;
    this.subjectColumn = subjectColumn;
    this.numericLabels = numericLabels;
    this.featureNames = featureNames;
    this.labelNames = labelNames;
    this.subjectNames = subjectNames;
  }

  /** Room for {@code capacity} rows of growing storage, for streaming readers. */
  void allocate(int capacity, boolean withSubjects, boolean withLines) {
    values = new float[Math.multiplyExact(capacity, Math.max(width, 1))];
    ids = new long[capacity];
    labels = new int[capacity];
    subjects = withSubjects ? new int[capacity] : null;
    lines = withLines ? new int[capacity] : null;
  }

  /** Appends a row whose features are {@code row[0..width)}. */
  void add(float[] row, long id, int label, int subject, int line) {
    if (size == ids.length) {
      grow();
    }
    System.arraycopy(row, 0, values, size * width, width);
    ids[size] = id;
    labels[size] = label;
    if (subjects != null) {
      subjects[size] = subject;
    }
    if (lines != null) {
      lines[size] = line;
    }
    size++;
  }

  private void grow() {
    // 1.5x, not 2x: a million rows of 32 floats should not briefly need three times their size.
    int capacity = Math.max(16, Math.addExact(size, size >> 1));
    values = Arrays.copyOf(values, Math.multiplyExact(capacity, Math.max(width, 1)));
    ids = Arrays.copyOf(ids, capacity);
    labels = Arrays.copyOf(labels, capacity);
    if (subjects != null) {
      subjects = Arrays.copyOf(subjects, capacity);
    }
    if (lines != null) {
      lines = Arrays.copyOf(lines, capacity);
    }
  }

  /** Drops the unused capacity, so the Dataset holds exactly its rows. */
  void trim() {
    if (ids.length != size) {
      values = Arrays.copyOf(values, size * width);
      ids = Arrays.copyOf(ids, size);
      labels = Arrays.copyOf(labels, size);
      subjects = subjects == null ? null : Arrays.copyOf(subjects, size);
      lines = lines == null ? null : Arrays.copyOf(lines, size);
    }
  }

  /** A table of the given rows (copied), sharing this one's names. */
  RawTable select(int[] rows) {
    RawTable out =
        new RawTable(
            file,
            position,
            shape,
            idColumn,
            labelColumn,
            subjectColumn,
            numericLabels,
            featureNames,
            labelNames,
            subjectNames);
    out.values = new float[Math.multiplyExact(rows.length, width)];
    out.ids = new long[rows.length];
    out.labels = new int[rows.length];
    out.subjects = subjects == null ? null : new int[rows.length];
    out.lines = lines == null ? null : new int[rows.length];
    for (int k = 0; k < rows.length; k++) {
      int r = rows[k];
      System.arraycopy(values, r * width, out.values, k * width, width);
      out.ids[k] = ids[r];
      out.labels[k] = labels[r];
      if (subjects != null) {
        out.subjects[k] = subjects[r];
      }
      if (lines != null) {
        out.lines[k] = lines[r];
      }
    }
    out.size = rows.length;
    return out;
  }

  /** {@code train.csv line 17} / {@code train.npz row 16}. */
  String where(int row) {
    return switch (position) {
      case LINE -> file.name() + " line " + (lines == null ? row + 2 : lines[row]);
      case ROW -> file.name() + " row " + row;
      case RECORD -> file.name() + " record " + row;
    };
  }

  /** {@code train.csv line 17, column 'label'} / {@code train.npz row 16, array 'y'}. */
  String where(int row, String column) {
    return switch (position) {
      case LINE -> where(row) + ", column '" + column + "'";
      case ROW -> where(row) + ", array '" + column + "'";
      // An IDX file has no columns: the "column" is the file the value came from.
      case RECORD -> column + " record " + row;
    };
  }
}
