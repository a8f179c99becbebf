package io.lethe.processor.engine.model;

import ai.djl.Device;
import ai.djl.engine.Engine;

/**
 * Picks the device: the first GPU when the DJL engine sees one (CUDA natives present), else the
 * CPU. Also makes sure DJL runs offline ({@code ai.djl.offline=true} unless set otherwise): the CPU
 * natives come from the {@code pytorch-native-cpu} jar, nothing is downloaded.
 */
public final class Devices {

  private Devices() {}

  /** Sets {@code ai.djl.offline=true} unless the property is already set. */
  public static void ensureOffline() {
    if (System.getProperty("ai.djl.offline") == null) {
      System.setProperty("ai.djl.offline", "true");
    }
  }

  /** The device models are placed on. */
  public static Device pick() {
    ensureOffline();
    Engine engine = Engine.getInstance();
    return engine.getGpuCount() > 0 ? Device.gpu() : Device.cpu();
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
