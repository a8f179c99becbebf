package io.lethe.processor.engine.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The blocks every classifier is made of: a body (an {@link
 * io.lethe.processor.engine.architecture.Architecture}'s) and a linear head, SISA ensembles of
 * them, and the frozen random-feature map.
 */
public final class Networks {

  private Networks() {}

  /**
   * A fresh, uninitialized block for {@code spec}: a {@link ClassifierNet}, or an {@link
   * EnsembleNet} of {@code spec.shards()} of them; {@code seed} drives fixed random weights.
   */
  public static Block buildBlock(ModelSpec spec, long seed) {
    if (!spec.isEnsemble()) {
      return build(spec, seed);
    }
    List<ClassifierNet> members = new ArrayList<>();
    for (int s = 0; s < spec.shards(); s++) {
      members.add(build(spec.withoutShards(), seed + s));
    }
    return new EnsembleNet(members);
  }

  /** A fresh, uninitialized single network for {@code spec}: the architecture's body + a head. */
  public static ClassifierNet build(ModelSpec spec, long seed) {
    Block body = spec.architecture().body(spec.inputShape(), seed);
    Linear head =
        Linear.builder()
            .setUnits(spec.numClasses())
            .optBias(spec.architecture().headBias())
            .build();
    return new ClassifierNet(body, head);
  }

  /**
   * A classifier split into a feature extractor ("body") and a linear head, so that methods can
   * reach the penultimate features and the last layer.
   */
  public static final class ClassifierNet extends AbstractBlock {

    private static final byte VERSION = 1;

    private final Block body;
    private final Linear head;

    ClassifierNet(Block body, Linear head) {
      super(VERSION);
      this.body = addChildBlock("body", body);
      this.head = addChildBlock("head", head);
    }

    public Block body() {
      return body;
    }

    public Linear head() {
      return head;
    }

    /** The head's weight parameter, shape (classes, features). */
    public Parameter headWeight() {
      return head.getParameters().get("weight");
    }

    /** The penultimate features of a batch. */
    public NDArray features(ParameterStore store, NDArray x, boolean training) {
      return body.forward(store, new NDList(x), training).singletonOrThrow();
    }

    @Override
    protected NDList forwardInternal(
        ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
      NDList features = body.forward(store, inputs, training, params);
      return head.forward(store, features, training, params);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
      return head.getOutputShapes(body.getOutputShapes(inputShapes));
    }

    @Override
    protected void initializeChildBlocks(
        NDManager manager, DataType dataType, Shape... inputShapes) {
      body.initialize(manager, dataType, inputShapes);
      head.initialize(manager, dataType, body.getOutputShapes(inputShapes));
    }
  }

  /**
   * A SISA ensemble: members trained independently on disjoint shards; the output is the log of the
   * mean of the members' softmax outputs (log-probabilities, so a softmax of it is the ensemble's
   * averaged prediction).
   */
  public static final class EnsembleNet extends AbstractBlock {

    private static final byte VERSION = 1;

    private final List<ClassifierNet> members;

    EnsembleNet(List<ClassifierNet> members) {
      super(VERSION);
      this.members = new ArrayList<>();
      for (int i = 0; i < members.size(); i++) {
        this.members.add(addChildBlock("member" + i, members.get(i)));
      }
    }

    public List<ClassifierNet> members() {
      return List.copyOf(members);
    }

    @Override
    protected NDList forwardInternal(
        ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
      NDArray sum = null;
      for (ClassifierNet member : members) {
        NDArray p = member.forward(store, inputs, training, params).singletonOrThrow().softmax(1);
        sum = sum == null ? p : sum.add(p);
      }
      return new NDList(sum.div((float) members.size()).maximum(1e-12f).log());
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
      return members.get(0).getOutputShapes(inputShapes);
    }

    @Override
    protected void initializeChildBlocks(
        NDManager manager, DataType dataType, Shape... inputShapes) {
      for (ClassifierNet member : members) {
        member.initialize(manager, dataType, inputShapes);
      }
    }
  }

  /**
   * A fixed random ReLU feature map: {@code phi(x) = relu(x P) / sqrt(D)} with {@code P} (inputs x
   * D) drawn from N(0, 1/inputs) by a seeded {@link SplittableRandom}; {@code P} is frozen (no
   * gradient) and saved with the model.
   */
  public static final class RandomFeatureBlock extends AbstractBlock {

    private static final byte VERSION = 1;

    private final int inputs;
    private final int features;
    private final Parameter projection;

    public RandomFeatureBlock(int inputs, int features, long seed) {
      super(VERSION);
      this.inputs = inputs;
      this.features = features;
      this.projection =
          addParameter(
              Parameter.builder()
                  .setName("projection")
                  .setType(Parameter.Type.OTHER)
                  .optShape(new Shape(inputs, features))
                  .optRequiresGrad(false)
                  .optInitializer(
                      (manager, shape, dataType) ->
                          manager.create(projectionValues(inputs, features, seed), shape))
                  .build());
    }

    /** The seeded projection matrix, row-major (inputs x features). */
    static float[] projectionValues(int inputs, int features, long seed) {
      SplittableRandom random = new SplittableRandom(seed ^ 0x5EEDF00DL);
      float[] values = new float[inputs * features];
      double scale = 1.0 / Math.sqrt(inputs);
      for (int i = 0; i < values.length; i++) {
        values[i] = (float) (gaussian(random) * scale);
      }
      return values;
    }

    static double gaussian(SplittableRandom random) {
      double u1 = random.nextDouble();
      double u2 = random.nextDouble();
      return Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
    }

    public int features() {
      return features;
    }

    /** The projection values, row-major (inputs x features). */
    public float[] projectionArray() {
      return projection.getArray().toFloatArray();
    }

    @Override
    protected NDList forwardInternal(
        ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
      NDArray x = inputs.singletonOrThrow();
      NDArray flat = x.reshape(x.getShape().get(0), this.inputs);
      NDArray p = store.getValue(projection, x.getDevice(), training);
      return new NDList(flat.matMul(p).maximum(0f).div((float) Math.sqrt(features)));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
      return new Shape[] {new Shape(inputShapes[0].get(0), features)};
    }
  }
}
