package io.lethe.processor.catalog;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** The shipped patient table (Breast Cancer Wisconsin), copied where a test's catalog is. */
public final class PatientTable {

  private PatientTable() {}

  /** Writes {@code train.csv} and {@code test.csv} into {@code dir}. */
  public static void copyTo(Path dir) throws IOException {
    for (String f : new String[] {"train.csv", "test.csv"}) {
      try (InputStream in =
          PatientTable.class.getResourceAsStream("/datasets/breast-cancer-wisconsin/" + f)) {
        Files.copy(in, dir.resolve(f), StandardCopyOption.REPLACE_EXISTING);
      }
    }
  }
}
