package io.lethe.processor.engine.method;

import ai.djl.nn.Parameter;
import io.lethe.processor.engine.data.Dataset;
import io.lethe.processor.engine.model.GradientSession;
import java.nio.FloatBuffer;
import java.util.List;

/**
 * Selective Synaptic Dampening (Foster et al., AAAI 2024): estimate each parameter's importance as
 * the diagonal Fisher information (mean squared mini-batch gradient) on the forget set, {@code
 * I_f}, and on the retain data, {@code I_d}; where {@code I_f > alpha * I_d}, dampen the parameter
 * by {@code beta = min(lambda * I_d / I_f, 1)}. No training.
 */
public final class Ssd extends AbstractUnlearningMethod<Ssd.Settings> {

  public static final String NAME = "ssd";

  /**
   * @param alpha selection threshold on {@code I_f / I_d} (default 100; the paper's 10 dampened too
   *     much on MNIST: retain accuracy fell 6 points on validation)
   * @param lambda dampening strength (default 1)
   * @param retainSamples retain samples the retain importance is estimated on (default 2000)
   * @param batch mini-batch size of the Fisher estimates (default 32)
   */
  public record Settings(double alpha, double lambda, int retainSamples, int batch) {
    public static final Settings DEFAULTS = new Settings(100, 1, 2000, 32);

    public Settings {
      MethodSupport.requirePositive("alpha", alpha);
      MethodSupport.requirePositive("lambda", lambda);
      MethodSupport.requireRange("retainSamples", retainSamples, 1, Integer.MAX_VALUE);
      MethodSupport.requireRange("batch", batch, 1, 1 << 20);
    }
  }

  public Ssd() {
    super(NAME, Settings.DEFAULTS);
  }

  @Override
  protected void run(Run<Settings> run) {
    Settings s = run.settings();
    UnlearningTask task = run.task();
    Dataset retain = task.retain().sample(s.retainSamples(), task.seed());
    long dampened = 0;
    long total = 0;
    try (GradientSession session = GradientSession.sgd(run.model(), 0f)) {
      List<Parameter> params = session.trainableParameters();
      double[][] forgetImportance = MethodSupport.fisher(session, task.forget(), s.batch());
      double[][] retainImportance = MethodSupport.fisher(session, retain, s.batch());
      for (int p = 0; p < params.size(); p++) {
        float[] w = params.get(p).getArray().toFloatArray();
        double[] f = forgetImportance[p];
        double[] d = retainImportance[p];
        for (int i = 0; i < w.length; i++) {
          total++;
          if (f[i] > s.alpha() * d[i]) {
            double beta = Math.min(s.lambda() * d[i] / f[i], 1);
            w[i] = (float) (w[i] * beta);
            dampened++;
          }
        }
        params.get(p).getArray().set(FloatBuffer.wrap(w));
      }
    }
    run.note("dampened", dampened + "/" + total);
  }

  /**
   * The selection threshold {@code alpha} (lower dampens more parameters) and the dampening
   * strength; all points cost the same.
   */
  @Override
  public java.util.List<java.util.Map<String, String>> calibrationGrid(ForgetScope scope) {
    return java.util.List.of(
        java.util.Map.of(),
        java.util.Map.of("alpha", "30"),
        java.util.Map.of("alpha", "300"),
        java.util.Map.of("alpha", "10", "lambda", "1"));
  }
}
