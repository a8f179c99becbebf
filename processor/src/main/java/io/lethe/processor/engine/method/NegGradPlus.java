package io.lethe.processor.engine.method;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.lethe.processor.engine.data.Dataset;
import io.lethe.processor.engine.data.DatasetSplit;
import io.lethe.processor.engine.model.Batches;
import io.lethe.processor.engine.model.ClassifierModel;
import io.lethe.processor.engine.model.GradientSession;
import io.lethe.processor.engine.model.Losses;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * NegGrad+ (Kurmanji et al. 2023): descend on the retain loss while ascending on the forget loss,
 * {@code alpha * CE(retain) - (1 - alpha) * CE(forget)}, one retain batch and one forget batch per
 * step. Settings: {@code epochs} over the retain set (1), {@code lr} and {@code alpha} (tuned on
 * the validation split: CLASS scope 1e-4 and 0.99, where larger steps cost up to 20 points of
 * retain accuracy; SAMPLES scope 1e-3 and 0.95, where the small step barely moves the model),
 * {@code batch} (64).
 */
public final class NegGradPlus implements UnlearningMethod {

  @Override
  public String name() {
    return "neggrad-plus";
  }

  @Override
  public UnlearningResult unlearn(UnlearningTask task) {
    checkScope(task);
    long start = System.nanoTime();
    Budget b = task.budget();
    int epochs = b.getInt("epochs", 1);
    boolean classScope = task.scope() == ForgetScope.CLASS;
    float lr = b.getFloat("lr", classScope ? 1e-4f : 1e-3f);
    float alpha = b.getFloat("alpha", classScope ? 0.99f : 0.95f);
    int batch = b.getInt("batch", 64);
    Dataset retain = task.retain();
    Dataset forget = task.forget();
    ClassifierModel model = task.original().copy();
    int classes = model.numClasses();
    int steps = 0;
    try (GradientSession session = GradientSession.adam(model, lr)) {
      int[] forgetOrder = DatasetSplit.shuffledIndices(forget.size(), task.seed());
      int f = 0;
      for (int epoch = 0; epoch < epochs; epoch++) {
        int[] order = DatasetSplit.shuffledIndices(retain.size(), task.seed() + epoch + 1);
        for (int from = 0; from < order.length; from += batch) {
          int[] ri = Batches.slice(order, from, from + batch);
          int[] fi = new int[Math.min(batch, forget.size())];
          for (int k = 0; k < fi.length; k++) {
            fi[k] = forgetOrder[f++ % forgetOrder.length];
          }
          try (NDManager scope = model.manager().newSubManager()) {
            NDArray xr = model.batch(scope, retain, ri);
            NDArray yr = Batches.oneHot(scope, retain, ri, classes);
            NDArray xf = model.batch(scope, forget, fi);
            NDArray yf = Batches.oneHot(scope, forget, fi, classes);
            session.step(
                () ->
                    Losses.meanCrossEntropy(session.forward(xr), yr)
                        .mul(alpha)
                        .sub(Losses.meanCrossEntropy(session.forward(xf), yf).mul(1 - alpha)));
          }
          steps++;
        }
      }
    } catch (RuntimeException e) {
      model.close();
      throw e;
    }
    Map<String, String> notes = new LinkedHashMap<>();
    notes.put("steps", String.valueOf(steps));
    notes.put("alpha", String.valueOf(alpha));
    notes.put("lr", String.valueOf(lr));
    return new UnlearningResult(model, name(), MethodSupport.millisSince(start), notes);
  }
}
