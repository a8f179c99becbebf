package io.lethe.processor.engine.method;

import ai.djl.nn.Parameter;
import io.lethe.processor.engine.data.Dataset;
import io.lethe.processor.engine.model.ClassifierModel;
import io.lethe.processor.engine.model.Evaluator;
import io.lethe.processor.engine.model.GradientSession;
import io.lethe.processor.engine.model.MnemonicCodes;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 * <p>Settings: {@code codeSamples} per class (16), {@code safety} (4.0, tuned on the validation
 * split), {@code fisherBatch} and {@code forgetFisherBatch}: mini-batch sizes of the retain and
 * forget codes' Fisher estimates (16 and 4; per-sample Fisher forgot no better on validation and
 * took 3 times longer), {@code topFraction} of each layer's parameters perturbed (0.05), {@code
 * maxScale} (8), {@code searchSteps} (12).
 */
public final class MnemonicCode implements UnlearningMethod {

  @Override
  public String name() {
    return "mnemonic";
  }

  @Override
  public Set<ForgetScope> scopes() {
    return EnumSet.of(ForgetScope.CLASS);
  }

  @Override
  public UnlearningResult unlearn(UnlearningTask task) {
    checkScope(task);
    ClassifierModel original = task.original();
    if (!original.spec().hasMnemonicCodes()) {
      throw new IllegalArgumentException(
          "mnemonic needs a model trained with mnemonic codes (TrainingConfig.mnemonicCodes)");
    }
    if (original.spec().isEnsemble()) {
      throw new IllegalArgumentException("mnemonic does not apply to a SISA ensemble");
    }
    long start = System.nanoTime();
    Budget b = task.budget();
    int perClass = b.getInt("codeSamples", 16);
    double safety = b.getDouble("safety", 4.0);
    int fisherBatch = b.getInt("fisherBatch", 16);
    int forgetFisherBatch = b.getInt("forgetFisherBatch", 4);
    double topFraction = b.getDouble("topFraction", 0.05);
    double maxScale = b.getDouble("maxScale", 8);
    int searchSteps = b.getInt("searchSteps", 12);
    MnemonicCodes codes = MnemonicCodes.of(original.spec());
    int classes = original.numClasses();
    SplittableRandom random = new SplittableRandom(task.seed());
    Dataset forgetCodes = codeSet(codes, task.forgetClasses(), true, perClass, random, original);
    Dataset retainCodes = codeSet(codes, task.forgetClasses(), false, perClass, random, original);
    Dataset forgetCheck = codeSet(codes, task.forgetClasses(), true, perClass, random, original);
    Dataset retainCheck = codeSet(codes, task.forgetClasses(), false, perClass, random, original);

    long t0 = System.nanoTime();
    ClassifierModel model = original.copy();
    long tCopy = System.nanoTime();
    Map<String, String> notes = new LinkedHashMap<>();
    try {
      List<Parameter> params;
      double[][] fisherForget;
      double[][] fisherRetain;
      float[][] forgetGradient;
      try (GradientSession session = GradientSession.sgd(model, 0f)) {
        params = session.trainableParameters();
        fisherForget = MethodSupport.fisher(session, forgetCodes, forgetFisherBatch);
        fisherRetain = MethodSupport.fisher(session, retainCodes, fisherBatch);
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
          for (int i = 0; i < searchSteps; i++) {
            double mid = 0.5 * (lo + hi);
            search.apply(mid);
            if (Evaluator.accuracy(model, forgetCheck) == 0) {
              hi = mid;
            } else {
              lo = mid;
            }
          }
        } else {
          notes.put("warning", "forget codes still recognized at the largest scale");
        }
        scale = Math.min(maxScale, hi * safety);
        search.apply(scale);
      }
      notes.put(
          "phasesMillis",
          String.format(
              "copy %d, fisher %d, select %d, search %d",
              (tCopy - t0) / 1_000_000,
              (tFisher - tCopy) / 1_000_000,
              (tSelect - tFisher) / 1_000_000,
              (System.nanoTime() - tSelect) / 1_000_000));
      notes.put("scale", MethodSupport.fmt(scale));
      notes.put("perturbed", perturbed + " parameters");
      notes.put("forgetCodeAccuracy", MethodSupport.fmt(Evaluator.accuracy(model, forgetCheck)));
      notes.put("retainCodeAccuracy", MethodSupport.fmt(Evaluator.accuracy(model, retainCheck)));
      notes.put("classes", String.valueOf(classes));
    } catch (RuntimeException e) {
      model.close();
      throw e;
    }
    return new UnlearningResult(model, name(), MethodSupport.millisSince(start), notes);
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
}
