package io.lethe.processor.worker;

import io.lethe.avro.BatchedRequest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Sorts a batch's requests before anything is unlearned, so that one request never decides the fate
 * of the others: a request with something left to erase takes part in the version; one with nothing
 * left (data the model never trained on, or already forgotten by an earlier version) is answered
 * NOT_PRESENT; a CLASS request that would leave the model fewer than {@link #MIN_CLASSES} class (no
 * training data at all: nothing to train, verify or classify) is refused alone (FAILED with its
 * reason), the rest of the batch goes on. A binary model may still forget one of its two classes
 * (the catalog's models do, verified: CatalogModelsIntegrationTest).
 *
 * @param present the requests the version applies, in batch order
 * @param refused the refused requests' ids and why
 */
record BatchTriage(List<BatchedRequest> present, Map<String, String> refused) {
  /** Classes a version must keep: with none, there is no training data left to learn from. */
  static final int MIN_CLASSES = 1;

  BatchTriage {
    present = List.copyOf(present);
    refused = Map.copyOf(refused);
  }

  /**
   * @param requests the batch's requests, in arrival order (an earlier CLASS request wins the last
   *     classes over a later one)
   * @param trained which of the batch's sample ids and which classes the training data holds
   * @param before what the current version already excludes
   * @param trainedClasses every class the training data has rows of
   */
  static BatchTriage of(
      String modelId,
      List<BatchedRequest> requests,
      Unlearner.Trained trained,
      ForgetLedger before,
      Set<Integer> trainedClasses) {
    Set<Integer> remaining = new TreeSet<>(trainedClasses);
    remaining.removeAll(before.classLabels());
    List<BatchedRequest> present = new ArrayList<>();
    Map<String, String> refused = new LinkedHashMap<>();
    for (BatchedRequest r : requests) {
      Set<Integer> newClasses = new TreeSet<>();
      for (int c : r.getClassLabels()) {
        if (trained.classLabels().contains(c) && remaining.contains(c)) {
          newClasses.add(c);
        }
      }
      boolean newSamples =
          r.getSampleIds().stream()
              .anyMatch(s -> trained.sampleIds().contains(s) && !before.sampleIds().contains(s));
      if (!newClasses.isEmpty() && remaining.size() - newClasses.size() < MIN_CLASSES) {
        refused.put(
            r.getRequestId(),
            "forgetting class "
                + newClasses
                + " would leave "
                + modelId
                + " "
                + (remaining.size() - newClasses.size())
                + " of its "
                + trainedClasses.size()
                + " classes, no training data to learn from (nothing of the request was"
                + " erased)");
        continue;
      }
      if (newClasses.isEmpty() && !newSamples) {
        continue; // nothing left to erase: NOT_PRESENT
      }
      remaining.removeAll(newClasses);
      present.add(r);
    }
    return new BatchTriage(present, refused);
  }
}
