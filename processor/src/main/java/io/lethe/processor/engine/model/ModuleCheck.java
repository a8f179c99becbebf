package io.lethe.processor.engine.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import io.lethe.processor.engine.architecture.TorchScriptModule;
import java.util.Arrays;
import java.util.Optional;

/**
 * The check a model trained elsewhere gets when a catalog names it: it loads as TorchScript, and
 * one forward pass on a batch of one sample answers one logit per class of the data.
 */
public final class ModuleCheck {

  private ModuleCheck() {}

  /** Why {@code module} does not fit {@code spec}'s data; empty when it does. */
  public static Optional<String> misfit(ModelSpec spec, TorchScriptModule module) {
    ClassifierModel model;
    try {
      model = ClassifierModel.load(spec);
    } catch (IllegalArgumentException e) {
      return Optional.of(e.getMessage());
    }
    try (model;
        NDManager scope = model.manager().newSubManager()) {
      Shape batch = spec.inputShape().batch(1);
      NDArray x = scope.zeros(batch);
      String input = dims(batch);
      Shape answer;
      try {
        answer = model.logits(x).getShape();
      } catch (RuntimeException e) {
        return Optional.of("the module fails on a batch of " + input + ": " + firstLine(e));
      }
      if (!answer.equals(new Shape(1, spec.numClasses()))) {
        return Optional.of(
            "the module answers "
                + dims(answer)
                + " for a batch of "
                + input
                + ", the data has "
                + spec.numClasses()
                + " classes");
      }
      if (module.headWeightName() == null) {
        return Optional.empty();
      }
      var params = model.block().getParameters();
      Parameter weight = params.get(module.headWeightName());
      if (weight == null) {
        return Optional.of(
            "the module has no parameter '"
                + module.headWeightName()
                + "' (model.head.weight); its parameters: "
                + String.join(", ", params.keys()));
      }
      Shape w = weight.getArray().getShape();
      if (w.dimension() != 2 || w.get(0) != spec.numClasses()) {
        return Optional.of(
            "the head weight '"
                + module.headWeightName()
                + "' is "
                + dims(w)
                + ", not [classes, features] with "
                + spec.numClasses()
                + " classes");
      }
      if (module.headBiasName() != null) {
        Parameter bias = params.get(module.headBiasName());
        if (bias == null || !bias.getArray().getShape().equals(new Shape(spec.numClasses()))) {
          return Optional.of(
              "the head bias '"
                  + module.headBiasName()
                  + "' is "
                  + (bias == null
                      ? "not a parameter of the module"
                      : dims(bias.getArray().getShape()))
                  + ", not ["
                  + spec.numClasses()
                  + "]");
        }
      }
      if (module.featuresMethod() != null) {
        Shape f;
        try {
          f = model.features(x).getShape();
        } catch (RuntimeException e) {
          return Optional.of(
              "the module's method '"
                  + module.featuresMethod()
                  + "' (model.features) fails on a batch of "
                  + input
                  + ": "
                  + firstLine(e));
        }
        if (!f.equals(new Shape(1, w.get(1)))) {
          return Optional.of(
              "the method '"
                  + module.featuresMethod()
                  + "' answers "
                  + dims(f)
                  + " for a batch of "
                  + input
                  + "; the head takes [1, "
                  + w.get(1)
                  + "]");
        }
      }
      return Optional.empty();
    }
  }

  private static String dims(Shape shape) {
    return Arrays.toString(shape.getShape());
  }

  private static String firstLine(RuntimeException e) {
    String m = String.valueOf(e.getMessage()).strip();
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }
}
