package io.lethe.processor.engine.model;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;

/**
 * Picks the device: the first GPU when the DJL engine sees one (CUDA natives present), else the
 * CPU. Also makes sure DJL runs offline ({@code ai.djl.offline=true} unless set otherwise): the CPU
 * natives come from the {@code pytorch-native-cpu} jar, nothing is downloaded.
 */
public final class Devices {

  private Devices() {}

  /**
   * Sets {@code ai.djl.offline=true}, PyTorch's intra-op and inter-op thread counts to 1 on CPU,
   * and turns the TorchScript graph optimizer off, unless those properties are already set. One
   * thread per op is what these small models need, and it avoids the OpenMP spin-wait slow-down
   * (tens of times) when the machine's cores are shared with other busy processes. Must run before
   * the engine starts; every engine entry point here calls it.
   */
  public static void ensureOffline() {
    setIfAbsent("ai.djl.offline", "true");
    setIfAbsent("ai.djl.pytorch.num_threads", "1");
    setIfAbsent("ai.djl.pytorch.num_interop_threads", "1");
    // Without the JIT's graph optimizer: after a backward pass its profiled plan makes the next
    // forward of a TorchScript module with buffers (normalization statistics, docs/pytorch.md)
    // fail with "Inference tensors cannot be saved for backward" (FAMR and SLUG on the patient
    // MLP, ImportedModuleWithBuffersTest). These modules are small and their parameters change at
    // every step: the optimizer has little to gain here.
    setIfAbsent(GRAPH_OPTIMIZER, "false");
  }

  /** DJL's switch of the TorchScript graph optimizer, read at every forward of a module. */
  static final String GRAPH_OPTIMIZER = "ai.djl.pytorch.graph_optimizer";

  private static void setIfAbsent(String key, String value) {
    if (System.getProperty(key) == null) {
      System.setProperty(key, value);
    }
  }

  /** The device models are placed on. */
  public static Device pick() {
    ensureOffline();
    Engine engine = Engine.getInstance();
    return engine.getGpuCount() > 0 ? Device.gpu() : Device.cpu();
  }

  /**
   * Prepares the calling thread for engine work. PyTorch's grad mode is per thread and DJL turns it
   * off only on the thread that loaded the engine; on any other thread in-place parameter updates
   * would fail ("a leaf Variable that requires grad is being used in an in-place operation") and
   * inference would record graphs. Gradient collectors turn it on and restore it.
   */
  public static void prepareThread() {
    ensureOffline();
    if ("PyTorch".equals(Engine.getInstance().getEngineName())) {
      JniUtils.setGradMode(false);
    }
  }

  /** {@code cpu} or {@code gpu(N)}. */
  public static String describe() {
    return describe(pick());
  }

  /** {@code cpu} or {@code gpu(N)} for a device. */
  public static String describe(Device device) {
    return device.isGpu() ? "gpu(" + device.getDeviceId() + ")" : "cpu";
  }
}
