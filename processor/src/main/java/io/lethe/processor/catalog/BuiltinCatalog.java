package io.lethe.processor.catalog;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * The catalog Lethe ships for its built-in data (an MLP on MNIST-10k): written out to a folder as a
 * plain catalog file next to its data, and loaded like any user's catalog. No model exists any
 * other way; the demo, the pipeline benchmark and the tests use this one.
 */
public final class BuiltinCatalog {

  /** The built-in model's id. */
  public static final String MNIST_MLP = "mnist-mlp";

  private static final String CATALOG = "/catalogs/mnist-10k.yaml";
  private static final String DATA = "/datasets/mnist-10k/";
  private static final List<String> DATA_FILES =
      List.of("images-idx3-ubyte.gz", "labels-idx1-ubyte.gz", "subjects.csv", "README.md");

  private BuiltinCatalog() {}

  /**
   * Writes the built-in catalog and its data under {@code dir} (as {@code catalog.yaml} and {@code
   * mnist-10k/}) and returns the catalog file, for a user to read and copy.
   */
  public static Path writeTo(Path dir) {
    try {
      Files.createDirectories(dir.resolve("mnist-10k"));
      copy(CATALOG, dir.resolve("catalog.yaml"));
      for (String f : DATA_FILES) {
        copy(DATA + f, dir.resolve("mnist-10k").resolve(f));
      }
      return dir.resolve("catalog.yaml");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the built-in catalog to " + dir, e);
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
