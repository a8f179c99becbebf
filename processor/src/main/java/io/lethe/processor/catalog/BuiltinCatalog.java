package io.lethe.processor.catalog;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;

/**
 * The catalog Lethe ships for its built-in data (an MLP on MNIST-10k): written out to a folder as a
 * plain catalog file next to its data, and loaded like any user's catalog. No model exists any
 * other way; the demo, the pipeline benchmark and the tests use this one.
 */
public final class BuiltinCatalog {

  /** The built-in model's id. */
  public static final String MNIST_MLP = "mnist-mlp";

  /** The example catalog's models: an MLP on the patient table, a CNN on the NPZ digits. */
  public static final String PATIENTS_MLP = "patients-mlp";

  public static final String DIGITS_CNN = "digits-cnn";

  private static final Map<String, List<String>> MNIST =
      Map.of(
          "mnist-10k",
          List.of("images-idx3-ubyte.gz", "labels-idx1-ubyte.gz", "subjects.csv", "README.md"));
  private static final Map<String, List<String>> EXAMPLES =
      Map.of(
          "breast-cancer-wisconsin",
          List.of("train.csv", "test.csv", "README.md"),
          "mnist-npz",
          List.of("train.npz", "test.npz", "subjects.csv", "README.md"));

  private BuiltinCatalog() {}

  /**
   * Writes the built-in catalog and its data under {@code dir} (as {@code catalog.yaml} and {@code
   * mnist-10k/}) and returns the catalog file, for a user to read and copy.
   */
  public static Path writeTo(Path dir) {
    return write("mnist-10k.yaml", MNIST, dir);
  }

  /**
   * Writes the example catalog under {@code dir}: the real patient table (CSV, string labels and
   * patient ids, its own train/test files) and an image set (NPZ, subjects in a manifest), as
   * {@code catalog.yaml} next to their data. The starting point docs/your-data.md walks through.
   */
  public static Path writeExamples(Path dir) {
    return write("examples.yaml", EXAMPLES, dir);
  }

  /** The prefix that names a shipped catalog instead of a file: {@code builtin:mnist-10k}. */
  public static final String PREFIX = "builtin:";

  /**
   * The catalog file {@code location} names: a path, or {@code builtin:mnist-10k} / {@code
   * builtin:examples}, which are written under {@code workDir} first (and loaded like any file).
   */
  public static Path resolve(String location, Path workDir) {
    if (!location.startsWith(PREFIX)) {
      return Path.of(location);
    }
    String name = location.substring(PREFIX.length());
    return switch (name) {
      case "mnist-10k" -> writeTo(workDir.resolve("catalog-mnist-10k"));
      case "examples" -> writeExamples(workDir.resolve("catalog-examples"));
      default ->
          throw new IllegalArgumentException(
              "no shipped catalog '" + name + "'; there are builtin:mnist-10k, builtin:examples");
    };
  }

  /** Writes the example catalog under {@code dir} and loads it. */
  public static ModelCatalog loadExamples(Path dir) {
    return ModelCatalog.load(writeExamples(dir));
  }

  private static Path write(String catalog, Map<String, List<String>> data, Path dir) {
    try {
      Files.createDirectories(dir);
      copy("/catalogs/" + catalog, dir.resolve("catalog.yaml"));
      for (var folder : data.entrySet()) {
        Files.createDirectories(dir.resolve(folder.getKey()));
        for (String f : folder.getValue()) {
          copy("/datasets/" + folder.getKey() + "/" + f, dir.resolve(folder.getKey()).resolve(f));
        }
      }
      return dir.resolve("catalog.yaml");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write a shipped catalog to " + dir, e);
    }
  }

  /** Writes the built-in catalog under {@code dir} and loads it. */
  public static ModelCatalog load(Path dir) {
    return ModelCatalog.load(writeTo(dir));
  }

  private static void copy(String resource, Path target) throws IOException {
    try (InputStream in = BuiltinCatalog.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("classpath resource missing: " + resource);
      }
      Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
    }
  }
}
