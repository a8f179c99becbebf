package io.lethe.processor.metrics;

import ai.djl.Device;
import ai.djl.util.cuda.CudaUtils;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Memory in use on the unlearning device, for {@code lethe_device_memory_used_bytes}: on a GPU what
 * CUDA reports as used; on the CPU the process's resident set (JVM heap and PyTorch's native
 * tensors together), read from {@code /proc/self/status}.
 */
public final class DeviceMemory {
  private DeviceMemory() {}

  /** Bytes in use on {@code device}, or -1 when it cannot be told (no /proc, no CUDA). */
  public static long usedBytes(Device device) {
    if (device.isGpu()) {
      try {
        return CudaUtils.getGpuMemory(device).getUsed();
      } catch (RuntimeException | LinkageError e) {
        return -1;
      }
    }
    return residentSetBytes(Path.of("/proc/self/status"));
  }

  /** The {@code VmRSS} line of a Linux {@code /proc/<pid>/status} file, in bytes; -1 if none. */
  static long residentSetBytes(Path status) {
    try {
      for (String line : Files.readAllLines(status)) {
        if (line.startsWith("VmRSS:")) {
          String[] parts = line.substring("VmRSS:".length()).trim().split("\\s+");
          long value = Long.parseLong(parts[0]);
          return parts.length > 1 && parts[1].equalsIgnoreCase("kB") ? value * 1024 : value;
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux, or an unexpected format
    }
    return -1;
  }
}
