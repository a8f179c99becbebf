package io.lethe.processor.engine.method;

import ai.djl.nn.Parameter;
import io.lethe.processor.engine.data.Dataset;
import io.lethe.processor.engine.model.ClassifierModel;
import io.lethe.processor.engine.model.GradientSession;
import java.nio.FloatBuffer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Selective Synaptic Dampening (Foster et al., AAAI 2024): estimate each parameter's importance as
 * the diagonal Fisher information (mean squared mini-batch gradient) on the forget set, {@code
 * I_f}, and on the retain data, {@code I_d}; where {@code I_f > alpha * I_d}, dampen the parameter
 * by {@code beta = min(lambda * I_d / I_f, 1)}. No training. Settings: {@code alpha} (100; the
 * paper's 10 dampened too much on MNIST: retain accuracy fell 6 points on validation), {@code
 * lambda} (1), {@code retainSamples} (2000), {@code batch} (32).
 */
public final class Ssd implements UnlearningMethod {

  @Override
  public String name() {
    return "ssd";
  }

  @Override
  public UnlearningResult unlearn(UnlearningTask task) {
    checkScope(task);
    long start = System.nanoTime();
    Budget b = task.budget();
    double alpha = b.getDouble("alpha", 100);
    double lambda = b.getDouble("lambda", 1);
    int batch = b.getInt("batch", 32);
    Dataset retain =
        MethodSupport.sample(task.retain(), b.getInt("retainSamples", 2000), task.seed());
    ClassifierModel model = task.original().copy();
    long dampened = 0;
    long total = 0;
    try (GradientSession session = GradientSession.sgd(model, 0f)) {
      List<Parameter> params = session.trainableParameters();
      double[][] forgetImportance = MethodSupport.fisher(session, task.forget(), batch);
      double[][] retainImportance = MethodSupport.fisher(session, retain, batch);
      for (int p = 0; p < params.size(); p++) {
        float[] w = params.get(p).getArray().toFloatArray();
        double[] f = forgetImportance[p];
        double[] d = retainImportance[p];
        for (int i = 0; i < w.length; i++) {
          total++;
          if (f[i] > alpha * d[i]) {
            double beta = Math.min(lambda * d[i] / f[i], 1);
            w[i] = (float) (w[i] * beta);
            dampened++;
          }
        }
        params.get(p).getArray().set(FloatBuffer.wrap(w));
      }
    } catch (RuntimeException e) {
      model.close();
      throw e;
    }
    Map<String, String> notes = new LinkedHashMap<>();
    notes.put("alpha", String.valueOf(alpha));
    notes.put("lambda", String.valueOf(lambda));
    notes.put("dampened", dampened + "/" + total);
    return new UnlearningResult(model, name(), MethodSupport.millisSince(start), notes);
  }
}
