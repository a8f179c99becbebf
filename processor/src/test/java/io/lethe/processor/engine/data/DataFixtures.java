package io.lethe.processor.engine.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.function.Executable;

/** The shipped datasets as files, and helpers to write broken copies of them. */
final class DataFixtures {

  private DataFixtures() {}

  /** A folder of the shipped datasets ({@code breast-cancer-wisconsin}, {@code mnist-npz}). */
  static Path shipped(String folder) {
    URL url = DataFixtures.class.getResource("/datasets/" + folder + "/README.md");
    try {
      return Path.of(url.toURI()).getParent();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  static Path testResource(String path) {
    try {
      return Path.of(DataFixtures.class.getResource(path).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  static List<String> lines(Path file) {
    try {
      return new ArrayList<>(Files.readAllLines(file, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  static Path write(Path file, List<String> lines) {
    try {
      Files.write(file, lines, StandardCharsets.UTF_8);
      return file;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Copies {@code source} to {@code target} with line {@code n} (1-based) edited. */
  static Path editLine(Path source, Path target, int n, UnaryOperator<String> edit) {
    List<String> lines = lines(source);
    lines.set(n - 1, edit.apply(lines.get(n - 1)));
    return write(target, lines);
  }

  /** Replaces cell {@code column} (0-based) of a CSV line. */
  static String setCell(String line, int column, String value) {
    String[] cells = line.split(",", -1);
    cells[column] = value;
    return String.join(",", cells);
  }

  /** Asserts the call fails with a DataException of this field and message. */
  static DataException assertDataError(String field, String message, Executable call) {
    DataException e = assertThrows(DataException.class, call);
    assertEquals(message, e.getMessage());
    assertEquals(field, e.field());
    return e;
  }
}
