package io.lethe.processor.engine.data;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The fixed, documented mapping from sample ids to data subjects: subject {@code subject-%04d} with
 * number {@code k} owns sample ids {@code 10k .. 10k+9}. So {@code subjectOf(id)} is {@code
 * String.format("subject-%04d", id / 10)}; MNIST-10k has the 1,000 subjects {@code subject-0000} to
 * {@code subject-0999}.
 *
 * @deprecated subjects come from the data now: {@link SubjectIndex}, loaded by {@link
 *     DatasetLoader}; the built-in MNIST's mapping is the manifest {@code
 *     datasets/mnist-10k/subjects.csv} ({@link BuiltinDatasets#mnist10kModelData()}).
 */
@Deprecated
public final class SubjectMapping {

  /** Samples per subject. */
  public static final int SAMPLES_PER_SUBJECT = 10;

  private final Set<Long> existingIds;

  /** A mapping restricted to the sample ids of {@code dataset}. */
  public SubjectMapping(Dataset dataset) {
    this.existingIds = dataset.idSet();
  }

  /** The subject that owns a sample id (whether or not the id exists in the dataset). */
  public static String subjectOf(long sampleId) {
    if (sampleId < 0) {
      throw new IllegalArgumentException("negative sample id " + sampleId);
    }
    return String.format("subject-%04d", sampleId / SAMPLES_PER_SUBJECT);
  }

  /**
   * The sample ids of {@code subject} that exist in the dataset, ascending; empty for an unknown or
   * malformed subject.
   */
  public List<Long> samplesOf(String subject) {
    List<Long> result = new ArrayList<>();
    if (subject == null || !subject.startsWith("subject-")) {
      return result;
    }
    long number;
    try {
      number = Long.parseLong(subject.substring("subject-".length()));
    } catch (NumberFormatException e) {
      return result;
    }
    if (number < 0 || !subject.equals(String.format("subject-%04d", number))) {
      return result;
    }
    for (long id = number * SAMPLES_PER_SUBJECT; id < (number + 1) * SAMPLES_PER_SUBJECT; id++) {
      if (existingIds.contains(id)) {
        result.add(id);
      }
    }
    return result;
  }
}
