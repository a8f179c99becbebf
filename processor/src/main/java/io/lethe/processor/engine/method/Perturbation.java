package io.lethe.processor.engine.method;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import java.util.List;

/**
 * Sets parameters to {@code w0 + scale * delta} on the device, for step-size searches that try many
 * scales: {@code w0} and {@code delta} are uploaded once into a sub-manager of the model's manager
 * (freed on close), and every {@link #apply} computes in its own scope.
 */
final class Perturbation implements AutoCloseable {

  private final NDManager holder;
  private final List<Parameter> params;
  private final NDArray[] base;
  private final NDArray[] delta;

  Perturbation(NDManager modelManager, List<Parameter> params, float[][] w0, float[][] direction) {
    this.holder = modelManager.newSubManager();
    this.params = params;
    this.base = new NDArray[params.size()];
    this.delta = new NDArray[params.size()];
    for (int p = 0; p < params.size(); p++) {
      NDArray weight = params.get(p).getArray();
      base[p] = holder.create(w0[p], weight.getShape());
      delta[p] = holder.create(direction[p], weight.getShape());
    }
  }

  /** Sets every parameter to {@code w0 + scale * delta}. */
  void apply(double scale) {
    for (int p = 0; p < params.size(); p++) {
      try (NDManager scope = holder.newSubManager()) {
        scope.tempAttachAll(base[p], delta[p]);
        base[p].add(delta[p].mul((float) scale)).copyTo(params.get(p).getArray());
      }
    }
  }

  @Override
  public void close() {
    holder.close();
  }
}
