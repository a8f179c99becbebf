package io.lethe.processor.engine.data;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes the built-in MNIST-10k's subject manifest, {@code
 * processor/src/main/resources/datasets/mnist-10k/subjects.csv}: the documented mapping (subject
 * {@code subject-%04d} owns ids 10k..10k+9) and the split the built-in model always had (the 20 %
 * test part of {@code DatasetSplit.of(mnist10k, 42)}; its train and validation parts are the
 * training side). Run once; {@code BuiltinDatasetsTest} checks the shipped file is what this
 * writes.
 *
 * <pre>java -cp processor/target/classes:processor/target/test-classes:$CP \
 *     io.lethe.processor.engine.data.Mnist10kManifest processor/src/main/resources/datasets/mnist-10k/subjects.csv
 * </pre>
 */
public final class Mnist10kManifest {

  /** The seed of the built-in model's original split. */
  static final long SPLIT_SEED = 42;

  static final int SAMPLES_PER_SUBJECT = 10;

  private Mnist10kManifest() {}

  public static void main(String[] args) throws IOException {
    Files.writeString(Path.of(args[0]), text(), StandardCharsets.UTF_8);
  }

  /** The manifest's text. */
  static String text() {
    Dataset all = BuiltinDatasets.mnist10k();
    boolean[] test = new boolean[all.size()];
    Dataset testSide = DatasetSplit.of(all, SPLIT_SEED).test();
    for (int i = 0; i < testSide.size(); i++) {
      test[(int) testSide.id(i)] = true;
    }
    StringBuilder out = new StringBuilder("sample_id,subject_id,split\n");
    for (int i = 0; i < all.size(); i++) {
      long id = all.id(i);
      out.append(id)
          .append(',')
          .append(String.format("subject-%04d", id / SAMPLES_PER_SUBJECT))
          .append(',')
          .append(test[(int) id] ? "test" : "train")
          .append('\n');
    }
    return out.toString();
  }
}
