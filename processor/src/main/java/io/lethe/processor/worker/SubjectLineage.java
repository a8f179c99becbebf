package io.lethe.processor.worker;

import io.lethe.avro.ModelSamples;
import io.lethe.avro.TrainingLineage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * A subject's lineage record as the models stand now: for each model, the subject's training
 * samples its newest verified version still holds (those its forget ledger does not exclude). Once
 * an erasure leaves nothing, the record is retired (a tombstone on the compacted lineage topic), so
 * the subject resolves as unknown from then on, and onboarding never publishes it again.
 */
final class SubjectLineage {
  private SubjectLineage() {}

  /**
   * @param ledgerOf what each model's current version excludes
   * @return the record, or null when no model holds any of the subject's data (a tombstone)
   */
  static TrainingLineage current(
      String subjectId, Unlearner unlearner, Function<String, ForgetLedger> ledgerOf, Instant now) {
    List<ModelSamples> models = new ArrayList<>();
    for (String modelId : unlearner.modelIds()) {
      long[] samples = unlearner.samplesOf(modelId, subjectId);
      if (samples.length == 0) {
        continue;
      }
      ForgetLedger ledger = ledgerOf.apply(modelId);
      List<Long> held = new ArrayList<>();
      for (long id : samples) {
        if (!ledger.sampleIds().contains(id)) {
          held.add(id);
        }
      }
      if (!held.isEmpty()) {
        models.add(new ModelSamples(modelId, held));
      }
    }
    if (models.isEmpty()) {
      return null;
    }
    return TrainingLineage.newBuilder()
        .setSubjectId(subjectId)
        .setModels(models)
        .setUpdatedAt(now)
        .build();
  }
}
