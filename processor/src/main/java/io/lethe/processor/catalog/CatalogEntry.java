package io.lethe.processor.catalog;

import io.lethe.processor.engine.architecture.Architecture;
import io.lethe.processor.engine.data.DatasetSpec;
import io.lethe.processor.engine.verify.DriftPolicy;
import io.lethe.processor.engine.verify.VerificationPolicy;
import io.lethe.processor.topology.BatchPolicy;
import java.util.Objects;

/**
 * One model of the catalog, as declared (validated, data not yet loaded).
 *
 * @param id the model id requests name
 * @param dataset the training rows the model saw and its held-out test set
 * @param architecture the model family with its sizes
 * @param training how it is trained and retrained
 * @param classMethod the method for CLASS requests
 * @param sampleMethod the method for SAMPLES and SUBJECT requests
 * @param escalation what happens when verification fails
 * @param oracle also retrain exactly for every batch to report the gap to the oracle (doubles the
 *     cost; for small models and audits)
 * @param verification the verification policy
 * @param batching this model's batch limits, or null for the deployment's default
 * @param calibration whether its unlearning is calibrated on its own data, and which scopes the
 *     catalog pins (null: the defaults, nothing pinned)
 * @param driftGuard when versions are re-anchored by exact retraining (null: the defaults)
 */
public record CatalogEntry(
    String id,
    DatasetSpec dataset,
    Architecture architecture,
    TrainingRecipe training,
    MethodChoice classMethod,
    MethodChoice sampleMethod,
    Escalation escalation,
    boolean oracle,
    VerificationPolicy verification,
    BatchPolicy batching,
    CalibrationPolicy calibration,
    DriftPolicy driftGuard) {

  public CatalogEntry {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(dataset, "dataset");
    Objects.requireNonNull(architecture, "architecture");
    Objects.requireNonNull(training, "training");
    Objects.requireNonNull(classMethod, "classMethod");
    Objects.requireNonNull(sampleMethod, "sampleMethod");
    Objects.requireNonNull(escalation, "escalation");
    Objects.requireNonNull(verification, "verification");
    calibration = calibration == null ? CalibrationPolicy.DEFAULTS : calibration;
    driftGuard = driftGuard == null ? DriftPolicy.defaults() : driftGuard;
  }

  /** An entry under the default calibration policy and drift guard. */
  public CatalogEntry(
      String id,
      DatasetSpec dataset,
      Architecture architecture,
      TrainingRecipe training,
      MethodChoice classMethod,
      MethodChoice sampleMethod,
      Escalation escalation,
      boolean oracle,
      VerificationPolicy verification,
      BatchPolicy batching) {
    this(
        id,
        dataset,
        architecture,
        training,
        classMethod,
        sampleMethod,
        escalation,
        oracle,
        verification,
        batching,
        null,
        null);
  }

  /** This entry trained for {@code epochs} epochs (tests and demos train briefly). */
  public CatalogEntry withEpochs(int epochs) {
    return withTraining(new TrainingRecipe(training.config().withEpochs(epochs), training.seed()));
  }

  /** This entry with other methods for classes and samples. */
  public CatalogEntry withMethods(MethodChoice forClasses, MethodChoice forSamples) {
    return new CatalogEntry(
        id,
        dataset,
        architecture,
        training,
        forClasses,
        forSamples,
        escalation,
        oracle,
        verification,
        batching,
        calibration,
        driftGuard);
  }

  public CatalogEntry withEscalation(Escalation value) {
    return new CatalogEntry(
        id,
        dataset,
        architecture,
        training,
        classMethod,
        sampleMethod,
        value,
        oracle,
        verification,
        batching,
        calibration,
        driftGuard);
  }

  public CatalogEntry withTraining(TrainingRecipe value) {
    return new CatalogEntry(
        id,
        dataset,
        architecture,
        value,
        classMethod,
        sampleMethod,
        escalation,
        oracle,
        verification,
        batching,
        calibration,
        driftGuard);
  }

  /** This entry under another verification policy. */
  public CatalogEntry withVerification(VerificationPolicy value) {
    return new CatalogEntry(
        id,
        dataset,
        architecture,
        training,
        classMethod,
        sampleMethod,
        escalation,
        oracle,
        value,
        batching,
        calibration,
        driftGuard);
  }

  /** This entry under another calibration policy. */
  public CatalogEntry withCalibration(CalibrationPolicy value) {
    return new CatalogEntry(
        id,
        dataset,
        architecture,
        training,
        classMethod,
        sampleMethod,
        escalation,
        oracle,
        verification,
        batching,
        value,
        driftGuard);
  }

  /** This entry under another drift guard. */
  public CatalogEntry withDriftGuard(DriftPolicy value) {
    return new CatalogEntry(
        id,
        dataset,
        architecture,
        training,
        classMethod,
        sampleMethod,
        escalation,
        oracle,
        verification,
        batching,
        calibration,
        value);
  }
}
