package io.lethe.processor;

import java.net.URISyntaxException;
import java.nio.file.Path;

/**
 * The TorchScript files real PyTorch wrote (tools/make_torchscript_fixtures.py) and catalog entries
 * that put them under Lethe, on the shipped data (absolute paths: a catalog resolves relative ones
 * against its own folder).
 */
public final class TorchScriptFixtures {

  /** The CNN's test accuracy PyTorch printed when it made the fixture. */
  public static final double CNN_TEST_ACCURACY_IN_PYTORCH = 0.92;

  private TorchScriptFixtures() {}

  public static Path resource(String name) {
    try {
      return Path.of(TorchScriptFixtures.class.getResource(name).toURI());
    } catch (URISyntaxException | NullPointerException e) {
      throw new IllegalStateException("missing test resource " + name, e);
    }
  }

  public static Path module(String file) {
    return resource("/torchscript/" + file);
  }

  /** An entry for the digits CNN; {@code modelExtra} and {@code rest} are spliced in as YAML. */
  public static String digitsEntry(String id, String modelExtra, String rest) {
    Path data = resource("/datasets/mnist-npz/train.npz").getParent();
    return """
          - id: %s
            dataset:
              format: npz
              train: %s
              test: %s
              subjects: %s
            model:
              torchscript: %s
        %s
        %s
        """
        .formatted(
            id,
            data.resolve("train.npz"),
            data.resolve("test.npz"),
            data.resolve("subjects.csv"),
            module("digits-cnn.pt"),
            indent(modelExtra, 6),
            indent(rest, 4));
  }

  /** An entry for a module on the patient table. */
  public static String patientsEntry(String id, String file, String modelExtra, String rest) {
    Path data = resource("/datasets/breast-cancer-wisconsin/train.csv").getParent();
    return """
          - id: %s
            dataset:
              format: csv
              train: %s
              test: %s
              columns: {sampleId: sample_id, subject: patient_id, label: diagnosis}
              classes: [benign, malignant]
            model:
              torchscript: %s
        %s
        %s
        """
        .formatted(
            id,
            data.resolve("train.csv"),
            data.resolve("test.csv"),
            module(file),
            indent(modelExtra, 6),
            indent(rest, 4));
  }

  /** The CNN with its head and features named, as docs/pytorch.md shows. */
  public static final String CNN_HEAD =
      "head: {weight: head.weight, bias: head.bias}\nfeatures: features";

  private static String indent(String yaml, int spaces) {
    StringBuilder b = new StringBuilder();
    for (String line : yaml.split("\n")) {
      if (!line.isBlank()) {
        b.append(" ".repeat(spaces)).append(line).append('\n');
      }
    }
    return b.toString();
  }
}
