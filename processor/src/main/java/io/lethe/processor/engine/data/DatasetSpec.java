package io.lethe.processor.engine.data;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Where a model's data is and how to read it: the catalog fills one per model, {@link
 * DatasetLoader#load} reads it. The training rows (the rows the model saw: its lineage) and a
 * held-out test set are the user's: either two files, or one file with a split column whose values
 * name the two sides. Lethe never re-splits them.
 *
 * <p>Property names (as {@link DataException#field()} reports them): {@code format}, {@code train},
 * {@code trainLabels}, {@code test}, {@code testLabels}, {@code columns.sampleId}, {@code
 * columns.subject}, {@code columns.label}, {@code columns.features}, {@code split.column}, {@code
 * classes}, {@code arrays.x}, {@code arrays.y}, {@code arrays.sampleId}, {@code arrays.subjectId},
 * {@code subjects}.
 *
 * @param format the file format
 * @param train CSV or NPZ file of the training rows; for IDX the training images file
 * @param trainLabels IDX only: the training labels file
 * @param test CSV or NPZ file of the held-out test rows, IDX test images; null with {@code split}
 * @param testLabels IDX only: the test labels file
 * @param columns CSV column names (also the column names of a subject manifest)
 * @param split a split column and the values naming train and test, read from the CSV {@code train}
 *     file (or, for IDX and NPZ, from the subject manifest); null with two files
 * @param classes declared class names in class-index order; empty: the sorted distinct labels of
 *     the training rows (numerically sorted when all are integers), recorded in {@link
 *     ModelData#classNames()}. CSV labels are matched by name; NPZ and IDX labels are integers that
 *     index this list
 * @param standardize whether to standardize each feature with the training rows' mean and std
 * @param arrays NPZ array names
 * @param subjects optional subject manifest CSV ({@code sample_id,subject_id}[{@code ,split}]) for
 *     NPZ and IDX (string subject ids, which NPZ cannot hold); for CSV it replaces the subject
 *     column
 */
public record DatasetSpec(
    Format format,
    String train,
    String trainLabels,
    String test,
    String testLabels,
    Columns columns,
    Split split,
    List<String> classes,
    boolean standardize,
    NpzArrays arrays,
    String subjects) {

  /** The file formats a dataset can come in. */
  public enum Format {
    IDX,
    CSV,
    NPZ
  }

  /**
   * CSV column names.
   *
   * @param sampleId the integer sample id, unique over train and test
   * @param subject the data subject owning the row (any string)
   * @param label the class label (any string, or an integer)
   * @param features the numeric feature columns in order; empty: every other column
   */
  public record Columns(String sampleId, String subject, String label, List<String> features) {

    public static final String SAMPLE_ID = "sample_id";
    public static final String SUBJECT = "subject_id";
    public static final String LABEL = "label";

    public Columns {
      sampleId = sampleId == null ? SAMPLE_ID : sampleId;
      subject = subject == null ? SUBJECT : subject;
      label = label == null ? LABEL : label;
      features = features == null ? List.of() : List.copyOf(features);
    }

    public static Columns defaults() {
      return new Columns(null, null, null, null);
    }
  }

  /**
   * One file holding both sides: the column whose value names the side of each row.
   *
   * @param column the split column
   * @param train the value marking a training row
   * @param test the value marking a test row
   */
  public record Split(String column, String train, String test) {

    public Split {
      column = column == null ? "split" : column;
      train = train == null ? "train" : train;
      test = test == null ? "test" : test;
      if (train.equals(test)) {
        throw new DataException("split", "train and test are both named '" + train + "'");
      }
    }

    public static Split defaults() {
      return new Split(null, null, null);
    }
  }

  /**
   * NPZ array names.
   *
   * @param x features, shape {@code [n, d...]}: each sample has shape {@code d...}
   * @param y integer labels, {@code [n]}
   * @param sampleId integer sample ids, {@code [n]}
   * @param subjectId optional integer subject ids, {@code [n]} (string ids: use a manifest)
   */
  public record NpzArrays(String x, String y, String sampleId, String subjectId) {

    public NpzArrays {
      x = x == null ? "x" : x;
      y = y == null ? "y" : y;
      sampleId = sampleId == null ? "sample_id" : sampleId;
      subjectId = subjectId == null ? "subject_id" : subjectId;
    }

    public static NpzArrays defaults() {
      return new NpzArrays(null, null, null, null);
    }
  }

  public DatasetSpec {
    columns = columns == null ? Columns.defaults() : columns;
    arrays = arrays == null ? NpzArrays.defaults() : arrays;
    // Not List.copyOf: a null name must reach check() and its message, not an NPE here.
    classes = classes == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(classes));
  }

  /** A CSV dataset in two files, default column names, no declared classes, not standardized. */
  public static DatasetSpec csv(String train, String test) {
    return new DatasetSpec(
        Format.CSV, train, null, test, null, null, null, List.of(), false, null, null);
  }

  /** A CSV dataset in one file with a split column. */
  public static DatasetSpec csv(String file, Split split) {
    return new DatasetSpec(
        Format.CSV, file, null, null, null, null, split, List.of(), false, null, null);
  }

  /** An NPZ dataset in two files with the default array names. */
  public static DatasetSpec npz(String train, String test) {
    return new DatasetSpec(
        Format.NPZ, train, null, test, null, null, null, List.of(), false, null, null);
  }

  /** An IDX dataset in two image/label file pairs. */
  public static DatasetSpec idx(
      String trainImages, String trainLabels, String testImages, String testLabels) {
    return new DatasetSpec(
        Format.IDX,
        trainImages,
        trainLabels,
        testImages,
        testLabels,
        null,
        null,
        List.of(),
        false,
        null,
        null);
  }

  public DatasetSpec withColumns(Columns value) {
    return new DatasetSpec(
        format,
        train,
        trainLabels,
        test,
        testLabels,
        value,
        split,
        classes,
        standardize,
        arrays,
        subjects);
  }

  public DatasetSpec withSplit(Split value) {
    return new DatasetSpec(
        format,
        train,
        trainLabels,
        test,
        testLabels,
        columns,
        value,
        classes,
        standardize,
        arrays,
        subjects);
  }

  public DatasetSpec withClasses(List<String> value) {
    return new DatasetSpec(
        format,
        train,
        trainLabels,
        test,
        testLabels,
        columns,
        split,
        value,
        standardize,
        arrays,
        subjects);
  }

  public DatasetSpec withStandardize(boolean value) {
    return new DatasetSpec(
        format,
        train,
        trainLabels,
        test,
        testLabels,
        columns,
        split,
        classes,
        value,
        arrays,
        subjects);
  }

  public DatasetSpec withArrays(NpzArrays value) {
    return new DatasetSpec(
        format,
        train,
        trainLabels,
        test,
        testLabels,
        columns,
        split,
        classes,
        standardize,
        value,
        subjects);
  }

  /** With a subject manifest CSV ({@code sample_id,subject_id}). */
  public DatasetSpec withSubjects(String manifest) {
    return new DatasetSpec(
        format,
        train,
        trainLabels,
        test,
        testLabels,
        columns,
        split,
        classes,
        standardize,
        arrays,
        manifest);
  }

  /** Checks the spec's own consistency (not the files): the first problem, as a DataException. */
  public void check() {
    if (format == null) {
      throw new DataException("format", "no format given (IDX, CSV or NPZ)");
    }
    if (train == null || train.isBlank()) {
      throw new DataException("train", "no training file given");
    }
    if (test == null && split == null) {
      throw new DataException(
          "test", "no held-out test set: name a test file, or a split column in one file");
    }
    if (test != null && split != null) {
      throw new DataException(
          "split", "a test file and a split column are both given: name one of them");
    }
    if (format == Format.IDX) {
      requireNonBlank(trainLabels, "trainLabels", "an IDX dataset needs the training labels file");
      if (test != null) {
        requireNonBlank(testLabels, "testLabels", "an IDX dataset needs the test labels file");
      }
      if (subjects == null) {
        throw new DataException(
            "subjects", "an IDX dataset needs a subject manifest (sample_id,subject_id)");
      }
    } else {
      if (trainLabels != null) {
        throw new DataException("trainLabels", "only an IDX dataset has a separate labels file");
      }
      if (testLabels != null) {
        throw new DataException("testLabels", "only an IDX dataset has a separate labels file");
      }
    }
    if (split != null && format != Format.CSV && subjects == null) {
      throw new DataException(
          "split",
          "a split column of an "
              + format
              + " dataset is read from the subject manifest: name one");
    }
    if (classes.stream().anyMatch(c -> c == null || c.isBlank())) {
      throw new DataException("classes", "a class name is empty: " + classes);
    }
    if (classes.stream().distinct().count() != classes.size()) {
      throw new DataException("classes", "class names repeat: " + classes);
    }
  }

  private static void requireNonBlank(String value, String field, String message) {
    if (value == null || value.isBlank()) {
      throw new DataException(field, message);
    }
  }
}
