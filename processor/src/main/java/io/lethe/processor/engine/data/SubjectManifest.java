package io.lethe.processor.engine.data;

import java.util.Arrays;
import java.util.List;

/**
 * A CSV naming the subject of each sample id ({@code sample_id,subject_id}, the column names of the
 * spec), for data whose format cannot hold string subject ids (NPZ, IDX). With a split column it
 * also names each sample's side, which is how one IDX or NPZ file carries the user's split.
 */
final class SubjectManifest {

  private final DataFile file;
  private final String idColumn;
  private final String subjectColumn;
  private final Interner subjects;

  /** Ids ascending, the subject code of each, its side (0 train, 1 test) and its CSV line. */
  private final long[] ids;

  private final int[] subjectOf;
  private final byte[] sideOf;
  private final int[] lineOf;

  private SubjectManifest(
      DataFile file,
      String idColumn,
      String subjectColumn,
      Interner subjects,
      long[] ids,
      int[] subjectOf,
      byte[] sideOf,
      int[] lineOf) {
    this.file = file;
    this.idColumn = idColumn;
    this.subjectColumn = subjectColumn;
    this.subjects = subjects;
    this.ids = ids;
    this.subjectOf = subjectOf;
    this.sideOf = sideOf;
    this.lineOf = lineOf;
  }

  /** Reads the manifest; with {@code split} non-null its split column is required. */
  static SubjectManifest read(DataFile file, DatasetSpec.Columns columns, DatasetSpec.Split split) {
    RawTable[] sides =
        CsvDatasetReader.read(
            file, new CsvDatasetReader.Request(columns, List.of(), split, false, true));
    int n = sides[0].size + (sides[1] == null ? 0 : sides[1].size);
    long[] ids = new long[n];
    int[] order = new int[n];
    int[] subjectOf = new int[n];
    byte[] sideOf = new byte[n];
    int[] lineOf = new int[n];
    int k = 0;
    for (int s = 0; s < 2; s++) {
      RawTable side = sides[s];
      for (int i = 0; side != null && i < side.size; i++, k++) {
        ids[k] = side.ids[i];
        order[k] = k;
        subjectOf[k] = side.subjects[i];
        sideOf[k] = (byte) s;
        lineOf[k] = side.lines[i];
      }
    }
    SubjectIndex.sortByKey(ids, order);
    int[] sortedSubject = new int[n];
    byte[] sortedSide = new byte[n];
    int[] sortedLine = new int[n];
    for (int i = 0; i < n; i++) {
      sortedSubject[i] = subjectOf[order[i]];
      sortedSide[i] = sideOf[order[i]];
      sortedLine[i] = lineOf[order[i]];
    }
    for (int i = 1; i < n; i++) {
      if (ids[i] == ids[i - 1]) {
        throw new DataException(
            file.field(),
            file.name()
                + " line "
                + Math.max(sortedLine[i], sortedLine[i - 1])
                + ", column '"
                + columns.sampleId()
                + "': sample id "
                + ids[i]
                + " repeats (also on line "
                + Math.min(sortedLine[i], sortedLine[i - 1])
                + ")");
      }
    }
    return new SubjectManifest(
        file,
        columns.sampleId(),
        columns.subject(),
        sides[0].subjectNames,
        ids,
        sortedSubject,
        sortedSide,
        sortedLine);
  }

  /**
   * Sets the subject of every row of {@code table} from this manifest. A row the manifest does not
   * name is an error when {@code required} (training rows: every one is someone's), else it is left
   * without a subject (a test row).
   */
  void assign(RawTable table, boolean required) {
    int[] codes = new int[table.size];
    for (int i = 0; i < table.size; i++) {
      int at = Arrays.binarySearch(ids, table.ids[i]);
      if (at < 0) {
        if (required) {
          // Every training row is someone's: a row without a subject could never be erased.
          throw missing(table, i);
        }
        codes[i] = -1;
      } else {
        codes[i] = table.subjectNames.code(subjects.name(subjectOf[at]));
      }
    }
    table.subjects = codes;
  }

  /** The rows of {@code table} split by the manifest's split column: {@code [train, test]}. */
  RawTable[] partition(RawTable table) {
    int[] side = new int[table.size];
    int tests = 0;
    for (int i = 0; i < table.size; i++) {
      int at = Arrays.binarySearch(ids, table.ids[i]);
      if (at < 0) {
        throw missing(table, i);
      }
      side[i] = sideOf[at];
      tests += side[i];
    }
    int[] train = new int[table.size - tests];
    int[] test = new int[tests];
    int a = 0;
    int b = 0;
    for (int i = 0; i < table.size; i++) {
      if (side[i] == 0) {
        train[a++] = i;
      } else {
        test[b++] = i;
      }
    }
    return new RawTable[] {table.select(train), table.select(test)};
  }

  private DataException missing(RawTable table, int row) {
    return new DataException(
        "subjects",
        file.name()
            + " has no row for sample id "
            + table.ids[row]
            + " ("
            + table.where(row)
            + ")");
  }

  /** The manifest's id column name, for messages. */
  String idColumn() {
    return idColumn;
  }
}
