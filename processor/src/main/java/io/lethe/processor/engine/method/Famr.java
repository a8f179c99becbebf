package io.lethe.processor.engine.method;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import io.lethe.processor.engine.data.Dataset;
import io.lethe.processor.engine.data.DatasetSplit;
import io.lethe.processor.engine.model.Batches;
import io.lethe.processor.engine.model.ClassifierModel;
import io.lethe.processor.engine.model.Evaluator;
import io.lethe.processor.engine.model.GradientSession;
import io.lethe.processor.engine.model.Losses;
import java.util.EnumSet;
import java.util.List;

/**
 * FAMR (arXiv 2506.14515): minimize {@code KL(uniform || p(.|x))} over the forget set plus {@code
 * (lambda/2) ||theta - theta_0||^2} anchoring the weights to the original ones. Uses the forget set
 * and the original weights only, no retain data. Takes steps (SGD unless set) over the forget set
 * until the forget accuracy (checked every {@code checkEvery} steps on a sample of the forget set
 * itself) is at most {@code targetForgetAccuracy} or {@code maxEpochs} are spent. See {@link
 * Settings} (defaults tuned on the validation split).
 *
 * <p>Which uniform: the paper's target is the uniform distribution. Over all classes (setting
 * {@code uniform=all}) the optimum leaves the forgotten class tied with the others, so the argmax
 * on forget samples is a coin toss and forget accuracy settles near 1/C (measured: about 12 % on
 * MNIST). For class forgetting the default is therefore the uniform distribution over the remaining
 * classes ({@code uniform=remaining}): maximal uncertainty among the classes the model still knows,
 * and no mass on the forgotten one.
 */
public final class Famr extends AbstractUnlearningMethod<Famr.Settings> {

  public static final String NAME = "famr";

  /** The optimizer of FAMR's steps. */
  public enum Optimizer {
    SGD,
    ADAM;

    GradientSession open(ClassifierModel model, float lr) {
      return this == SGD ? GradientSession.sgd(model, lr) : GradientSession.adam(model, lr);
    }
  }

  /** Which classes the target distribution is uniform over. */
  public enum Uniform {
    /** The classes not forgotten (the default for class forgetting). */
    REMAINING,
    /** All classes (the paper's literal target). */
    ALL
  }

  /**
   * @param lambda weight of the anchor {@code (lambda/2) ||theta - theta_0||^2} (default 0.1)
   * @param optimizer {@code sgd} or {@code adam} (default sgd)
   * @param lr learning rate (default 0.02)
   * @param batch forget samples per step (default 64)
   * @param maxEpochs passes over the forget set at most (default 10)
   * @param checkEvery steps between forget-accuracy checks (default 1)
   * @param checkSamples forget samples the check runs on (default 512)
   * @param targetForgetAccuracy forget accuracy at which it stops (default 0.0)
   * @param uniform {@code remaining} or {@code all} (default remaining)
   */
  public record Settings(
      float lambda,
      Optimizer optimizer,
      float lr,
      int batch,
      int maxEpochs,
      int checkEvery,
      int checkSamples,
      double targetForgetAccuracy,
      Uniform uniform) {
    public static final Settings DEFAULTS =
        new Settings(0.1f, Optimizer.SGD, 0.02f, 64, 10, 1, 512, 0.0, Uniform.REMAINING);

    public Settings {
      MethodSupport.requireNonNegative("lambda", lambda);
      java.util.Objects.requireNonNull(optimizer, "optimizer");
      MethodSupport.requirePositive("lr", lr);
      MethodSupport.requireRange("batch", batch, 1, 1 << 20);
      MethodSupport.requireRange("maxEpochs", maxEpochs, 1, 10_000);
      MethodSupport.requireRange("checkEvery", checkEvery, 1, Integer.MAX_VALUE);
      MethodSupport.requireRange("checkSamples", checkSamples, 1, Integer.MAX_VALUE);
      MethodSupport.requireRange("targetForgetAccuracy", targetForgetAccuracy, 0, 1);
      java.util.Objects.requireNonNull(uniform, "uniform");
    }
  }

  public Famr() {
    super(NAME, Settings.DEFAULTS, EnumSet.of(ForgetScope.CLASS));
  }

  @Override
  protected void run(Run<Settings> run) {
    Settings s = run.settings();
    UnlearningTask task = run.task();
    float lambda = s.lambda();
    int batch = s.batch();
    ClassifierModel model = run.model();
    float[] mask = new float[model.numClasses()];
    for (int c = 0; c < mask.length; c++) {
      mask[c] = s.uniform() == Uniform.ALL || !task.forgetClasses().contains(c) ? 1f : 0f;
    }
    Dataset forget = task.forget();
    Dataset check = forget.sample(s.checkSamples(), task.seed() + 3);
    int steps = 0;
    double forgetAccuracy;
    boolean reached = false;
    try (GradientSession session = s.optimizer().open(model, s.lr());
        NDManager anchors = model.manager().newSubManager()) {
      List<Parameter> params = session.trainableParameters();
      NDArray[] theta0 = new NDArray[params.size()];
      for (int i = 0; i < theta0.length; i++) {
        theta0[i] = params.get(i).getArray().duplicate();
        theta0[i].attach(anchors);
      }
      for (int epoch = 0; epoch < s.maxEpochs() && !reached; epoch++) {
        int[] order = DatasetSplit.shuffledIndices(forget.size(), task.seed() + epoch);
        for (int from = 0; from < order.length && !reached; from += batch) {
          int[] idx = Batches.slice(order, from, from + batch);
          try (NDManager scope = model.manager().newSubManager()) {
            NDArray x = model.batch(scope, forget, idx);
            NDArray m = scope.create(mask);
            session.step(
                () -> {
                  NDArray loss = Losses.klUniformOver(session.forward(x), m).mean();
                  if (lambda > 0) {
                    NDArray anchor = null;
                    for (int i = 0; i < theta0.length; i++) {
                      NDArray d = params.get(i).getArray().sub(theta0[i]);
                      d.attach(scope);
                      NDArray sq = d.square().sum();
                      anchor = anchor == null ? sq : anchor.add(sq);
                    }
                    loss = loss.add(anchor.mul(lambda / 2));
                  }
                  return loss;
                });
          }
          steps++;
          if (steps % s.checkEvery() == 0) {
            reached = Evaluator.accuracy(model, check) <= s.targetForgetAccuracy();
          }
        }
      }
      forgetAccuracy = Evaluator.accuracy(model, forget);
    }
    run.note("steps", steps);
    run.note("forgetAccuracy", MethodSupport.fmt(forgetAccuracy));
  }

  /**
   * FAMR's step size decides how far the weights leave the anchor before the forget set is at its
   * target (larger: fewer steps, cheaper), and {@code lambda} how strongly they are held to it.
   */
  @Override
  public java.util.List<java.util.Map<String, String>> calibrationGrid(ForgetScope scope) {
    return java.util.List.of(
        java.util.Map.of("lr", "0.05"),
        java.util.Map.of("lr", "0.02"),
        java.util.Map.of("lr", "0.01"),
        java.util.Map.of("lr", "0.005"),
        java.util.Map.of("lr", "0.02", "lambda", "1.0"));
  }
}
