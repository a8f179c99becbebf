package io.lethe.processor.engine.method;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.lethe.processor.engine.data.Dataset;
import io.lethe.processor.engine.data.DatasetSplit;
import io.lethe.processor.engine.model.Batches;
import io.lethe.processor.engine.model.ClassifierModel;
import io.lethe.processor.engine.model.GradientSession;
import io.lethe.processor.engine.model.Losses;
import io.lethe.processor.engine.model.ModelSpec;
import java.util.EnumSet;
import java.util.Optional;

/**
 * SCRUB (Kurmanji et al., NeurIPS 2023, "Towards unbounded machine unlearning"): the student starts
 * as a copy of the original (the teacher, left untouched) and alternates max-steps, which push the
 * student away from the teacher on forget batches (ascend {@code KL(teacher || student)}), with
 * min-steps, which keep it close on retain batches ({@code KL(teacher || student) + alpha * CE}).
 * Both KL terms are taken at {@code temperature} and scaled by its square, as in knowledge
 * distillation. One max-step is followed by one min-step while max-steps remain; the rest are
 * min-steps only, which repair what the max-steps cost the retain data.
 *
 * <p>SAMPLES scope only: Lethe's class methods (FAMR, SLUG, mnemonic code) are cheaper and exact
 * about the output space; SCRUB's own paper reports its class-forgetting results as weaker than its
 * selective ones.
 */
public final class Scrub extends AbstractUnlearningMethod<Scrub.Settings> {

  public static final String NAME = "scrub";

  /**
   * Defaults picked by a small grid on MNIST-10k's validation split (never its test split) for a
   * random 10 % (Avg Gap 1.0 there). The max-steps start where the student equals the teacher,
   * where the KL and its gradient are zero, so they need a larger step than fine-tuning does.
   *
   * @param lr Adam's learning rate (default 3e-3)
   * @param maxSteps forget batches ascended; 0 with {@code minSteps} 0 leaves the model as it is
   *     (default 20)
   * @param minSteps retain batches descended (default 60)
   * @param alpha weight of the retain cross-entropy in a min-step (default 1.0)
   * @param temperature softmax temperature of the KL terms (default 4.0, the paper's)
   * @param batch samples per step (default 64)
   */
  public record Settings(
      float lr, int maxSteps, int minSteps, double alpha, double temperature, int batch) {
    public static final Settings DEFAULTS = new Settings(3e-3f, 20, 60, 1.0, 4.0, 64);

    public Settings {
      MethodSupport.requirePositive("lr", lr);
      MethodSupport.requireRange("maxSteps", maxSteps, 0, 1_000_000);
      MethodSupport.requireRange("minSteps", minSteps, 0, 1_000_000);
      MethodSupport.requireNonNegative("alpha", alpha);
      MethodSupport.requirePositive("temperature", temperature);
      MethodSupport.requireRange("batch", batch, 1, 1 << 20);
    }
  }

  public Scrub() {
    super(NAME, Settings.DEFAULTS, EnumSet.of(ForgetScope.SAMPLES));
  }

  @Override
  protected Optional<String> refuseModel(ModelSpec spec) {
    return spec.isEnsemble() ? Optional.of("does not apply to a SISA ensemble") : Optional.empty();
  }

  @Override
  protected void run(Run<Settings> run) {
    Settings s = run.settings();
    UnlearningTask task = run.task();
    ClassifierModel teacher = task.original();
    ClassifierModel student = run.model();
    Dataset forget = task.forget();
    Dataset retain = task.retain();
    int classes = student.numClasses();
    float t = (float) s.temperature();
    float alpha = (float) s.alpha();
    int[] forgetOrder = DatasetSplit.shuffledIndices(forget.size(), task.seed());
    int[] retainOrder = DatasetSplit.shuffledIndices(retain.size(), task.seed() + 1);
    int f = 0;
    int r = 0;
    int maxDone = 0;
    int minDone = 0;
    double lastForgetKl = Double.NaN;
    try (GradientSession session = GradientSession.adam(student, s.lr())) {
      while (maxDone < s.maxSteps() || minDone < s.minSteps()) {
        if (maxDone < s.maxSteps()) {
          int[] fi = next(forgetOrder, f, s.batch());
          f += fi.length;
          try (NDManager scope = student.manager().newSubManager()) {
            NDArray x = student.batch(scope, forget, fi);
            NDArray target = teacher.logits(x).stopGradient().div(t);
            lastForgetKl =
                -session.step(
                    () -> Losses.kl(target, session.forward(x).div(t)).mean().mul(-t * t));
          }
          maxDone++;
        }
        if (minDone < s.minSteps()) {
          int[] ri = next(retainOrder, r, s.batch());
          r += ri.length;
          try (NDManager scope = student.manager().newSubManager()) {
            NDArray x = student.batch(scope, retain, ri);
            NDArray y = Batches.oneHot(scope, retain, ri, classes);
            NDArray target = teacher.logits(x).stopGradient().div(t);
            session.step(
                () -> {
                  NDArray logits = session.forward(x);
                  return Losses.kl(target, logits.div(t))
                      .mean()
                      .mul(t * t)
                      .add(Losses.meanCrossEntropy(logits, y).mul(alpha));
                });
          }
          minDone++;
        }
      }
    }
    run.note("maxSteps", maxDone);
    run.note("minSteps", minDone);
    if (!Double.isNaN(lastForgetKl)) {
      run.note("lastForgetKl", MethodSupport.fmt(lastForgetKl));
    }
  }

  /** The next {@code batch} indices of {@code order} from position {@code at}, wrapping round. */
  private static int[] next(int[] order, int at, int batch) {
    int[] idx = new int[Math.min(batch, order.length)];
    for (int k = 0; k < idx.length; k++) {
      idx[k] = order[(at + k) % order.length];
    }
    return idx;
  }

  /** The steps (cost), the learning rate and the retain weight {@code alpha}. */
  @Override
  public java.util.List<java.util.Map<String, String>> calibrationGrid(ForgetScope scope) {
    return java.util.List.of(
        java.util.Map.of("maxSteps", "10", "minSteps", "30"),
        java.util.Map.of(),
        java.util.Map.of("lr", "1e-3"),
        java.util.Map.of("alpha", "0.5"));
  }
}
