package io.lethe.processor.engine.model;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * One optimisation run over a model (or one member of a SISA ensemble): a training-mode forward
 * pass through a {@link ParameterStore} over the model's own arrays, one {@link GradientCollector}
 * per step (try-with-resources), and an Adam (or SGD) update whose state lives in the session's own
 * {@link NDManager}, freed on {@link #close()} (DJL's optimizers keep their state on the model's
 * manager, which would grow with every session). Each update's temporaries live in a sub-manager
 * closed after the update; the caller allocates its batch arrays in its own {@code newSubManager()}
 * scope. Gradient work must stay on one thread.
 */
public final class GradientSession implements AutoCloseable {

  private static final float BETA1 = 0.9f;
  private static final float BETA2 = 0.999f;
  private static final float EPSILON = 1e-8f;

  private final ClassifierModel model;
  private final Block block;
  private final ParameterStore store;
  private final NDManager state;
  private final List<Parameter> trainable;
  private final Map<String, NDArray[]> moments = new HashMap<>();
  private final boolean adam;
  private float learningRate;
  private int steps;

  private GradientSession(ClassifierModel model, Block block, float learningRate, boolean adam) {
    Devices.prepareThread();
    this.model = model;
    this.block = block;
    this.store = new ParameterStore(model.manager(), false);
    this.state = model.manager().newSubManager();
    this.trainable = new ArrayList<>();
    for (Parameter p : block.getParameters().values()) {
      if (p.requiresGradient()) {
        trainable.add(p);
      }
    }
    this.learningRate = learningRate;
    this.adam = adam;
  }

  /** Adam with a fixed learning rate. */
  public static GradientSession adam(ClassifierModel model, float learningRate) {
    return new GradientSession(model, model.block(), learningRate, true);
  }

  /** Plain SGD with a fixed learning rate. */
  public static GradientSession sgd(ClassifierModel model, float learningRate) {
    return new GradientSession(model, model.block(), learningRate, false);
  }

  /** The optimizer and learning rate of a training recipe. */
  public static GradientSession forRecipe(ClassifierModel model, TrainingConfig recipe) {
    return new GradientSession(
        model,
        model.block(),
        recipe.learningRate(),
        recipe.optimizer() == TrainingConfig.Optimizer.ADAM);
  }

  /** A recipe's optimizer over one member of a SISA ensemble (its forward is the member's). */
  public static GradientSession forMember(
      ClassifierModel model, int member, TrainingConfig recipe) {
    return new GradientSession(
        model,
        model.members().get(member),
        recipe.learningRate(),
        recipe.optimizer() == TrainingConfig.Optimizer.ADAM);
  }

  public ClassifierModel model() {
    return model;
  }

  public void setLearningRate(float value) {
    this.learningRate = value;
  }

  /** Training-mode forward pass (records the graph inside a step). */
  public NDArray forward(NDArray batch) {
    return block.forward(store, new NDList(batch), true).singletonOrThrow();
  }

  /** Training-mode penultimate features. */
  public NDArray features(NDArray batch) {
    return block instanceof Networks.ClassifierNet net
        ? net.features(store, batch, true)
        : model.features(store, batch, true);
  }

  /**
   * Builds a loss inside a gradient collector, back-propagates it and applies one update.
   *
   * @return the loss value
   */
  public float step(Supplier<NDArray> loss) {
    float value = backwardOnly(loss);
    update();
    return value;
  }

  /**
   * Back-propagates a loss without updating: the gradients accumulate on the parameters (read them
   * with {@link #gradient(Parameter)}, then {@link #zeroGradients()}).
   */
  public float backwardOnly(Supplier<NDArray> loss) {
    try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
      NDArray l = loss.get();
      float value = l.getFloat();
      collector.backward(l);
      return value;
    }
  }

  /** Applies one optimizer update from the accumulated gradients, then zeroes them. */
  public void update() {
    steps++;
    float correction1 = 1 - (float) Math.pow(BETA1, steps);
    float correction2 = 1 - (float) Math.pow(BETA2, steps);
    for (Parameter p : trainable) {
      NDArray weight = p.getArray();
      try (NDManager scope = state.newSubManager()) {
        NDArray grad = weight.getGradient();
        grad.attach(scope);
        NDArray delta;
        if (adam) {
          NDArray[] mv =
              moments.computeIfAbsent(
                  p.getId(),
                  k ->
                      new NDArray[] {
                        state.zeros(weight.getShape(), weight.getDataType()),
                        state.zeros(weight.getShape(), weight.getDataType())
                      });
          scope.tempAttachAll(mv[0], mv[1]);
          mv[0].muli(BETA1).addi(grad.mul(1 - BETA1));
          mv[1].muli(BETA2).addi(grad.square().muli(1 - BETA2));
          NDArray denominator = mv[1].div(correction2).sqrt().addi(EPSILON);
          delta = mv[0].mul(learningRate / correction1).divi(denominator);
        } else {
          delta = grad.mul(learningRate);
        }
        weight.subi(delta);
        grad.subi(grad);
      }
    }
  }

  /**
   * Adds the element-wise square of every trainable parameter's current gradient to {@code
   * accumulators} (arrays of the parameters' shapes, owned by the caller), then zeroes the
   * gradients. Stays on the device: no copy to the JVM per call.
   */
  public void accumulateSquaredGradients(NDArray[] accumulators) {
    for (int p = 0; p < trainable.size(); p++) {
      try (NDManager scope = state.newSubManager()) {
        NDArray grad = trainable.get(p).getArray().getGradient();
        grad.attach(scope);
        accumulators[p].addi(grad.square());
        grad.subi(grad);
      }
    }
  }

  /** A copy of a parameter's current gradient as floats. */
  public static float[] gradient(Parameter parameter) {
    try (NDArray g = parameter.getArray().getGradient()) {
      return g.toFloatArray();
    }
  }

  /** The parameters this session updates, in block order. */
  public List<Parameter> trainableParameters() {
    return List.copyOf(trainable);
  }

  /** Sets every trainable parameter's gradient to zero. */
  public void zeroGradients() {
    for (Parameter p : trainable) {
      try (NDArray g = p.getArray().getGradient()) {
        g.subi(g);
      }
    }
  }

  @Override
  public void close() {
    state.close();
  }
}
