package io.lethe.processor.catalog;

import java.util.List;

/**
 * A catalog file that cannot be used; lists every problem found, each with its path in the file.
 */
public final class CatalogException extends IllegalArgumentException {

  private final List<String> problems;

  public CatalogException(String file, List<String> problems) {
    super(
        file
            + ": "
            + problems.size()
            + (problems.size() == 1 ? " problem" : " problems")
            + "\n  "
            + String.join("\n  ", problems));
    this.problems = List.copyOf(problems);
  }

  /**
   * Each problem as {@code path: what is wrong}, e.g. {@code models[1].model.architecture: ...}.
   */
  public List<String> problems() {
    return problems;
  }
}
