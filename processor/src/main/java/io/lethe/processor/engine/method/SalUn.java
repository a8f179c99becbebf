package io.lethe.processor.engine.method;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import io.lethe.processor.engine.data.Dataset;
import io.lethe.processor.engine.data.DatasetSplit;
import io.lethe.processor.engine.model.Batches;
import io.lethe.processor.engine.model.ClassifierModel;
import io.lethe.processor.engine.model.GradientSession;
import io.lethe.processor.engine.model.Losses;
import io.lethe.processor.engine.model.ModelSpec;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;

/**
 * SalUn (Fan et al., ICLR 2024, "SalUn: Empowering machine unlearning via gradient-based weight
 * saliency"): the gradient of the forget loss on the forget set marks the salient weights (the
 * {@code saliency} fraction with the largest {@code |gradient|}, one threshold over all trainable
 * parameters); only those are then fine-tuned, on forget samples with random wrong labels (random
 * labelling) mixed with retain samples with their own labels, by cross-entropy. For CLASS scope the
 * random labels are drawn from the remaining classes.
 */
public final class SalUn extends AbstractUnlearningMethod<SalUn.Settings> {

  public static final String NAME = "salun";

  /**
   * Defaults picked on MNIST-10k's validation split (never its test split) for a random 10 %; CLASS
   * scope has its own ({@link #CLASS_DEFAULTS}).
   *
   * @param saliency fraction of the trainable weights that may change (default 0.2; 0.5, the
   *     paper's, for CLASS scope)
   * @param lr Adam's learning rate (default 1e-3; 5e-4 for CLASS scope)
   * @param epochs passes over the forget set; 0 leaves the model as it is (default 4; 3 for CLASS)
   * @param retainRatio retain samples per forget sample in a step (default 3.0; 4.0 for CLASS)
   * @param batch forget samples per step (default 64)
   * @param saliencyBatch samples per gradient batch of the saliency pass (default 256)
   */
  public record Settings(
      double saliency, float lr, int epochs, double retainRatio, int batch, int saliencyBatch) {
    /** The defaults for SAMPLES scope. */
    public static final Settings DEFAULTS = new Settings(0.2, 1e-3f, 4, 3.0, 64, 256);

    /**
     * The defaults for CLASS scope: a forgotten class must reach chance or below, which takes a
     * larger step than a random sample, whose oracle still recognizes it like a test sample.
     */
    public static final Settings CLASS_DEFAULTS = new Settings(0.5, 5e-4f, 3, 4.0, 64, 256);

    public Settings {
      if (!(saliency > 0 && saliency <= 1)) {
        throw new IllegalArgumentException("saliency must be in (0, 1], got " + saliency);
      }
      MethodSupport.requirePositive("lr", lr);
      MethodSupport.requireRange("epochs", epochs, 0, 10_000);
      MethodSupport.requireRange("retainRatio", retainRatio, 0, 100);
      MethodSupport.requireRange("batch", batch, 1, 1 << 20);
      MethodSupport.requireRange("saliencyBatch", saliencyBatch, 1, 1 << 20);
    }
  }

  public SalUn() {
    super(NAME, Settings.DEFAULTS);
  }

  @Override
  public Settings defaultSettings(ForgetScope scope) {
    return scope == ForgetScope.CLASS ? Settings.CLASS_DEFAULTS : Settings.DEFAULTS;
  }

  @Override
  protected Optional<String> refuseModel(ModelSpec spec) {
    // the mask and the fine-tuning act on one network's parameters
    return spec.isEnsemble() ? Optional.of("does not apply to a SISA ensemble") : Optional.empty();
  }

  @Override
  protected void run(Run<Settings> run) {
    Settings s = run.settings();
    UnlearningTask task = run.task();
    ClassifierModel model = run.model();
    Dataset forget = task.forget();
    Dataset retain = task.retain();
    int classes = model.numClasses();
    int[] wrong = randomWrongLabels(forget, classes, task, new Random(task.seed()));
    int retainPerStep = (int) Math.min(retain.size(), Math.round(s.batch() * s.retainRatio()));
    int steps = 0;
    try (GradientSession session = GradientSession.adam(model, s.lr());
        NDManager masks = model.manager().newSubManager()) {
      List<Parameter> params = session.trainableParameters();
      NDArray[] mask = saliencyMask(session, params, forget, s, masks);
      long kept = 0;
      for (NDArray m : mask) {
        kept += (long) m.sum().getFloat();
      }
      run.note("salientWeights", kept);
      int[] retainOrder = DatasetSplit.shuffledIndices(retain.size(), task.seed() + 1);
      int r = 0;
      for (int epoch = 0; epoch < s.epochs(); epoch++) {
        int[] order = DatasetSplit.shuffledIndices(forget.size(), task.seed() + 2 + epoch);
        for (int from = 0; from < order.length; from += s.batch()) {
          int[] fi = Batches.slice(order, from, from + s.batch());
          int[] fy = new int[fi.length];
          for (int k = 0; k < fi.length; k++) {
            fy[k] = wrong[fi[k]];
          }
          int[] ri = new int[retainPerStep];
          for (int k = 0; k < ri.length; k++) {
            ri[k] = retainOrder[r++ % retainOrder.length];
          }
          try (NDManager scope = model.manager().newSubManager()) {
            NDArray xf = model.batch(scope, forget, fi);
            NDArray yf = Batches.oneHot(scope, fy, classes);
            if (ri.length == 0) {
              session.backwardOnly(() -> Losses.meanCrossEntropy(session.forward(xf), yf));
            } else {
              NDArray x = xf.concat(model.batch(scope, retain, ri), 0);
              NDArray y = yf.concat(Batches.oneHot(scope, retain, ri, classes), 0);
              // one mean over forget and retain rows, as the paper's mixed batches
              session.backwardOnly(() -> Losses.meanCrossEntropy(session.forward(x), y));
            }
          }
          maskGradients(params, mask);
          session.update();
          steps++;
        }
      }
    }
    run.note("steps", steps);
  }

  /**
   * 1 where a weight's {@code |gradient|} of the forget loss is among the top {@code saliency}
   * fraction of all trainable weights and not 0, else 0 (ties at the threshold are kept); every
   * weight at {@code saliency = 1}.
   */
  private static NDArray[] saliencyMask(
      GradientSession session,
      List<Parameter> params,
      Dataset forget,
      Settings s,
      NDManager masks) {
    session.zeroGradients();
    MethodSupport.accumulateGradient(session, forget, s.saliencyBatch());
    float[][] magnitude = new float[params.size()][];
    int total = 0;
    for (int p = 0; p < params.size(); p++) {
      magnitude[p] = GradientSession.gradient(params.get(p));
      for (int i = 0; i < magnitude[p].length; i++) {
        magnitude[p][i] = Math.abs(magnitude[p][i]);
      }
      total += magnitude[p].length;
    }
    session.zeroGradients();
    float threshold = Float.NEGATIVE_INFINITY;
    if (s.saliency() < 1) {
      float[] all = new float[total];
      int at = 0;
      for (float[] m : magnitude) {
        System.arraycopy(m, 0, all, at, m.length);
        at += m.length;
      }
      Arrays.sort(all);
      int rank = (int) Math.min(total - 1, Math.floor(total * (1 - s.saliency())));
      threshold = all[rank];
    }
    NDArray[] mask = new NDArray[params.size()];
    for (int p = 0; p < params.size(); p++) {
      float[] m = magnitude[p];
      for (int i = 0; i < m.length; i++) {
        // a weight the forget loss does not touch is not salient, even when the threshold is 0
        m[i] = m[i] >= threshold && (m[i] > 0 || s.saliency() == 1) ? 1f : 0f;
      }
      mask[p] = masks.create(m, params.get(p).getArray().getShape());
    }
    return mask;
  }

  /** Zeroes the gradients outside the mask, so Adam never moves those weights. */
  private static void maskGradients(List<Parameter> params, NDArray[] mask) {
    for (int p = 0; p < params.size(); p++) {
      try (NDArray g = params.get(p).getArray().getGradient()) {
        g.muli(mask[p]);
      }
    }
  }

  /**
   * A random label other than each forget sample's own; for CLASS scope one of the remaining
   * classes, so a forgotten class is never taught to another forgotten class.
   */
  static int[] randomWrongLabels(Dataset forget, int classes, UnlearningTask task, Random random) {
    int[] candidates =
        java.util.stream.IntStream.range(0, classes)
            .filter(c -> !task.forgetClasses().contains(c))
            .toArray();
    if (candidates.length == 0) {
      throw new IllegalArgumentException("no class left to relabel the forget samples with");
    }
    int[] out = new int[forget.size()];
    for (int i = 0; i < out.length; i++) {
      int own = forget.label(i);
      int label;
      do {
        label = candidates[random.nextInt(candidates.length)];
      } while (label == own && candidates.length > 1);
      out[i] = label;
    }
    return out;
  }

  /**
   * Epochs over the forget set (cost), the saliency fraction (how many weights may move) and the
   * learning rate, around the scope's defaults.
   */
  @Override
  public java.util.List<java.util.Map<String, String>> calibrationGrid(ForgetScope scope) {
    return scope == ForgetScope.CLASS
        ? java.util.List.of(
            java.util.Map.of("epochs", "2"),
            java.util.Map.of(),
            java.util.Map.of("saliency", "0.2"))
        : java.util.List.of(
            java.util.Map.of("epochs", "2"),
            java.util.Map.of(),
            java.util.Map.of("saliency", "0.1"),
            java.util.Map.of("lr", "5e-4"),
            java.util.Map.of("saliency", "0.5", "lr", "5e-4"));
  }
}
