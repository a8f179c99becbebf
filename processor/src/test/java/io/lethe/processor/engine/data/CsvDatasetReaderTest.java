package io.lethe.processor.engine.data;

import static io.lethe.processor.engine.data.DataFixtures.assertDataError;
import static io.lethe.processor.engine.data.DataFixtures.editLine;
import static io.lethe.processor.engine.data.DataFixtures.lines;
import static io.lethe.processor.engine.data.DataFixtures.setCell;
import static io.lethe.processor.engine.data.DataFixtures.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CSV path of {@link DatasetLoader} on the shipped patient table and broken copies of it. */
class CsvDatasetReaderTest {

  private static final Path SHIPPED = DataFixtures.shipped("breast-cancer-wisconsin");
  private static final DatasetSpec.Columns COLUMNS =
      new DatasetSpec.Columns("sample_id", "patient_id", "diagnosis", List.of());
  private static final DatasetSpec SPEC =
      DatasetSpec.csv("train.csv", "test.csv").withColumns(COLUMNS);

  @TempDir Path dir;
  private Path train;
  private Path test;

  @BeforeEach
  void copyShipped() throws IOException {
    train = Files.copy(SHIPPED.resolve("train.csv"), dir.resolve("train.csv"));
    test = Files.copy(SHIPPED.resolve("test.csv"), dir.resolve("test.csv"));
  }

  @Test
  void readsTheShippedPatientTable() {
    ModelData data = DatasetLoader.load(SPEC, SHIPPED);
    Dataset tr = data.train().data();
    Dataset te = data.test().data();
    assertEquals(456, tr.size());
    assertEquals(113, te.size());
    assertEquals(SampleShape.of(30), data.shape());
    // Classes: the sorted distinct training labels, recorded.
    assertEquals(List.of("benign", "malignant"), data.classNames());
    assertArrayEquals(new int[] {286, 170}, tr.classCounts());
    assertArrayEquals(new int[] {71, 42}, te.classCounts());
    assertNull(data.standardization());
    // Row 0: 0,patient-0000,malignant,17.99,10.38,...
    assertEquals(0L, tr.id(0));
    assertEquals(1, tr.label(0));
    assertEquals(17.99f, tr.feature(0, 0));
    assertEquals(10.38f, tr.feature(0, 1));
    // The last feature of the first test row (sample 4): worst_fractal_dimension.
    assertEquals(4L, te.id(0));
    assertEquals(Float.parseFloat(lastCell(lines(test).get(1))), te.feature(0, 29));
    // Subjects are the patient ids; one patient per row.
    SubjectIndex subjects = data.train().subjects();
    assertEquals(456, subjects.size());
    assertEquals(Optional.of("patient-0000"), subjects.subjectOf(0));
    assertArrayEquals(new long[] {1}, subjects.samplesOf("patient-0001"));
    assertEquals(Optional.empty(), subjects.subjectOf(4), "sample 4 is a test row");
    assertEquals(Optional.of("patient-0004"), data.test().subjects().subjectOf(4));
  }

  @Test
  void standardizesWithTheTrainingRowsOnly() {
    ModelData raw = DatasetLoader.load(SPEC, SHIPPED);
    ModelData std = DatasetLoader.load(SPEC.withStandardize(true), SHIPPED);
    Standardization s = std.standardization();
    assertEquals(30, s.size());
    Standardization fromTrain = Standardization.fit(raw.train().data());
    assertEquals(fromTrain, s);
    Dataset tr = std.train().data();
    for (int j = 0; j < 30; j++) {
      double mean = 0;
      for (int i = 0; i < tr.size(); i++) {
        mean += tr.feature(i, j);
      }
      assertEquals(0, mean / tr.size(), 1e-4, "feature " + j);
    }
    // The test rows get the training statistics, not their own.
    float rawValue = raw.test().data().feature(5, 3);
    assertEquals((rawValue - s.mean()[3]) / s.std()[3], std.test().data().feature(5, 3), 1e-5);
  }

  @Test
  void oneFileWithASplitColumnGivesTheSameSides() {
    List<String> both = new ArrayList<>();
    both.add(lines(train).get(0) + ",part");
    lines(train).stream().skip(1).forEach(l -> both.add(l + ",fit"));
    lines(test).stream().skip(1).forEach(l -> both.add(l + ",holdout"));
    write(dir.resolve("all.csv"), both);
    DatasetSpec spec =
        DatasetSpec.csv("all.csv", new DatasetSpec.Split("part", "fit", "holdout"))
            .withColumns(COLUMNS);
    ModelData one = DatasetLoader.load(spec, dir);
    ModelData two = DatasetLoader.load(SPEC, dir);
    assertArrayEquals(two.train().data().ids(), one.train().data().ids());
    assertArrayEquals(two.test().data().ids(), one.test().data().ids());
    assertArrayEquals(two.test().data().features(7), one.test().data().features(7));
    assertEquals(SampleShape.of(30), one.shape(), "the split column is not a feature");
    assertEquals(two.train().subjects().subjects(), one.train().subjects().subjects());
  }

  @Test
  void declaredClassesFixTheOrderAndNamedFeaturesTheColumns() {
    DatasetSpec spec =
        SPEC.withClasses(List.of("malignant", "benign"))
            .withColumns(
                new DatasetSpec.Columns(
                    "sample_id", "patient_id", "diagnosis", List.of("worst_area", "mean_radius")));
    ModelData data = DatasetLoader.load(spec, SHIPPED);
    assertEquals(List.of("malignant", "benign"), data.classNames());
    assertEquals(0, data.train().data().label(0), "sample 0 is malignant");
    assertEquals(SampleShape.of(2), data.shape());
    assertEquals(2019.0f, data.train().data().feature(0, 0));
    assertEquals(17.99f, data.train().data().feature(0, 1));
  }

  @Test
  void aNonNumericCellNamesFileLineAndColumn() {
    editLine(SHIPPED.resolve("train.csv"), train, 17, l -> setCell(l, 3, "abc"));
    assertDataError(
        "train",
        "train.csv line 17, column 'mean_radius': not a number: 'abc'",
        () -> DatasetLoader.load(SPEC, dir));
  }

  @Test
  void anEmptyOrNonFiniteCellIsRefused() {
    editLine(SHIPPED.resolve("test.csv"), test, 3, l -> setCell(l, 4, ""));
    assertDataError(
        "test",
        "test.csv line 3, column 'mean_texture': empty cell, a number is needed",
        () -> DatasetLoader.load(SPEC, dir));
    editLine(SHIPPED.resolve("test.csv"), test, 3, l -> setCell(l, 4, "NaN"));
    assertDataError(
        "test",
        "test.csv line 3, column 'mean_texture': not a finite number: 'NaN'",
        () -> DatasetLoader.load(SPEC, dir));
  }

  @Test
  void aMissingColumnListsTheColumns() {
    DataException e =
        assertDataErrorStartsWith(
            "columns.label",
            "no column 'labl' in train.csv (columns: sample_id, patient_id, diagnosis, mean_radius,",
            SPEC.withColumns(new DatasetSpec.Columns("sample_id", "patient_id", "labl", null)));
    assertTrue(e.getMessage().endsWith("worst_fractal_dimension)"), e.getMessage());
    assertDataErrorStartsWith(
        "columns.sampleId",
        "no column 'id' in train.csv",
        SPEC.withColumns(new DatasetSpec.Columns("id", "patient_id", "diagnosis", null)));
    assertDataErrorStartsWith(
        "columns.subject",
        "no column 'subject_id' in train.csv",
        SPEC.withColumns(new DatasetSpec.Columns(null, null, "diagnosis", null)));
    assertDataErrorStartsWith(
        "columns.features",
        "no column 'mean_radios' in train.csv",
        SPEC.withColumns(
            new DatasetSpec.Columns(
                "sample_id", "patient_id", "diagnosis", List.of("mean_radios"))));
  }

  @Test
  void aFeatureMissingFromTheTestFileIsNamed() {
    List<String> lines = lines(test);
    lines.replaceAll(l -> l.substring(0, l.lastIndexOf(',')));
    write(test, lines);
    assertDataErrorStartsWith(
        "columns.features", "no column 'worst_fractal_dimension' in test.csv", SPEC);
  }

  @Test
  void aMissingSampleIdIsRefused() {
    editLine(SHIPPED.resolve("train.csv"), train, 5, l -> setCell(l, 0, ""));
    assertDataError(
        "train",
        "train.csv line 5, column 'sample_id': missing sample id",
        () -> DatasetLoader.load(SPEC, dir));
    editLine(SHIPPED.resolve("train.csv"), train, 5, l -> setCell(l, 0, "5.5"));
    assertDataError(
        "train",
        "train.csv line 5, column 'sample_id': a sample id must be an integer: '5.5'",
        () -> DatasetLoader.load(SPEC, dir));
  }

  @Test
  void aDuplicateSampleIdNamesBothLines() {
    // Line 3 holds sample 1; give line 10 the same id.
    editLine(SHIPPED.resolve("train.csv"), train, 10, l -> setCell(l, 0, "1"));
    assertDataError(
        "train",
        "train.csv line 10, column 'sample_id': sample id 1 repeats (first at train.csv line 3)",
        () -> DatasetLoader.load(SPEC, dir));
  }

  @Test
  void aTestSampleThatIsAlsoATrainingSampleIsRefused() {
    editLine(SHIPPED.resolve("test.csv"), test, 2, l -> setCell(l, 0, "0"));
    assertDataError(
        "test",
        "test.csv line 2, column 'sample_id': sample id 0 is also a training sample"
            + " (train.csv line 2)",
        () -> DatasetLoader.load(SPEC, dir));
  }

  @Test
  void aMissingSubjectIsRefused() {
    editLine(SHIPPED.resolve("train.csv"), train, 8, l -> setCell(l, 1, ""));
    assertDataError(
        "train",
        "train.csv line 8, column 'patient_id': missing subject",
        () -> DatasetLoader.load(SPEC, dir));
  }

  @Test
  void aLabelOutsideTheClassesIsRefused() {
    editLine(SHIPPED.resolve("train.csv"), train, 4, l -> setCell(l, 2, "benighn"));
    assertDataError(
        "classes",
        "train.csv line 4, column 'diagnosis': label 'benighn' is not one of the declared classes"
            + " [benign, malignant]",
        () -> DatasetLoader.load(SPEC.withClasses(List.of("benign", "malignant")), dir));
    // Without declared classes the test set may hold only labels the training rows have.
    copyShippedTrain();
    editLine(SHIPPED.resolve("test.csv"), test, 6, l -> setCell(l, 2, "unknown"));
    assertDataError(
        "test",
        "test.csv line 6, column 'diagnosis': label 'unknown' is not one of the training labels"
            + " [benign, malignant]",
        () -> DatasetLoader.load(SPEC, dir));
  }

  @Test
  void aRowOfTheWrongWidthIsRefused() {
    editLine(SHIPPED.resolve("train.csv"), train, 9, l -> l + ",1.0");
    assertDataError(
        "train",
        "train.csv line 9: 34 cells, but the header has 33 columns",
        () -> DatasetLoader.load(SPEC, dir));
  }

  @Test
  void anUnknownSplitValueIsRefused() {
    List<String> lines = lines(train);
    lines.set(0, lines.get(0) + ",split");
    for (int i = 1; i < lines.size(); i++) {
      lines.set(i, lines.get(i) + (i == 12 ? ",validation" : i % 2 == 0 ? ",train" : ",test"));
    }
    write(train, lines);
    assertDataError(
        "train",
        "train.csv line 13, column 'split': 'validation' is neither 'train' nor 'test'",
        () ->
            DatasetLoader.load(
                DatasetSpec.csv("train.csv", DatasetSpec.Split.defaults()).withColumns(COLUMNS),
                dir));
  }

  @Test
  void aMissingFileOrSideIsRefused() throws IOException {
    Files.delete(test);
    assertDataError("test", "file not found: " + test, () -> DatasetLoader.load(SPEC, dir));
    assertDataError(
        "test",
        "no held-out test set: name a test file, or a split column in one file",
        () ->
            DatasetLoader.load(
                new DatasetSpec(
                    DatasetSpec.Format.CSV,
                    "train.csv",
                    null,
                    null,
                    null,
                    COLUMNS,
                    null,
                    List.of(),
                    false,
                    null,
                    null),
                dir));
    write(test, List.of(lines(SHIPPED.resolve("test.csv")).get(0)));
    assertDataError("test", "test.csv holds no test rows", () -> DatasetLoader.load(SPEC, dir));
  }

  private void copyShippedTrain() {
    write(train, lines(SHIPPED.resolve("train.csv")));
  }

  private DataException assertDataErrorStartsWith(String field, String prefix, DatasetSpec spec) {
    DataException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            DataException.class, () -> DatasetLoader.load(spec, dir));
    assertEquals(field, e.field(), e.getMessage());
    assertTrue(e.getMessage().startsWith(prefix), e.getMessage());
    return e;
  }

  private static String lastCell(String line) {
    return line.substring(line.lastIndexOf(',') + 1);
  }
}
