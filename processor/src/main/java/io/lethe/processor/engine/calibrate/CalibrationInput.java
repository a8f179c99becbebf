package io.lethe.processor.engine.calibrate;

import io.lethe.processor.engine.architecture.Architecture;
import io.lethe.processor.engine.data.Dataset;
import io.lethe.processor.engine.data.Standardization;
import io.lethe.processor.engine.data.SubjectIndex;
import io.lethe.processor.engine.method.ForgetScope;
import io.lethe.processor.engine.model.TrainingConfig;
import io.lethe.processor.engine.verify.VerificationPolicy;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * What a calibration needs of a model: its recipe and its TRAINING rows only. There is no test set
 * here on purpose: calibration carves its own held-out rows out of {@code train}.
 *
 * @param architecture the model's architecture (as the catalog names it; resolved on the data)
 * @param train the model's training rows (already standardized when {@code standardization} is set)
 * @param subjects which training rows each data subject owns; may be empty (then small random sets
 *     stand in for subjects)
 * @param standardization the statistics the inputs were standardized with, recorded in the spec of
 *     every model the calibration trains; may be null
 * @param training the recipe version 1 was trained with (and every oracle is retrained with)
 * @param trainingSeed the recipe's seed
 * @param policy the model's verification policy (a candidate that FAILS it is never chosen)
 * @param pinnedMethods scope to method name, for the scopes the catalog pins: not searched (the
 *     method's settings come from the catalog)
 * @param escalates whether the model's policy retrains exactly when a method's result fails
 *     verification (the catalog's {@code escalation: retrain}, the default): a candidate failing
 *     only on the small sets is then what the worker would publish as exact retraining for such
 *     batches, not a failure
 */
public record CalibrationInput(
    Architecture architecture,
    Dataset train,
    SubjectIndex subjects,
    Standardization standardization,
    TrainingConfig training,
    long trainingSeed,
    VerificationPolicy policy,
    Map<ForgetScope, String> pinnedMethods,
    boolean escalates) {

  /** An input for a model that escalates to exact retraining (the catalog's default). */
  public CalibrationInput(
      Architecture architecture,
      Dataset train,
      SubjectIndex subjects,
      Standardization standardization,
      TrainingConfig training,
      long trainingSeed,
      VerificationPolicy policy,
      Map<ForgetScope, String> pinnedMethods) {
    this(
        architecture,
        train,
        subjects,
        standardization,
        training,
        trainingSeed,
        policy,
        pinnedMethods,
        true);
  }

  public CalibrationInput {
    Objects.requireNonNull(architecture, "architecture");
    Objects.requireNonNull(train, "train");
    Objects.requireNonNull(training, "training");
    Objects.requireNonNull(policy, "policy");
    subjects = subjects == null ? SubjectIndex.empty() : subjects;
    Map<ForgetScope, String> pins = new EnumMap<>(ForgetScope.class);
    if (pinnedMethods != null) {
      pins.putAll(pinnedMethods);
    }
    pinnedMethods = java.util.Collections.unmodifiableMap(pins);
  }
}
