package io.lethe.processor.engine.calibrate;

import io.lethe.processor.engine.method.ForgetScope;
import io.lethe.processor.engine.method.Methods;
import io.lethe.processor.engine.method.UnlearningMethod;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** The methods a calibration tries per scope, in order. */
public final class CandidateMethods {

  /** CLASS scope by default: the fast class methods first, then the general ones. */
  public static final List<String> CLASS =
      List.of("famr", "slug", "mnemonic", "ssd", "neggrad-plus", "muso");

  /** SAMPLES scope by default. */
  public static final List<String> SAMPLES =
      List.of("muso", "salun", "scrub", "neggrad-plus", "finetune");

  private CandidateMethods() {}

  /** New instances of the default candidates per scope. */
  public static Map<ForgetScope, List<UnlearningMethod>> defaults() {
    Map<ForgetScope, List<UnlearningMethod>> out = new EnumMap<>(ForgetScope.class);
    out.put(ForgetScope.CLASS, byName(CLASS));
    out.put(ForgetScope.SAMPLES, byName(SAMPLES));
    return out;
  }

  private static List<UnlearningMethod> byName(List<String> names) {
    List<UnlearningMethod> out = new ArrayList<>();
    for (String n : names) {
      out.add(Methods.byName(n));
    }
    return List.copyOf(out);
  }
}
