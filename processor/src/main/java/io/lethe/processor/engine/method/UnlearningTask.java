package io.lethe.processor.engine.method;

import io.lethe.processor.engine.data.Dataset;
import io.lethe.processor.engine.model.ClassifierModel;
import io.lethe.processor.engine.model.TrainingConfig;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.LongUnaryOperator;

/**
 * One unlearning job. The original model is never modified: methods work on a copy.
 *
 * @param original the model to unlearn from (left untouched)
 * @param forget the samples to forget (for CLASS scope: the training samples of those classes)
 * @param retain the training samples that stay (methods that need only a subset sample from it)
 * @param scope what is forgotten
 * @param forgetClasses the forgotten class labels for CLASS scope, empty for SAMPLES
 * @param budget method settings (see each method's documentation)
 * @param seed seed for everything random in the method (retraining uses it as training seed)
 * @param trainingConfig how the original was trained (retraining-based methods reuse it)
 * @param validation held-out data a method may use to pick its own settings, never the test split;
 *     may be null
 * @param groupOf from a sample id to its group key (the data subject that owns it): SISA keeps a
 *     group in one shard, so it must be the function the ensemble was trained with (see {@link
 *     io.lethe.processor.engine.model.ModelTrainer#trainSisa}); the identity (one group per sample)
 *     when null
 * @param retiredClasses the classes the original no longer serves (forgotten by earlier versions):
 *     whatever the method does, they stay out of the result's output space ({@link
 *     AbstractUnlearningMethod#unlearn} takes them out of the head after the method's run), so a
 *     later version never answers them again; empty for a model that has forgotten no class
 */
public record UnlearningTask(
    ClassifierModel original,
    Dataset forget,
    Dataset retain,
    ForgetScope scope,
    Set<Integer> forgetClasses,
    Budget budget,
    long seed,
    TrainingConfig trainingConfig,
    Dataset validation,
    LongUnaryOperator groupOf,
    Set<Integer> retiredClasses) {

  public UnlearningTask {
    Objects.requireNonNull(original, "original");
    Objects.requireNonNull(forget, "forget");
    Objects.requireNonNull(retain, "retain");
    Objects.requireNonNull(scope, "scope");
    forgetClasses = Set.copyOf(forgetClasses == null ? Set.of() : forgetClasses);
    budget = budget == null ? Budget.empty() : budget;
    trainingConfig = trainingConfig == null ? TrainingConfig.defaults() : trainingConfig;
    groupOf = groupOf == null ? LongUnaryOperator.identity() : groupOf;
    retiredClasses = Set.copyOf(retiredClasses == null ? Set.of() : retiredClasses);
    if (scope == ForgetScope.CLASS && forgetClasses.isEmpty()) {
      throw new IllegalArgumentException("CLASS scope needs the forget class labels");
    }
    if (scope == ForgetScope.SAMPLES && !forgetClasses.isEmpty()) {
      throw new IllegalArgumentException("SAMPLES scope takes no forget classes");
    }
  }

  /** A task on a model that has forgotten no class before. */
  public UnlearningTask(
      ClassifierModel original,
      Dataset forget,
      Dataset retain,
      ForgetScope scope,
      Set<Integer> forgetClasses,
      Budget budget,
      long seed,
      TrainingConfig trainingConfig,
      Dataset validation,
      LongUnaryOperator groupOf) {
    this(
        original,
        forget,
        retain,
        scope,
        forgetClasses,
        budget,
        seed,
        trainingConfig,
        validation,
        groupOf,
        null);
  }

  /** A task whose samples are each their own group ({@code groupOf} the identity). */
  public UnlearningTask(
      ClassifierModel original,
      Dataset forget,
      Dataset retain,
      ForgetScope scope,
      Set<Integer> forgetClasses,
      Budget budget,
      long seed,
      TrainingConfig trainingConfig,
      Dataset validation) {
    this(
        original,
        forget,
        retain,
        scope,
        forgetClasses,
        budget,
        seed,
        trainingConfig,
        validation,
        null);
  }

  /** A task that forgets every training sample of {@code classes}. */
  public static UnlearningTask forgetClasses(
      ClassifierModel original, Dataset train, Set<Integer> classes, long seed) {
    return new UnlearningTask(
        original,
        train.withLabels(classes),
        train.withoutLabels(classes),
        ForgetScope.CLASS,
        new TreeSet<>(classes),
        Budget.empty(),
        seed,
        null,
        null);
  }

  /** A task that forgets the training samples with the given ids. */
  public static UnlearningTask forgetSamples(
      ClassifierModel original, Dataset train, Set<Long> ids, long seed) {
    return new UnlearningTask(
        original,
        train.onlyIds(ids),
        train.withoutIds(ids),
        ForgetScope.SAMPLES,
        Set.of(),
        Budget.empty(),
        seed,
        null,
        null);
  }

  public UnlearningTask withBudget(Budget value) {
    return new UnlearningTask(
        original,
        forget,
        retain,
        scope,
        forgetClasses,
        value,
        seed,
        trainingConfig,
        validation,
        groupOf,
        retiredClasses);
  }

  public UnlearningTask withTrainingConfig(TrainingConfig value) {
    return new UnlearningTask(
        original,
        forget,
        retain,
        scope,
        forgetClasses,
        budget,
        seed,
        value,
        validation,
        groupOf,
        retiredClasses);
  }

  public UnlearningTask withValidation(Dataset value) {
    return new UnlearningTask(
        original,
        forget,
        retain,
        scope,
        forgetClasses,
        budget,
        seed,
        trainingConfig,
        value,
        groupOf);
  }

  public UnlearningTask withOriginal(ClassifierModel value) {
    return new UnlearningTask(
        value,
        forget,
        retain,
        scope,
        forgetClasses,
        budget,
        seed,
        trainingConfig,
        validation,
        groupOf,
        retiredClasses);
  }

  public UnlearningTask withGroupOf(LongUnaryOperator value) {
    return new UnlearningTask(
        original,
        forget,
        retain,
        scope,
        forgetClasses,
        budget,
        seed,
        trainingConfig,
        validation,
        value,
        retiredClasses);
  }

  /** This task on a model that no longer serves {@code value} (see {@code retiredClasses}). */
  public UnlearningTask withRetiredClasses(Set<Integer> value) {
    return new UnlearningTask(
        original,
        forget,
        retain,
        scope,
        forgetClasses,
        budget,
        seed,
        trainingConfig,
        validation,
        groupOf,
        value);
  }
}
