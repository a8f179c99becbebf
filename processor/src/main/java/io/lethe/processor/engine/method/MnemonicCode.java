package io.lethe.processor.engine.method;

import ai.djl.nn.Parameter;
import io.lethe.processor.engine.data.Dataset;
import io.lethe.processor.engine.model.ClassifierModel;
import io.lethe.processor.engine.model.Evaluator;
import io.lethe.processor.engine.model.GradientSession;
import io.lethe.processor.engine.model.MnemonicCodes;
import io.lethe.processor.engine.model.ModelSpec;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * One-shot unlearning with mnemonic code (Yamashita et al., arXiv 2306.05670). The model must have
 * been trained with its class mnemonic codes mixed in ({@link
 * io.lethe.processor.engine.model.TrainingConfig#mnemonicCodes()}). Forgetting uses the codes
 * alone, no training data: the diagonal (mini-batch) Fisher information of each parameter is
 * estimated on noisy copies of the forget classes' codes, {@code F_f}, and of the other classes'
 * codes, {@code F_r}; in every layer the parameters with the highest ratio {@code F_f / (F_r +
 * eps)} are perturbed by the layer's RMS weight, with the sign of the forget-code loss gradient
 * (the sign that forgets). The perturbation scale is searched on fresh code samples: the smallest
 * scale at which the forget-class codes are no longer recognized, times a safety factor.
 *
 * <p>See {@link Settings}.
 */
public final class MnemonicCode extends AbstractUnlearningMethod<MnemonicCode.Settings> {

  public static final String NAME = "mnemonic";

  /**
   * @param codeSamples noisy code samples per class (default 16)
   * @param safety factor on the smallest forgetting scale (default 4.0, tuned on the validation
   *     split)
   * @param fisherBatch mini-batch size of the retain codes' Fisher estimate (default 16)
   * @param forgetFisherBatch mini-batch size of the forget codes' Fisher estimate (default 4;
   *     per-sample Fisher forgot no better on validation and took 3 times longer)
   * @param topFraction fraction of each layer's parameters perturbed (default 0.05)
   * @param maxScale largest perturbation scale searched (default 8)
   * @param searchSteps bisection steps of the scale search (default 12)
   */
  public record Settings(
      int codeSamples,
      double safety,
      int fisherBatch,
      int forgetFisherBatch,
      double topFraction,
      double maxScale,
      int searchSteps) {
    public static final Settings DEFAULTS = new Settings(16, 4.0, 16, 4, 0.05, 8, 12);

    public Settings {
      MethodSupport.requireRange("codeSamples", codeSamples, 1, 1 << 20);
      MethodSupport.requirePositive("safety", safety);
      MethodSupport.requireRange("fisherBatch", fisherBatch, 1, 1 << 20);
      MethodSupport.requireRange("forgetFisherBatch", forgetFisherBatch, 1, 1 << 20);
      if (!(topFraction > 0 && topFraction <= 1)) {
        throw new IllegalArgumentException("topFraction must be in (0, 1], got " + topFraction);
      }
      MethodSupport.requirePositive("maxScale", maxScale);
      MethodSupport.requireRange("searchSteps", searchSteps, 0, 64);
    }
  }

  public MnemonicCode() {
    super(NAME, Settings.DEFAULTS, EnumSet.of(ForgetScope.CLASS));
  }

  @Override
  protected Optional<String> refuseModel(ModelSpec spec) {
    if (!spec.architecture().trainedByLethe()) {
      return Optional.of(
          "needs a model Lethe trained itself with mnemonic codes; a model trained elsewhere"
              + " has none");
    }
    if (!spec.hasMnemonicCodes()) {
      return Optional.of(
          "needs a model trained with mnemonic codes (TrainingConfig.mnemonicCodes)");
    }
    if (spec.isEnsemble()) {
      return Optional.of("does not apply to a SISA ensemble");
    }
    return Optional.empty();
  }

  @Override
  protected void run(Run<Settings> run) {
    Settings s = run.settings();
    UnlearningTask task = run.task();
    ClassifierModel model = run.model();
    int perClass = s.codeSamples();
    double safety = s.safety();
    double topFraction = s.topFraction();
    double maxScale = s.maxScale();
    MnemonicCodes codes = MnemonicCodes.of(model.spec());
    int classes = model.numClasses();
    SplittableRandom random = new SplittableRandom(task.seed());
    Dataset forgetCodes = codeSet(codes, task.forgetClasses(), true, perClass, random, model);
    Dataset retainCodes = codeSet(codes, task.forgetClasses(), false, perClass, random, model);
    Dataset forgetCheck = codeSet(codes, task.forgetClasses(), true, perClass, random, model);
    Dataset retainCheck = codeSet(codes, task.forgetClasses(), false, perClass, random, model);

    long tCodes = System.nanoTime();
    List<Parameter> params;
    double[][] fisherForget;
    double[][] fisherRetain;
    float[][] forgetGradient;
    try (GradientSession session = GradientSession.sgd(model, 0f)) {
      params = session.trainableParameters();
      fisherForget = MethodSupport.fisher(session, forgetCodes, s.forgetFisherBatch());
      fisherRetain = MethodSupport.fisher(session, retainCodes, s.fisherBatch());
      session.zeroGradients();
      MethodSupport.accumulateGradient(session, forgetCodes, 256);
      forgetGradient = new float[params.size()][];
      for (int p = 0; p < params.size(); p++) {
        forgetGradient[p] = GradientSession.gradient(params.get(p));
      }
      session.zeroGradients();
    }
    long tFisher = System.nanoTime();
    // per layer: perturb the top fraction of parameters by forget/retain Fisher ratio, each by
    // the layer's RMS weight, with the sign of the forget-code loss gradient (the sign that
    // forgets)
    float[][] w0 = new float[params.size()][];
    float[][] perturbation = new float[params.size()][];
    long perturbed = 0;
    for (int p = 0; p < params.size(); p++) {
      w0[p] = params.get(p).getArray().toFloatArray();
      double retainMean = mean(fisherRetain[p]);
      double[] ratio = new double[w0[p].length];
      for (int i = 0; i < ratio.length; i++) {
        ratio[i] = fisherForget[p][i] / (fisherRetain[p][i] + 1e-3 * retainMean + 1e-20);
      }
      double threshold = quantile(ratio, 1 - topFraction);
      double layerScale = rms(w0[p]);
      perturbation[p] = new float[w0[p].length];
      for (int i = 0; i < ratio.length; i++) {
        if (ratio[i] >= threshold && ratio[i] > 0 && forgetGradient[p][i] != 0) {
          perturbation[p][i] = (float) (Math.signum(forgetGradient[p][i]) * layerScale);
          perturbed++;
        }
      }
    }
    long tSelect = System.nanoTime();
    // smallest scale at which the forget codes are no longer recognized
    double scale;
    try (Perturbation search = new Perturbation(model.manager(), params, w0, perturbation)) {
      double lo = 0;
      double hi = maxScale;
      search.apply(hi);
      boolean reachable = Evaluator.accuracy(model, forgetCheck) == 0;
      if (reachable) {
        for (int i = 0; i < s.searchSteps(); i++) {
          double mid = 0.5 * (lo + hi);
          search.apply(mid);
          if (Evaluator.accuracy(model, forgetCheck) == 0) {
            hi = mid;
          } else {
            lo = mid;
          }
        }
      } else {
        run.note("warning", "forget codes still recognized at the largest scale");
      }
      scale = Math.min(maxScale, hi * safety);
      search.apply(scale);
    }
    run.note(
        "phasesMillis",
        String.format(
            "copy %d, fisher %d, select %d, search %d",
            run.startingModelMillis(),
            (tFisher - tCodes) / 1_000_000,
            (tSelect - tFisher) / 1_000_000,
            (System.nanoTime() - tSelect) / 1_000_000));
    run.note("scale", MethodSupport.fmt(scale));
    run.note("perturbed", perturbed + " parameters");
    run.note("forgetCodeAccuracy", MethodSupport.fmt(Evaluator.accuracy(model, forgetCheck)));
    run.note("retainCodeAccuracy", MethodSupport.fmt(Evaluator.accuracy(model, retainCheck)));
    run.note("classes", classes);
  }

  /** Noisy code samples of the forget classes ({@code forget}) or of all the other classes. */
  private static Dataset codeSet(
      MnemonicCodes codes,
      Set<Integer> forgetClasses,
      boolean forget,
      int perClass,
      SplittableRandom random,
      ClassifierModel model) {
    List<float[]> rows = new ArrayList<>();
    List<Integer> labels = new ArrayList<>();
    for (int c = 0; c < codes.classes(); c++) {
      if (forgetClasses.contains(c) == forget) {
        for (int k = 0; k < perClass; k++) {
          rows.add(codes.noisy(c, random));
          labels.add(c);
        }
      }
    }
    long[] ids = new long[rows.size()];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = -1 - i;
    }
    return Dataset.ofRows(
        rows.toArray(new float[0][]),
        labels.stream().mapToInt(Integer::intValue).toArray(),
        ids,
        model.inputShape(),
        model.numClasses());
  }

  /**
   * The {@code q}-quantile of {@code v}, exact for up to 4096 values and otherwise estimated from
   * an evenly spaced sample of 4096 of them (a full sort of every layer cost more than the rest of
   * the method).
   */
  static double quantile(double[] v, double q) {
    int n = Math.min(v.length, 4096);
    double[] sample = new double[n];
    for (int i = 0; i < n; i++) {
      sample[i] = v[(int) ((long) i * v.length / n)];
    }
    java.util.Arrays.sort(sample);
    return sample[(int) Math.min(n - 1, Math.floor(n * q))];
  }

  private static double mean(double[] v) {
    double s = 0;
    for (double x : v) {
      s += x;
    }
    return v.length == 0 ? 0 : s / v.length;
  }

  private static double rms(float[] v) {
    return v.length == 0 ? 0 : MethodSupport.norm(v) / Math.sqrt(v.length);
  }

  /**
   * The safety factor on the smallest forgetting scale (too small leaves the class recognized, too
   * large costs accuracy) and the fraction of parameters perturbed; all points cost the same.
   */
  @Override
  public java.util.List<java.util.Map<String, String>> calibrationGrid(ForgetScope scope) {
    return java.util.List.of(
        java.util.Map.of(),
        java.util.Map.of("safety", "5.0"),
        java.util.Map.of("safety", "6.0"),
        java.util.Map.of("safety", "5.0", "topFraction", "0.1"));
  }
}
