package io.lethe.processor.engine.data;

import java.util.ArrayList;
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

  /** Rows per chunk of a streaming reader's storage. */
  private static final int CHUNK_ROWS = 1 << 16;

  /**
   * A streaming reader's storage: rows are appended into fixed chunks and copied once, into arrays
   * of the exact size, by {@link #finish()}. So the peak is the rows twice, never the
   * grown-and-copied arrays of a doubling buffer, and nothing is copied while reading.
   */
  private List<Chunk> chunks;

  private boolean withSubjects;
  private boolean withLines;

  private record Chunk(float[] values, long[] ids, int[] labels, int[] subjects, int[] lines) {}

  /** Starts streaming storage; rows come through {@link #add}, then {@link #finish()}. */
  void startStreaming(boolean subjectsKept, boolean linesKept) {
    chunks = new ArrayList<>();
    withSubjects = subjectsKept;
    withLines = linesKept;
  }

  /** Appends a row whose features are {@code row[0..width)}. */
  void add(float[] row, long id, int label, int subject, int line) {
    int at = size % CHUNK_ROWS;
    if (at == 0) {
      if ((long) size + CHUNK_ROWS > (Integer.MAX_VALUE - 8) / Math.max(width, 1)) {
        throw new DataException(
            file.field(),
            file.name()
                + ": more than "
                + size
                + " rows of "
                + width
                + " features do not fit one float array; split the data or use fewer features");
      }
      chunks.add(
          new Chunk(
              new float[CHUNK_ROWS * width],
              new long[CHUNK_ROWS],
              new int[CHUNK_ROWS],
              withSubjects ? new int[CHUNK_ROWS] : null,
              withLines ? new int[CHUNK_ROWS] : null));
    }
    Chunk chunk = chunks.get(chunks.size() - 1);
    System.arraycopy(row, 0, chunk.values, at * width, width);
    chunk.ids[at] = id;
    chunk.labels[at] = label;
    if (withSubjects) {
      chunk.subjects[at] = subject;
    }
    if (withLines) {
      chunk.lines[at] = line;
    }
    size++;
  }

  /** Copies the streamed rows into exact arrays, dropping each chunk once it is copied. */
  void finish() {
    values = new float[size * width];
    ids = new long[size];
    labels = new int[size];
    subjects = withSubjects ? new int[size] : null;
    lines = withLines ? new int[size] : null;
    for (int c = 0; c < chunks.size(); c++) {
      Chunk chunk = chunks.get(c);
      chunks.set(c, null); // collectable while the next one is copied
      int from = c * CHUNK_ROWS;
      int n = Math.min(CHUNK_ROWS, size - from);
      System.arraycopy(chunk.values, 0, values, from * width, n * width);
      System.arraycopy(chunk.ids, 0, ids, from, n);
      System.arraycopy(chunk.labels, 0, labels, from, n);
      if (withSubjects) {
        System.arraycopy(chunk.subjects, 0, subjects, from, n);
      }
      if (withLines) {
        System.arraycopy(chunk.lines, 0, lines, from, n);
      }
    }
    chunks = null;
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
