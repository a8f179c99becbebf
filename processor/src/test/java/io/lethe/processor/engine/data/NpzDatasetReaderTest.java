package io.lethe.processor.engine.data;

import static io.lethe.processor.engine.data.DataFixtures.assertDataError;
import static io.lethe.processor.engine.data.DataFixtures.lines;
import static io.lethe.processor.engine.data.DataFixtures.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The NPZ path of {@link DatasetLoader} on the shipped NPZ image set (written by NumPy, {@code
 * tools/make_npz_fixture.py}) and on broken copies re-encoded with DJL.
 */
class NpzDatasetReaderTest {

  private static final Path SHIPPED = DataFixtures.shipped("mnist-npz");
  private static final DatasetSpec SPEC =
      DatasetSpec.npz("train.npz", "test.npz").withSubjects("subjects.csv");

  @TempDir Path dir;
  private NDManager manager;

  @BeforeEach
  void copyShipped() throws IOException {
    for (String f : List.of("train.npz", "test.npz", "subjects.csv")) {
      Files.copy(SHIPPED.resolve(f), dir.resolve(f));
    }
    manager = NDManager.newBaseManager();
  }

  @AfterEach
  void close() {
    manager.close();
  }

  @Test
  void readsWhatNumpyWrote() {
    ModelData data = DatasetLoader.load(SPEC, SHIPPED);
    Dataset train = data.train().data();
    Dataset test = data.test().data();
    assertEquals(2000, train.size());
    assertEquals(500, test.size());
    assertEquals(SampleShape.of(1, 28, 28), data.shape());
    assertEquals(List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"), data.classNames());
    // The script wrote MNIST-10k records 0..2499 as pixel / 255 in float32: the same values the
    // IDX reader gives for those records.
    Dataset mnist = BuiltinDatasets.mnist10k();
    for (int i : new int[] {0, 1, 1999}) {
      assertEquals(i, train.id(i));
      assertEquals(mnist.label(i), train.label(i));
      assertArrayEquals(mnist.features(i), train.features(i));
    }
    assertEquals(2000L, test.id(0));
    assertArrayEquals(mnist.features(2499), test.features(499));
    assertEquals(mnist.label(2499), test.label(499));
    // String subjects from the manifest: writer-%03d owns 5k..5k+4.
    SubjectIndex subjects = data.train().subjects();
    assertEquals(400, subjects.size());
    assertArrayEquals(new long[] {35, 36, 37, 38, 39}, subjects.samplesOf("writer-007"));
    assertEquals(Optional.of("writer-450"), data.test().subjects().subjectOf(2250));
  }

  @Test
  void readsIntegerSubjectsFromAnArrayAndDeclaredClassNames() throws IOException {
    rewrite(
        "train.npz",
        list -> {
          long[] ids = list.get("sample_id").toLongArray();
          int[] subjects = new int[ids.length];
          for (int i = 0; i < ids.length; i++) {
            subjects[i] = (int) (ids[i] / 100);
          }
          list.add(named(manager.create(subjects), "subject_id"));
        });
    List<String> names = List.of("zero", "one", "two", "3", "4", "5", "6", "7", "8", "nine");
    ModelData data =
        DatasetLoader.load(DatasetSpec.npz("train.npz", "test.npz").withClasses(names), dir);
    assertEquals(names, data.classNames());
    assertEquals(20, data.train().subjects().size());
    assertEquals(Optional.of("19"), data.train().subjects().subjectOf(1999));
    assertEquals(0, data.test().subjects().size(), "test.npz has no subjects");
  }

  @Test
  void aStringArrayIsRefusedWithTheWayOut() throws IOException {
    Files.copy(DataFixtures.testResource("/npz/string-subjects.npz"), dir.resolve("s.npz"));
    DataException e =
        assertThrows(
            DataException.class,
            () -> DatasetLoader.load(DatasetSpec.npz("s.npz", "test.npz"), dir));
    assertEquals("train", e.field());
    assertTrue(e.getMessage().startsWith("s.npz holds an array DJL cannot read"), e.getMessage());
    assertTrue(e.getMessage().contains("Unsupported dataType: <U10"), e.getMessage());
    assertTrue(e.getMessage().contains("subject manifest CSV"), e.getMessage());
  }

  @Test
  void aMissingArrayListsTheArrays() {
    assertDataError(
        "arrays.x",
        "no array 'images' in train.npz (arrays: x, y, sample_id)",
        () ->
            DatasetLoader.load(
                SPEC.withArrays(new DatasetSpec.NpzArrays("images", null, null, null)), dir));
  }

  @Test
  void arraysOfDifferentLengthsAreRefused() throws IOException {
    rewrite("test.npz", list -> replace(list, "y", list.get("y").get("0:499")));
    assertDataError(
        "test",
        "test.npz: array 'y' has shape (499) but 'x' holds 500 samples; expected (500)",
        () -> DatasetLoader.load(SPEC, dir));
  }

  @Test
  void aDuplicateSampleIdIsRefused() throws IOException {
    rewrite(
        "train.npz",
        list -> {
          long[] ids = list.get("sample_id").toLongArray();
          ids[1500] = 7;
          replace(list, "sample_id", manager.create(ids));
        });
    assertDataError(
        "train",
        "train.npz row 1500, array 'sample_id': sample id 7 repeats (first at train.npz row 7)",
        () -> DatasetLoader.load(SPEC, dir));
  }

  @Test
  void aTrainingSampleWithoutSubjectIsRefused() {
    List<String> manifest = lines(dir.resolve("subjects.csv"));
    manifest.remove(43); // line 44: sample 42
    write(dir.resolve("subjects.csv"), manifest);
    assertDataError(
        "subjects",
        "subjects.csv has no row for sample id 42 (train.npz row 42)",
        () -> DatasetLoader.load(SPEC, dir));
    assertDataError(
        "subjects",
        "train.npz names no subjects (no 'subject_id'): give a subject array or a subject manifest"
            + " (sample_id,subject_id)",
        () -> DatasetLoader.load(DatasetSpec.npz("train.npz", "test.npz"), dir));
  }

  @Test
  void aManifestWithAMissingSubjectCellIsRefused() {
    DataFixtures.editLine(dir.resolve("subjects.csv"), dir.resolve("subjects.csv"), 3, l -> "1,");
    assertDataError(
        "subjects",
        "subjects.csv line 3, column 'subject_id': missing subject",
        () -> DatasetLoader.load(SPEC, dir));
  }

  @Test
  void aLabelOutsideTheDeclaredClassesIsRefused() {
    // Sample 0 is an 8; five classes index labels 0..4 only.
    assertDataError(
        "classes",
        "train.npz row 0, array 'y': label 8 outside the 5 declared classes (labels index [a, b,"
            + " c, d, e])",
        () -> DatasetLoader.load(SPEC.withClasses(List.of("a", "b", "c", "d", "e")), dir));
  }

  @Test
  void nonIntegerLabelsAndAShapeMismatchAreRefused() throws IOException {
    rewrite("test.npz", list -> replace(list, "y", list.get("y").toType(DataType.FLOAT32, false)));
    assertDataError(
        "test",
        "test.npz: array 'y' has dtype float32; integers are needed",
        () -> DatasetLoader.load(SPEC, dir));
    Files.copy(
        SHIPPED.resolve("test.npz"),
        dir.resolve("test.npz"),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    rewrite("test.npz", list -> replace(list, "x", list.get("x").reshape(500, 784)));
    assertDataError(
        "test",
        "the test samples (test.npz) have shape 784 but the training samples (train.npz) have"
            + " shape 1x28x28",
        () -> DatasetLoader.load(SPEC, dir));
  }

  @Test
  void aMissingOrCorruptFileIsRefused() throws IOException {
    Files.delete(dir.resolve("test.npz"));
    assertDataError(
        "test", "file not found: " + dir.resolve("test.npz"), () -> DatasetLoader.load(SPEC, dir));
    Files.write(dir.resolve("test.npz"), "not a zip".getBytes());
    DataException e = assertThrows(DataException.class, () -> DatasetLoader.load(SPEC, dir));
    assertEquals("test", e.field());
    assertTrue(e.getMessage().startsWith("test.npz: not a readable .npz file"), e.getMessage());
  }

  /** Decodes {@code name} in {@link #dir}, edits its arrays, and writes it back as NPZ with DJL. */
  private void rewrite(String name, Consumer<NDList> edit) throws IOException {
    Path file = dir.resolve(name);
    NDList list = NDList.decode(manager, Files.readAllBytes(file));
    edit.accept(list);
    Files.write(file, list.encode(NDList.Encoding.NPZ));
  }

  private static void replace(NDList list, String name, NDArray value) {
    for (int i = 0; i < list.size(); i++) {
      if (name.equals(list.get(i).getName())) {
        list.set(i, named(value, name));
        return;
      }
    }
    throw new IllegalArgumentException("no array " + name);
  }

  private static NDArray named(NDArray a, String name) {
    a.setName(name);
    return a;
  }
}
