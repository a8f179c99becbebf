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
   * Sets {@code ai.djl.offline=true} and one PyTorch intra-op thread ({@code
   * ai.djl.pytorch.num_threads=1}) unless those properties are already set. One thread, because
   * these models are small and share the machine with Kafka and PostgreSQL: measured on 2 busy
   * cores, OpenMP's two spinning threads made training 10-15x slower than one thread. Raise it with
   * {@code -Dai.djl.pytorch.num_threads=N} on a big machine.
   */
  public static void ensureOffline() {
    if (System.getProperty("ai.djl.offline") == null) {
      System.setProperty("ai.djl.offline", "true");
    }
    if (System.getProperty("ai.djl.pytorch.num_threads") == null) {
      System.setProperty("ai.djl.pytorch.num_threads", "1");
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
