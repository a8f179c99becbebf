package io.lethe.processor.engine.model;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.training.ParameterStore;
import io.lethe.processor.engine.architecture.Architecture;
import io.lethe.processor.engine.architecture.Architectures;
import io.lethe.processor.engine.architecture.TorchScriptModule;
import io.lethe.processor.engine.data.Dataset;
import io.lethe.processor.engine.data.SampleShape;
import io.lethe.processor.engine.data.Standardization;
import io.lethe.processor.engine.model.Networks.ClassifierNet;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.FloatBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A trained classifier: a DJL {@link Model} holding a {@link ClassifierNet}, its {@link ModelSpec},
 * and the head's initial weights (MUSO needs them). Close it to free its native memory.
 *
 * <p>The byte form ({@link #toBytes()}) is a small self-describing header followed by DJL's
 * parameter encoding; it is deterministic, so {@link #sha256()} identifies the weights.
 */
public final class ClassifierModel implements AutoCloseable {

  private static final int MAGIC = 0x4C455448; // "LETH"

  /** 2: the architecture by name with its settings, any sample shape. */
  private static final int FORMAT = 2;

  private final Model model;
  private final Block block;
  private final ModelSpec spec;
  private final ParameterStore inferenceStore;
  private float[] initialHead;
  private boolean closed;

  private ClassifierModel(Model model, Block block, ModelSpec spec, float[] initialHead) {
    this.model = model;
    this.block = block;
    this.spec = spec;
    this.initialHead = initialHead;
    this.inferenceStore = new ParameterStore(model.getNDManager(), false);
  }

  /**
   * A freshly initialized model. {@code seed} seeds DJL's random generator (weight init) and the
   * random-feature projection.
   */
  public static ClassifierModel create(ModelSpec spec, long seed) {
    if (spec.architecture() instanceof TorchScriptModule module) {
      return loadModule(spec, module.module(), seed);
    }
    Device device = Devices.pick();
    Engine.getInstance().setRandomSeed((int) (seed ^ (seed >>> 32)));
    Block net = Networks.buildBlock(spec, seed);
    Model model = Model.newInstance("lethe-" + spec.architecture().name(), device);
    try {
      model.setBlock(net);
      net.initialize(model.getNDManager(), DataType.FLOAT32, spec.inputShape().batch(1));
      ClassifierModel result = new ClassifierModel(model, net, spec, null);
      result.initialHead = spec.isEnsemble() ? new float[0] : result.headWeights();
      return result;
    } catch (RuntimeException e) {
      model.close();
      throw e;
    }
  }

  /**
   * A model trained elsewhere, as given: {@code spec}'s {@link TorchScriptModule} loaded with
   * trainable parameters.
   *
   * @throws IllegalArgumentException when the module is not TorchScript
   */
  public static ClassifierModel load(ModelSpec spec) {
    if (!(spec.architecture() instanceof TorchScriptModule module)) {
      throw new IllegalArgumentException(
          "only a model trained elsewhere is loaded as given; "
              + spec.architecture().name()
              + " models are trained");
    }
    return loadModule(spec, module.module(), null);
  }

  /** Loads a TorchScript module; with a seed, re-initializes its parameters from it. */
  private static ClassifierModel loadModule(ModelSpec spec, byte[] module, Long seed) {
    Model model = Model.newInstance("lethe-" + TorchScriptModule.NAME, Devices.pick());
    try {
      var block = TorchScriptNet.load(model.getNDManager(), module);
      model.setBlock(block);
      if (seed != null) {
        TorchScriptNet.reinitialize(block, seed);
      }
      ClassifierModel result = new ClassifierModel(model, block, spec, new float[0]);
      String head = ((TorchScriptModule) spec.architecture()).headWeightName();
      // A head the module does not have is the catalog's problem to report (ModuleCheck).
      if (head != null && block.getDirectParameters().get(head) != null) {
        result.initialHead = result.headWeights();
      }
      return result;
    } catch (RuntimeException e) {
      model.close();
      throw e;
    }
  }

  /** Restores a model from {@link #toBytes()} (a Lethe model or a TorchScript file Lethe wrote). */
  public static ClassifierModel fromBytes(byte[] bytes) {
    if (TorchScriptNet.isZip(bytes)) {
      return fromTorchScript(bytes);
    }
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
      if (in.readInt() != MAGIC) {
        throw new IllegalArgumentException("not a Lethe model (bad magic)");
      }
      int format = in.readInt();
      if (format != FORMAT) {
        throw new IllegalArgumentException("unsupported Lethe model format " + format);
      }
      ModelSpec spec = readSpec(in);
      int headSize = in.readInt();
      if (headSize < 0 || headSize > bytes.length / Float.BYTES) {
        throw new IllegalArgumentException("malformed model bytes: head of " + headSize);
      }
      float[] initialHead = new float[headSize];
      for (int i = 0; i < initialHead.length; i++) {
        initialHead[i] = in.readFloat();
      }
      Device device = Devices.pick();
      Block net = Networks.buildBlock(spec, 0L);
      Model model = Model.newInstance("lethe-" + spec.architecture().name(), device);
      try {
        model.setBlock(net);
        net.loadParameters(model.getNDManager(), in);
        net.initialize(model.getNDManager(), DataType.FLOAT32, spec.inputShape().batch(1));
        return new ClassifierModel(model, net, spec, initialHead);
      } catch (RuntimeException | MalformedModelException e) {
        model.close();
        throw e instanceof RuntimeException re
            ? re
            : new IllegalArgumentException("malformed model bytes", e);
      }
    } catch (IOException e) {
      throw new IllegalArgumentException("malformed model bytes", e);
    }
  }

  /** A TorchScript file this class wrote: its spec is in the zip comment. */
  private static ClassifierModel fromTorchScript(byte[] bytes) {
    Map<String, String> meta = TorchScriptNet.metadata(bytes);
    if (!TorchScriptNet.FORMAT.equals(meta.get("lethe.format"))) {
      throw new IllegalArgumentException(
          "a TorchScript file without Lethe's description (input shape, classes): load it through"
              + " a catalog entry");
    }
    try {
      String[] dimsText = meta.getOrDefault("lethe.input", "").split(",");
      if (dimsText.length < 1 || dimsText.length > MAX_RANK) {
        throw new IllegalArgumentException("sample rank " + dimsText.length);
      }
      int[] dims = new int[dimsText.length];
      for (int i = 0; i < dims.length; i++) {
        dims[i] = Integer.parseInt(dimsText[i].strip());
      }
      int classes = Integer.parseInt(meta.getOrDefault("lethe.classes", ""));
      TorchScriptModule module =
          new TorchScriptModule(
              bytes,
              meta.get("lethe.head.weight"),
              meta.get("lethe.head.bias"),
              meta.get("lethe.features"));
      return loadModule(
          new ModelSpec(module, SampleShape.of(dims), classes, null, 0f, 1), bytes, null);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("malformed TorchScript file description: " + meta, e);
    }
  }

  private static final int MAX_SETTINGS = 64;
  private static final int MAX_RANK = 8;

  private static ModelSpec readSpec(DataInputStream in) throws IOException {
    String name = in.readUTF();
    int settingCount = in.readInt();
    if (settingCount < 0 || settingCount > MAX_SETTINGS) {
      throw new IllegalArgumentException("malformed model bytes: " + settingCount + " settings");
    }
    Map<String, String> settings = new LinkedHashMap<>();
    for (int i = 0; i < settingCount; i++) {
      settings.put(in.readUTF(), in.readUTF());
    }
    Architecture architecture = Architectures.create(name, settings);
    int rank = in.readInt();
    if (rank < 1 || rank > MAX_RANK) {
      throw new IllegalArgumentException("malformed model bytes: sample rank " + rank);
    }
    int[] dims = new int[rank];
    for (int i = 0; i < rank; i++) {
      dims[i] = in.readInt();
    }
    int numClasses = in.readInt();
    Long mnemonicSeed = in.readBoolean() ? in.readLong() : null;
    float mnemonicNoise = in.readFloat();
    int shards = in.readInt();
    Standardization standardization = null;
    if (in.readBoolean()) {
      float[] mean = readFloats(in, dims);
      float[] std = readFloats(in, dims);
      standardization = new Standardization(mean, std);
    }
    return new ModelSpec(
        architecture,
        SampleShape.of(dims),
        numClasses,
        mnemonicSeed,
        mnemonicNoise,
        shards,
        standardization);
  }

  private static float[] readFloats(DataInputStream in, int[] dims) throws IOException {
    int n = in.readInt();
    if (n != SampleShape.of(dims).size()) {
      throw new IllegalArgumentException("malformed model bytes: " + n + " statistics");
    }
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = in.readFloat();
    }
    return v;
  }

  /** The deterministic serialized form: header, initial head weights, DJL parameters. */
  public byte[] toBytes() {
    checkOpen();
    if (block instanceof PtSymbolBlock module) {
      return TorchScriptNet.write(module, torchScriptMetadata());
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(MAGIC);
      out.writeInt(FORMAT);
      out.writeUTF(spec.architecture().name());
      Map<String, String> settings = spec.architecture().settings();
      out.writeInt(settings.size());
      for (var e : settings.entrySet()) {
        out.writeUTF(e.getKey());
        out.writeUTF(e.getValue());
      }
      int[] dims = spec.inputShape().dims();
      out.writeInt(dims.length);
      for (int d : dims) {
        out.writeInt(d);
      }
      out.writeInt(spec.numClasses());
      out.writeBoolean(spec.mnemonicSeed() != null);
      if (spec.mnemonicSeed() != null) {
        out.writeLong(spec.mnemonicSeed());
      }
      out.writeFloat(spec.mnemonicNoise());
      out.writeInt(spec.shards());
      Standardization standardization = spec.inputStandardization();
      out.writeBoolean(standardization != null);
      if (standardization != null) {
        for (float[] values : new float[][] {standardization.mean(), standardization.std()}) {
          out.writeInt(values.length);
          for (float v : values) {
            out.writeFloat(v);
          }
        }
      }
      out.writeInt(initialHead.length);
      for (float v : initialHead) {
        out.writeFloat(v);
      }
      block.saveParameters(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /** What {@link #fromTorchScript} needs, in a stable order. */
  private Map<String, String> torchScriptMetadata() {
    Map<String, String> meta = new LinkedHashMap<>();
    meta.put("lethe.format", TorchScriptNet.FORMAT);
    StringBuilder dims = new StringBuilder();
    for (int d : spec.inputShape().dims()) {
      dims.append(dims.length() == 0 ? "" : ",").append(d);
    }
    meta.put("lethe.input", dims.toString());
    meta.put("lethe.classes", Integer.toString(spec.numClasses()));
    TorchScriptModule module = (TorchScriptModule) spec.architecture();
    if (module.headWeightName() != null) {
      meta.put("lethe.head.weight", module.headWeightName());
    }
    if (module.headBiasName() != null) {
      meta.put("lethe.head.bias", module.headBiasName());
    }
    if (module.featuresMethod() != null) {
      meta.put("lethe.features", module.featuresMethod());
    }
    return meta;
  }

  /** Lower-case hex sha256 of {@link #toBytes()}. */
  public String sha256() {
    return sha256(toBytes());
  }

  /** Lower-case hex sha256 of some bytes. */
  public static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("no SHA-256", e);
    }
  }

  /** An independent copy (its own native memory). */
  public ClassifierModel copy() {
    return fromBytes(toBytes());
  }

  public Architecture architecture() {
    return spec.architecture();
  }

  public SampleShape inputShape() {
    return spec.inputShape();
  }

  public int numClasses() {
    return spec.numClasses();
  }

  public ModelSpec spec() {
    return spec;
  }

  /** The whole network (a {@link ClassifierNet} or an {@link Networks.EnsembleNet}). */
  public Block block() {
    return block;
  }

  /**
   * The single network with its body and head.
   *
   * @throws UnsupportedOperationException for a SISA ensemble, which has no single head
   */
  public ClassifierNet net() {
    if (block instanceof ClassifierNet net) {
      return net;
    }
    throw new UnsupportedOperationException(
        "a SISA ensemble of " + spec.shards() + " members has no single body and head");
  }

  /** The members of a SISA ensemble, or this model's one network (none for a module). */
  public List<ClassifierNet> members() {
    if (block instanceof Networks.EnsembleNet ensemble) {
      return ensemble.members();
    }
    if (block instanceof ClassifierNet net) {
      return List.of(net);
    }
    return List.of();
  }

  public Model djlModel() {
    return model;
  }

  /** The model's own (long-lived) manager: never allocate on it in a loop. */
  public NDManager manager() {
    return model.getNDManager();
  }

  public Device device() {
    return model.getNDManager().getDevice();
  }

  /** All parameters (trainable and frozen) in block order, with DJL's names. */
  public List<Parameter> parameters() {
    return new ArrayList<>(block.getParameters().values());
  }

  /** The trainable parameters in block order. */
  public List<Parameter> trainableParameters() {
    List<Parameter> list = new ArrayList<>();
    for (Parameter p : block.getParameters().values()) {
      if (p.requiresGradient()) {
        list.add(p);
      }
    }
    return list;
  }

  /** The logits of a batch (inference: no training-mode behaviour). */
  public NDArray logits(NDArray batch) {
    checkOpen();
    return block.forward(inferenceStore, new NDList(batch), false).singletonOrThrow();
  }

  /** The penultimate features of a batch (inference). */
  public NDArray features(NDArray batch) {
    checkOpen();
    return features(inferenceStore, batch, false);
  }

  /** The penultimate features of a batch, in training or inference mode. */
  NDArray features(ParameterStore store, NDArray batch, boolean training) {
    if (block instanceof PtSymbolBlock module) {
      String method = ((TorchScriptModule) spec.architecture()).featuresMethod();
      if (method == null || !spec.architecture().exposesFeatures()) {
        throw new UnsupportedOperationException("the module exposes no features before its head");
      }
      return TorchScriptNet.runMethod(module, method, batch, training);
    }
    return net().features(store, batch, training);
  }

  /** Uploads samples {@code idx} of {@code data} into {@code scope} as a (n, shape...) batch. */
  public NDArray batch(NDManager scope, Dataset data, int[] idx) {
    return Batches.samples(scope, data, idx, spec.inputShape());
  }

  /** The fixed random feature map when the model is linear in it (MUSO's exact case). */
  public java.util.Optional<RandomFeatures> linearFeatureMap() {
    return spec.architecture().linearFeatureMap(this);
  }

  /** The logit a removed class gets: its probability underflows to 0, losses stay finite. */
  static final float REMOVED_CLASS_LOGIT = -1e4f;

  /**
   * Takes {@code classes} out of the output space: their head rows become 0 and their bias {@link
   * #REMOVED_CLASS_LOGIT}, so the model never predicts them. A model retrained without any example
   * of a class still gives it some probability on inputs that look like it (measured: 26 % of a
   * forgotten class's rows on a two-class table); removing it is what "forget the class" means. A
   * head without a bias (random-features linear, whose closed-form retraining MUSO must match
   * exactly) is left as it is.
   *
   * @return whether the classes were removed
   */
  public boolean removeClasses(java.util.Set<Integer> classes) {
    checkOpen();
    if (!spec.architecture().headBias()) {
      return false;
    }
    for (Parameter[] head : heads()) {
      NDArray w = head[0].getArray();
      float[] weights = w.toFloatArray();
      int features = weights.length / spec.numClasses();
      for (int c : classes) {
        java.util.Arrays.fill(weights, c * features, (c + 1) * features, 0f);
      }
      w.set(FloatBuffer.wrap(weights));
      NDArray bias = head[1].getArray();
      float[] b = bias.toFloatArray();
      for (int c : classes) {
        b[c] = REMOVED_CLASS_LOGIT;
      }
      bias.set(FloatBuffer.wrap(b));
    }
    return true;
  }

  /** The weight and bias of every head (one per ensemble member; a module's named one). */
  private List<Parameter[]> heads() {
    if (block instanceof PtSymbolBlock module) {
      TorchScriptModule names = (TorchScriptModule) spec.architecture();
      var params = module.getDirectParameters();
      return List.<Parameter[]>of(
          new Parameter[] {params.get(names.headWeightName()), params.get(names.headBiasName())});
    }
    List<Parameter[]> heads = new ArrayList<>();
    for (var member : members()) {
      heads.add(new Parameter[] {member.headWeight(), member.head().getParameters().get("bias")});
    }
    return heads;
  }

  private Parameter headWeight() {
    if (!spec.architecture().hasHead()) {
      throw new UnsupportedOperationException("the catalog names no head for this module");
    }
    if (block instanceof PtSymbolBlock) {
      return heads().get(0)[0];
    }
    return net().headWeight();
  }

  /** The head weights (classes x features), row-major. */
  public float[] headWeights() {
    return headWeight().getArray().toFloatArray();
  }

  /** Overwrites the head weights (classes x features, row-major). */
  public void setHeadWeights(float[] values) {
    NDArray w = headWeight().getArray();
    if (values.length != w.size()) {
      throw new IllegalArgumentException("head has " + w.size() + " weights, got " + values.length);
    }
    w.set(FloatBuffer.wrap(values));
  }

  /** The head weights the model was initialized with, before any training. */
  public float[] initialHeadWeights() {
    return initialHead.clone();
  }

  /** All trainable parameter values concatenated in block order. */
  public float[] flatTrainableParameters() {
    List<float[]> parts = new ArrayList<>();
    int n = 0;
    for (Parameter p : trainableParameters()) {
      float[] v = p.getArray().toFloatArray();
      parts.add(v);
      n += v.length;
    }
    float[] all = new float[n];
    int off = 0;
    for (float[] v : parts) {
      System.arraycopy(v, 0, all, off, v.length);
      off += v.length;
    }
    return all;
  }

  /** Copies every parameter value of {@code other} (same spec) into this model. */
  public void loadParametersFrom(ClassifierModel other) {
    Objects.requireNonNull(other);
    List<Parameter> mine = parameters();
    List<Parameter> theirs = other.parameters();
    if (mine.size() != theirs.size()) {
      throw new IllegalArgumentException("models differ in structure");
    }
    for (int i = 0; i < mine.size(); i++) {
      mine.get(i).getArray().set(FloatBuffer.wrap(theirs.get(i).getArray().toFloatArray()));
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("model is closed");
    }
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      model.close();
    }
  }
}
