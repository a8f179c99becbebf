package io.lethe.processor.engine.method;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.lethe.processor.engine.data.Dataset;
import io.lethe.processor.engine.data.DatasetSplit;
import io.lethe.processor.engine.model.Batches;
import io.lethe.processor.engine.model.ClassifierModel;
import io.lethe.processor.engine.model.GradientSession;
import io.lethe.processor.engine.model.LinearAlgebra;
import io.lethe.processor.engine.model.Losses;
import io.lethe.processor.engine.model.ModelSpec;
import io.lethe.processor.engine.model.RandomFeatures;
import java.util.Optional;

/**
 * MUSO (arXiv 2410.08557): unlearning by relabeling the forget samples with the labels the
 * retrained model would give, then fine-tuning on retain + relabeled forget data.
 *
 * <p><b>Linear setting</b> ({@link io.lethe.processor.engine.architecture.RandomFeaturesLinear},
 * over-parameterized): with features {@code Phi}, initial head {@code w0} and trained head {@code
 * w}, the retrained head is {@code w_r = w0 + Phi_r^+ (Y_r - Phi_r w0)}; the forget samples get the
 * labels {@code Y_f' = Phi_f w_r} (closed form) and fine-tuning from {@code w} on {@code [Y_r;
 * Y_f']} to convergence ({@code w + Phi^+ ([Y_r; Y_f'] - Phi w)}) lands exactly on {@code w_r},
 * because {@code w - w_r} lies in the row space of {@code Phi}.
 *
 * <p><b>Nonlinear nets</b>: the alternating algorithm: in each round, take the penultimate features
 * of the current network, fit the last layer on the retain features by ridge regression to one-hot
 * labels (the "retrained" last layer), relabel the forget samples with its normalized predictions,
 * then fine-tune the whole network on a retain sample plus the relabeled forget set. See {@link
 * Settings} (used by the nonlinear case only; defaults tuned on the validation split).
 */
public final class Muso extends AbstractUnlearningMethod<Muso.Settings> {

  public static final String NAME = "muso";

  /**
   * @param rounds relabel-and-fine-tune rounds (default 2)
   * @param epochs fine-tuning passes per round (default 2)
   * @param lr Adam's learning rate (default 5e-4)
   * @param retainSamples retain samples drawn per round (default 3000)
   * @param ridge ridge penalty of the last-layer fit, per sample (default 1e-3)
   * @param temperature softmax temperature of the relabel (default 0.1)
   * @param batch samples per fine-tuning step (default 64)
   */
  public record Settings(
      int rounds,
      int epochs,
      float lr,
      int retainSamples,
      double ridge,
      double temperature,
      int batch) {
    public static final Settings DEFAULTS = new Settings(2, 2, 5e-4f, 3000, 1e-3, 0.1, 64);

    public Settings {
      MethodSupport.requireRange("rounds", rounds, 1, 10_000);
      MethodSupport.requireRange("epochs", epochs, 1, 10_000);
      MethodSupport.requirePositive("lr", lr);
      MethodSupport.requireRange("retainSamples", retainSamples, 1, Integer.MAX_VALUE);
      MethodSupport.requirePositive("ridge", ridge);
      MethodSupport.requirePositive("temperature", temperature);
      MethodSupport.requireRange("batch", batch, 1, 1 << 20);
    }
  }

  public Muso() {
    super(NAME, Settings.DEFAULTS);
  }

  @Override
  protected Optional<String> refuseModel(ModelSpec spec) {
    if (spec.isEnsemble()) {
      return Optional.of("does not apply to a SISA ensemble");
    }
    if (!spec.architecture().exposesFeatures()) {
      // The relabelling fits a last layer on the features before the head.
      return Optional.of(
          "needs the features before the head: name the module's head (model.head) and its"
              + " features method (model.features), see docs/pytorch.md");
    }
    return Optional.empty();
  }

  @Override
  protected void run(Run<Settings> run) {
    var featureMap = run.model().linearFeatureMap();
    if (featureMap.isPresent()) {
      unlearnLinear(run, featureMap.get());
    } else {
      unlearnNonlinear(run);
    }
  }

  /** The closed-form linear case: relabel, then fine-tune to convergence (exact). */
  private static void unlearnLinear(Run<Settings> run, RandomFeatures rf) {
    ClassifierModel model = run.model();
    UnlearningTask task = run.task();
    int classes = model.numClasses();
    double[][] phiRetain = rf.transform(task.retain());
    double[][] phiForget = rf.transform(task.forget());
    double[][] w0 = RandomFeatures.toRows(model.initialHeadWeights(), classes, rf.features());
    double[][] w = RandomFeatures.toRows(model.headWeights(), classes, rf.features());
    // relabel: the outputs the retrained head gives on the forget samples
    double[][] retrainedHead =
        LinearAlgebra.minNormInterpolation(
            phiRetain, RandomFeatures.oneHotTargets(task.retain()), w0);
    double[][] relabels = LinearAlgebra.multiplyTransposed(phiForget, retrainedHead);
    // fine-tune from the trained head on retain + relabeled forget, to convergence
    int n = phiRetain.length + phiForget.length;
    double[][] phi = new double[n][];
    double[][] targets = new double[n][];
    double[][] retainTargets = RandomFeatures.oneHotTargets(task.retain());
    for (int i = 0; i < phiRetain.length; i++) {
      phi[i] = phiRetain[i];
      targets[i] = retainTargets[i];
    }
    for (int i = 0; i < phiForget.length; i++) {
      phi[phiRetain.length + i] = phiForget[i];
      targets[phiRetain.length + i] = relabels[i];
    }
    double[][] tuned = LinearAlgebra.minNormInterpolation(phi, targets, w);
    model.setHeadWeights(RandomFeatures.toFloats(tuned));
    run.note("setting", "linear closed form");
    run.note("relabeled", phiForget.length);
  }

  private static void unlearnNonlinear(Run<Settings> run) {
    ClassifierModel model = run.model();
    UnlearningTask task = run.task();
    Settings s = run.settings();
    int rounds = s.rounds();
    int epochs = s.epochs();
    float lr = s.lr();
    int retainSamples = s.retainSamples();
    double ridge = s.ridge();
    double temperature = s.temperature();
    int batch = s.batch();
    int classes = model.numClasses();
    Dataset forget = task.forget();
    for (int round = 0; round < rounds; round++) {
      Dataset retain = task.retain().sample(retainSamples, task.seed() + round);
      float[][] soft = relabel(model, retain, forget, ridge, temperature);
      // fine-tune on retain (one-hot) + forget (relabeled soft targets)
      Dataset both = retain.concat(forget);
      float[][] targets = new float[both.size()][];
      for (int i = 0; i < retain.size(); i++) {
        targets[i] = new float[classes];
        targets[i][retain.label(i)] = 1f;
      }
      System.arraycopy(soft, 0, targets, retain.size(), soft.length);
      try (GradientSession session = GradientSession.adam(model, lr)) {
        for (int epoch = 0; epoch < epochs; epoch++) {
          int[] order =
              DatasetSplit.shuffledIndices(both.size(), task.seed() + 100 * round + epoch);
          for (int from = 0; from < order.length; from += batch) {
            int[] idx = Batches.slice(order, from, from + batch);
            float[] t = new float[idx.length * classes];
            for (int k = 0; k < idx.length; k++) {
              System.arraycopy(targets[idx[k]], 0, t, k * classes, classes);
            }
            try (NDManager scope = model.manager().newSubManager()) {
              NDArray x = model.batch(scope, both, idx);
              NDArray y = scope.create(t, new Shape(idx.length, classes));
              session.step(() -> Losses.meanCrossEntropy(session.forward(x), y));
            }
          }
        }
      }
    }
    run.note("setting", "nonlinear alternating");
  }

  /**
   * Fits the last layer on the retain features (ridge regression with a bias column to one-hot
   * labels) and returns the forget samples' predictions as distributions: a softmax of the
   * regression scores at {@code temperature}.
   */
  static float[][] relabel(
      ClassifierModel model, Dataset retain, Dataset forget, double ridge, double temperature) {
    int classes = model.numClasses();
    double[][] hr = features(model, retain);
    double[][] hf = features(model, forget);
    int d = hr[0].length;
    // normal equations (H^T H + ridge n I) W = H^T Y, with a bias column
    double[][] gram = new double[d + 1][d + 1];
    double[][] rhs = new double[d + 1][classes];
    for (int i = 0; i < hr.length; i++) {
      double[] h = hr[i];
      for (int a = 0; a <= d; a++) {
        double ha = a < d ? h[a] : 1;
        if (ha == 0) {
          continue;
        }
        for (int c = 0; c <= a; c++) {
          gram[a][c] += ha * (c < d ? h[c] : 1);
        }
        rhs[a][retain.label(i)] += ha;
      }
    }
    for (int a = 0; a <= d; a++) {
      for (int c = 0; c < a; c++) {
        gram[c][a] = gram[a][c];
      }
      gram[a][a] += ridge * hr.length;
    }
    double[][] w = LinearAlgebra.solveSpd(gram, rhs); // (d+1) x classes
    float[][] soft = new float[hf.length][classes];
    for (int i = 0; i < hf.length; i++) {
      double[] scores = new double[classes];
      double max = Double.NEGATIVE_INFINITY;
      for (int c = 0; c < classes; c++) {
        double s = w[d][c];
        for (int a = 0; a < d; a++) {
          s += hf[i][a] * w[a][c];
        }
        scores[c] = s / temperature;
        max = Math.max(max, scores[c]);
      }
      double z = 0;
      for (int c = 0; c < classes; c++) {
        scores[c] = Math.exp(scores[c] - max);
        z += scores[c];
      }
      for (int c = 0; c < classes; c++) {
        soft[i][c] = (float) (scores[c] / z);
      }
    }
    return soft;
  }

  private static double[][] features(ClassifierModel model, Dataset data) {
    double[][] out = new double[data.size()][];
    for (int from = 0; from < data.size(); from += 500) {
      int[] idx = MethodSupport.range(from, Math.min(data.size(), from + 500));
      float[] f;
      int d;
      try (NDManager scope = model.manager().newSubManager()) {
        NDArray h = model.features(model.batch(scope, data, idx));
        d = (int) h.getShape().get(1);
        f = h.toFloatArray();
      }
      for (int k = 0; k < idx.length; k++) {
        double[] row = new double[d];
        for (int j = 0; j < d; j++) {
          row[j] = f[k * d + j];
        }
        out[from + k] = row;
      }
    }
    return out;
  }

  /** Rounds and fine-tuning epochs (cost grows with both) and the learning rate. */
  @Override
  public java.util.List<java.util.Map<String, String>> calibrationGrid(ForgetScope scope) {
    return java.util.List.of(
        java.util.Map.of("rounds", "1", "epochs", "1"),
        java.util.Map.of("rounds", "1", "epochs", "2"),
        java.util.Map.of(),
        java.util.Map.of("lr", "1e-3"));
  }
}
