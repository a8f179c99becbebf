package io.lethe.processor.engine.architecture;

import ai.djl.nn.Block;
import io.lethe.processor.engine.data.Dataset;
import io.lethe.processor.engine.data.SampleShape;
import io.lethe.processor.engine.model.ClassifierModel;
import io.lethe.processor.engine.model.ModelSpec;
import io.lethe.processor.engine.model.ModuleCheck;
import io.lethe.processor.engine.model.TrainingConfig;
import io.lethe.processor.engine.model.TrainingProgress;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A model trained elsewhere: a TorchScript module (PyTorch's {@code torch.jit.script} or {@code
 * torch.jit.trace} output), loaded by DJL's PyTorch engine with trainable parameters. It is not
 * built from sizes: the module is the whole network, its parameters are its own named ones. What
 * such a model can and cannot do is said by the capabilities below, never by asking its kind.
 *
 * @param module the TorchScript file as given (the structure a fresh copy is loaded from)
 * @param headWeightName the name of the module's last linear layer's weight ({@code fc.weight}), or
 *     {@code null} when the catalog names no head
 * @param headBiasName the name of that layer's bias, or {@code null}
 * @param featuresMethod the module method giving the features before the head ({@code features}),
 *     or {@code null} when the module exposes none
 */
public record TorchScriptModule(
    byte[] module, String headWeightName, String headBiasName, String featuresMethod)
    implements Architecture {

  public static final String NAME = "torchscript";

  public TorchScriptModule {
    Objects.requireNonNull(module, "module");
    if (headBiasName != null && headWeightName == null) {
      throw new IllegalArgumentException("a head bias needs its head weight");
    }
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Map<String, String> settings() {
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("sha256", ClassifierModel.sha256(module));
    if (headWeightName != null) {
      settings.put("head.weight", headWeightName);
    }
    if (headBiasName != null) {
      settings.put("head.bias", headBiasName);
    }
    if (featuresMethod != null) {
      settings.put("features", featuresMethod);
    }
    return settings;
  }

  /** The module's answer to a batch is checked by one forward pass when it is loaded. */
  @Override
  public void checkInput(SampleShape input) {}

  @Override
  public Block body(SampleShape input, long seed) {
    throw new UnsupportedOperationException("a TorchScript module is loaded, not built");
  }

  /** Unknown until the module is loaded: the head's weight says it. */
  @Override
  public int featureDim() {
    return 0;
  }

  @Override
  public boolean headBias() {
    return headBiasName != null;
  }

  /** Lethe did not train it: no mnemonic codes, no SISA ensemble. */
  @Override
  public boolean gradientTrained() {
    return false;
  }

  @Override
  public boolean trainedByLethe() {
    return false;
  }

  @Override
  public boolean hasHead() {
    return headWeightName != null;
  }

  @Override
  public boolean exposesFeatures() {
    return featuresMethod != null && headWeightName != null;
  }

  /**
   * Loads the module and runs one forward pass on a batch of one sample of the data's shape: it
   * must answer one logit per class; a named head must be the module's parameters, of shape
   * (classes, features) and (classes); a features method must answer (1, features).
   */
  @Override
  public Optional<String> misfit(ModelSpec spec) {
    return ModuleCheck.misfit(spec, this);
  }

  @Override
  public String initialMethod() {
    return "imported";
  }

  /** Version 1 is the user's model as given: loaded, not trained. */
  @Override
  public ClassifierModel initial(
      ModelSpec spec, Dataset train, TrainingConfig recipe, long seed, TrainingProgress progress) {
    return ClassifierModel.load(spec);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TorchScriptModule t
        && java.util.Arrays.equals(module, t.module)
        && Objects.equals(headWeightName, t.headWeightName)
        && Objects.equals(headBiasName, t.headBiasName)
        && Objects.equals(featuresMethod, t.featuresMethod);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        java.util.Arrays.hashCode(module), headWeightName, headBiasName, featuresMethod);
  }

  @Override
  public String toString() {
    return describe();
  }
}
