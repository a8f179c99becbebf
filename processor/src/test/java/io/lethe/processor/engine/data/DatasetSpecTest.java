package io.lethe.processor.engine.data;

import static io.lethe.processor.engine.data.DataFixtures.assertDataError;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The spec's own consistency, checked before any file is opened. */
class DatasetSpecTest {

  @TempDir Path dir;

  @Test
  void defaultsAreTheDocumentedNames() {
    DatasetSpec spec = DatasetSpec.csv("a.csv", "b.csv");
    assertEquals(
        new DatasetSpec.Columns("sample_id", "subject_id", "label", List.of()), spec.columns());
    assertEquals(new DatasetSpec.NpzArrays("x", "y", "sample_id", "subject_id"), spec.arrays());
    assertEquals(new DatasetSpec.Split("split", "train", "test"), DatasetSpec.Split.defaults());
  }

  @Test
  void bindsFromYamlWithDefaultsForWhatIsLeftOut() throws Exception {
    // The shape a catalog's dataset section can take when bound to the record by Jackson.
    String yaml =
        String.join(
            "\n",
            "format: CSV",
            "train: train.csv",
            "test: test.csv",
            "columns: {sampleId: sample_id, subject: patient_id, label: diagnosis}",
            "classes: [benign, malignant]",
            "standardize: true");
    DatasetSpec spec =
        new com.fasterxml.jackson.databind.ObjectMapper(
                new com.fasterxml.jackson.dataformat.yaml.YAMLFactory())
            .readValue(yaml, DatasetSpec.class);
    assertEquals(
        DatasetSpec.csv("train.csv", "test.csv")
            .withColumns(new DatasetSpec.Columns(null, "patient_id", "diagnosis", null))
            .withClasses(List.of("benign", "malignant"))
            .withStandardize(true),
        spec);
    ModelData data = DatasetLoader.load(spec, DataFixtures.shipped("breast-cancer-wisconsin"));
    assertEquals(456, data.train().data().size());
  }

  @Test
  void eachInconsistencyNamesItsProperty() {
    DatasetSpec csv = DatasetSpec.csv("a.csv", "b.csv");
    assertDataError(
        "format",
        "no format given (IDX, CSV or NPZ)",
        () ->
            new DatasetSpec(null, "a", null, "b", null, null, null, null, false, null, null)
                .check());
    assertDataError(
        "train", "no training file given", () -> DatasetSpec.csv(null, "b.csv").check());
    assertDataError(
        "split",
        "a test file and a split column are both given: name one of them",
        () -> csv.withSplit(DatasetSpec.Split.defaults()).check());
    assertDataError(
        "trainLabels",
        "an IDX dataset needs the training labels file",
        () -> DatasetSpec.idx("i", null, "ti", "tl").withSubjects("s.csv").check());
    assertDataError(
        "testLabels",
        "an IDX dataset needs the test labels file",
        () -> DatasetSpec.idx("i", "l", "ti", null).withSubjects("s.csv").check());
    assertDataError(
        "subjects",
        "an IDX dataset needs a subject manifest (sample_id,subject_id)",
        () -> DatasetSpec.idx("i", "l", "ti", "tl").check());
    assertDataError(
        "trainLabels",
        "only an IDX dataset has a separate labels file",
        () ->
            new DatasetSpec(
                    DatasetSpec.Format.NPZ,
                    "a",
                    "l",
                    "b",
                    null,
                    null,
                    null,
                    null,
                    false,
                    null,
                    null)
                .check());
    assertDataError(
        "split",
        "a split column of an NPZ dataset is read from the subject manifest: name one",
        () ->
            new DatasetSpec(
                    DatasetSpec.Format.NPZ,
                    "a",
                    null,
                    null,
                    null,
                    null,
                    DatasetSpec.Split.defaults(),
                    null,
                    false,
                    null,
                    null)
                .check());
    assertDataError(
        "classes",
        "class names repeat: [a, b, a]",
        () -> csv.withClasses(List.of("a", "b", "a")).check());
    assertDataError(
        "classes",
        "a class name is empty: [a, null]",
        () -> csv.withClasses(Arrays.asList("a", null)).check());
    assertDataError(
        "split", "train and test are both named 'x'", () -> new DatasetSpec.Split("s", "x", "x"));
  }

  @Test
  void aByteOrderMarkIsNotPartOfTheFirstColumn() throws Exception {
    Files.writeString(
        dir.resolve("t.csv"), "\uFEFFsample_id,subject_id,label,f\n1,a,x,0.5\n2,b,y,1.5\n");
    Files.writeString(dir.resolve("e.csv"), "sample_id,label,f\n3,x,2.5\n");
    ModelData data = DatasetLoader.load(DatasetSpec.csv("t.csv", "e.csv"), dir);
    assertEquals(List.of("x", "y"), data.classNames());
    assertEquals(3L, data.test().data().id(0));
  }
}
