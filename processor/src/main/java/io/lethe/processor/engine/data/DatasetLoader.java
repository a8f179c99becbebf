package io.lethe.processor.engine.data;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a model's data as its {@link DatasetSpec} describes: the training rows (the model's
 * lineage) and the user's held-out test rows, exactly as the user split them (never re-split), with
 * the subjects the data names, classes in a fixed and recorded order, and optionally features
 * standardized with the training rows' statistics.
 *
 * <p>Checks, each a {@link DataException} naming the file, line or row, and column: unreadable or
 * missing files and columns, non-numeric cells, missing or repeated sample ids (unique over train
 * and test together), training rows without a subject, labels outside the declared classes (or, for
 * the test set, outside the training classes), arrays of different lengths, and a test set whose
 * sample shape differs from the training set's. The fit of the shape to an architecture is the
 * caller's check.
 */
public final class DatasetLoader {

  private DatasetLoader() {}

  /** Loads {@code spec}, resolving relative paths against {@code baseDir}. */
  public static ModelData load(DatasetSpec spec, Path baseDir) {
    spec.check();
    RawTable[] sides = read(spec, baseDir);
    RawTable train = sides[0];
    RawTable test = sides[1];
    if (train.size == 0) {
      throw new DataException("train", train.file.name() + " holds no training rows");
    }
    if (test.size == 0) {
      throw new DataException(
          spec.test() == null ? "split" : "test", test.file.name() + " holds no test rows");
    }
    if (!train.shape.equals(test.shape)) {
      throw new DataException(
          "test",
          "the test samples ("
              + test.file.name()
              + ") have shape "
              + test.shape
              + " but the training samples ("
              + train.file.name()
              + ") have shape "
              + train.shape);
    }
    if (train.subjects == null) {
      throw new DataException(
          "subjects",
          train.file.name()
              + " names no subjects (no '"
              + train.subjectColumn
              + "'): give a subject "
              + (spec.format() == DatasetSpec.Format.NPZ ? "array or a " : "column or a ")
              + "subject manifest (sample_id,subject_id)");
    }
    checkIds(train, test);
    List<String> classes = classes(spec, train);
    int[] trainLabels = labels(spec, train, classes);
    int[] testLabels = labels(spec, test, classes);
    Standardization standardization = null;
    if (spec.standardize()) {
      Dataset raw = Dataset.of(train.values, trainLabels, train.ids, train.shape, classes.size());
      standardization = Standardization.fit(raw);
      standardization.applyInPlace(train.values);
      standardization.applyInPlace(test.values);
    }
    return new ModelData(
        loaded(train, trainLabels, classes.size()),
        loaded(test, testLabels, classes.size()),
        classes,
        standardization);
  }

  private static LoadedData loaded(RawTable table, int[] labels, int numClasses) {
    Dataset data = Dataset.of(table.values, labels, table.ids, table.shape, numClasses);
    SubjectIndex subjects =
        table.subjects == null
            ? SubjectIndex.empty()
            : SubjectIndex.ofCodes(table.ids, table.subjects, table.subjectNames.names());
    return new LoadedData(data, subjects);
  }

  /** Reads both sides: {@code [train, test]}. */
  private static RawTable[] read(DatasetSpec spec, Path baseDir) {
    DataFile trainFile = DataFile.resolve(spec.train(), "train", baseDir);
    SubjectManifest manifest = null;
    if (spec.subjects() != null) {
      DatasetSpec.Split manifestSplit =
          spec.format() == DatasetSpec.Format.CSV ? null : spec.split();
      manifest =
          SubjectManifest.read(
              DataFile.resolve(spec.subjects(), "subjects", baseDir),
              spec.columns(),
              manifestSplit);
    }
    RawTable[] sides =
        switch (spec.format()) {
          case CSV -> readCsv(spec, baseDir, trainFile, manifest == null);
          case NPZ -> {
            RawTable train = NpzDatasetReader.read(trainFile, spec.arrays());
            RawTable test =
                spec.test() == null
                    ? null
                    : NpzDatasetReader.read(
                        DataFile.resolve(spec.test(), "test", baseDir), spec.arrays());
            yield new RawTable[] {train, test};
          }
          case IDX -> {
            DataFile labels = DataFile.resolve(spec.trainLabels(), "trainLabels", baseDir);
            RawTable train = IdxReader.readRaw(trainFile, labels, 0);
            RawTable test = null;
            if (spec.test() != null) {
              // IDX has no ids: the test records are numbered on after the training records, so
              // the ids are unique over both sides.
              test =
                  IdxReader.readRaw(
                      DataFile.resolve(spec.test(), "test", baseDir),
                      DataFile.resolve(spec.testLabels(), "testLabels", baseDir),
                      train.size);
            }
            yield new RawTable[] {train, test};
          }
        };
    if (manifest != null) {
      if (sides[1] == null) {
        // One IDX or NPZ file; the manifest's split column names the side of each sample.
        sides = manifest.partition(sides[0]);
      }
      manifest.assign(sides[0], true);
      manifest.assign(sides[1], false);
    }
    return sides;
  }

  private static RawTable[] readCsv(
      DatasetSpec spec, Path baseDir, DataFile trainFile, boolean subjectColumn) {
    DatasetSpec.Columns columns = spec.columns();
    List<String> features = columns.features().isEmpty() ? null : columns.features();
    RawTable[] sides =
        CsvDatasetReader.read(
            trainFile,
            new CsvDatasetReader.Request(columns, features, spec.split(), true, subjectColumn));
    if (sides[1] == null) {
      // The test file must hold the training features, found by name (its column order is free).
      DataFile testFile = DataFile.resolve(spec.test(), "test", baseDir);
      sides[1] =
          CsvDatasetReader.read(
              testFile,
              new CsvDatasetReader.Request(columns, sides[0].featureNames, null, true, false))[0];
    }
    if (sides[0].shape == null) {
      throw new DataException(
          "columns.features",
          trainFile.name() + " has no feature column besides id, subject and label");
    }
    return sides;
  }

  /** Sample ids are unique within each side and over both, so lineage is unambiguous. */
  private static void checkIds(RawTable train, RawTable test) {
    long[] sortedTrain = checkUnique(train);
    checkUnique(test);
    for (int i = 0; i < test.size; i++) {
      int at = Arrays.binarySearch(sortedTrain, test.ids[i]);
      if (at >= 0) {
        int trainRow = rowOf(train, test.ids[i]);
        throw new DataException(
            "test",
            test.where(i, test.idColumn)
                + ": sample id "
                + test.ids[i]
                + " is also a training sample ("
                + train.where(trainRow)
                + ")");
      }
    }
  }

  private static long[] checkUnique(RawTable table) {
    long[] sorted = Arrays.copyOf(table.ids, table.size);
    Arrays.sort(sorted);
    for (int i = 1; i < sorted.length; i++) {
      if (sorted[i] == sorted[i - 1]) {
        long id = sorted[i];
        int first = rowOf(table, id);
        int second = -1;
        for (int r = first + 1; r < table.size && second < 0; r++) {
          if (table.ids[r] == id) {
            second = r;
          }
        }
        throw new DataException(
            table.file.field(),
            table.where(second, table.idColumn)
                + ": sample id "
                + id
                + " repeats (first at "
                + table.where(first)
                + ")");
      }
    }
    return sorted;
  }

  private static int rowOf(RawTable table, long id) {
    for (int r = 0; r < table.size; r++) {
      if (table.ids[r] == id) {
        return r;
      }
    }
    return -1;
  }

  /** Declared classes, or the sorted distinct training labels (numerically if all integers). */
  private static List<String> classes(DatasetSpec spec, RawTable train) {
    if (!spec.classes().isEmpty()) {
      return spec.classes();
    }
    List<String> names = new ArrayList<>(train.labelNames.names());
    boolean integers = names.stream().allMatch(DatasetLoader::isInteger);
    if (integers) {
      names.sort((a, b) -> Long.compare(Long.parseLong(a), Long.parseLong(b)));
    } else {
      names.sort(null);
    }
    if (names.size() < 2) {
      throw new DataException(
          "classes",
          train.file.name() + " holds only the label(s) " + names + "; a classifier needs two");
    }
    return names;
  }

  private static boolean isInteger(String s) {
    try {
      Long.parseLong(s);
      return true;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  /** Class index per row; a label the classes do not hold names its row. */
  private static int[] labels(DatasetSpec spec, RawTable table, List<String> classes) {
    boolean declared = !spec.classes().isEmpty();
    // Map each distinct label code once, then rows by code.
    int[] indexOfCode = new int[table.labelNames.size()];
    Map<String, Integer> byName = new HashMap<>();
    for (int c = 0; c < classes.size(); c++) {
      byName.put(classes.get(c), c);
    }
    for (int code = 0; code < indexOfCode.length; code++) {
      String label = table.labelNames.name(code);
      Integer index;
      if (table.numericLabels && declared) {
        // Integer labels (NPZ, IDX) index the declared class names.
        long value = Long.parseLong(label);
        index = value >= 0 && value < classes.size() ? (int) value : null;
      } else {
        index = byName.get(label);
      }
      indexOfCode[code] = index == null ? -1 : index;
    }
    int[] labels = new int[table.size];
    for (int i = 0; i < table.size; i++) {
      int index = indexOfCode[table.labels[i]];
      if (index < 0) {
        throw unknownLabel(table, i, classes, declared);
      }
      labels[i] = index;
    }
    return labels;
  }

  private static DataException unknownLabel(
      RawTable table, int row, List<String> classes, boolean declared) {
    String label = table.labelNames.name(table.labels[row]);
    String where = table.where(row, table.labelColumn);
    if (table.numericLabels && declared) {
      return new DataException(
          "classes",
          where
              + ": label "
              + label
              + " outside the "
              + classes.size()
              + " declared classes (labels index "
              + classes
              + ")");
    }
    return new DataException(
        declared ? "classes" : table.file.field(),
        where
            + ": label '"
            + label
            + "' is not one of the "
            + (declared ? "declared classes " : "training labels ")
            + classes);
  }
}
