package dev.sinkscope.inference.engine;

import ai.djl.Device;
import ai.djl.engine.Engine;
import java.util.Locale;

/** Chooses where inference runs: the GPU when the engine sees one, else the CPU, unless told. */
public final class Devices {
  private Devices() {}

  /**
   * Resolves a user option: {@code auto} (default), {@code cpu}, {@code gpu} / {@code cuda}, or
   * {@code gpu:N}. Asking for a GPU the engine cannot use is an error, not a silent fallback.
   */
  public static Device resolve(String option) {
    String o = option == null ? "auto" : option.trim().toLowerCase(Locale.ROOT);
    Engine engine = Engine.getInstance();
    if (o.isEmpty() || o.equals("auto")) {
      return engine.defaultDevice();
    }
    if (o.equals("cpu")) {
      return Device.cpu();
    }
    if (o.equals("gpu") || o.equals("cuda") || o.startsWith("gpu:") || o.startsWith("cuda:")) {
      int index = o.contains(":") ? Integer.parseInt(o.substring(o.indexOf(':') + 1)) : 0;
      int gpus = engine.getGpuCount();
      if (index >= gpus) {
        throw new IllegalArgumentException(
            "device "
                + option
                + " requested but the engine sees "
                + gpus
                + " GPU(s); build with -Pcuda on a machine with an NVIDIA driver, or use --device cpu");
      }
      return Device.gpu(index);
    }
    throw new IllegalArgumentException("unknown device '" + option + "' (auto, cpu, gpu, gpu:N)");
  }

  /** One line for status bars and logs, e.g. "cpu (PyTorch 2.5.1, 2 threads)". */
  public static String describe(Device device) {
    Engine engine = Engine.getInstance();
    String threads =
        System.getProperty(
            "ai.djl.pytorch.num_threads",
            String.valueOf(Runtime.getRuntime().availableProcessors()));
    return (device.isGpu() ? "gpu:" + device.getDeviceId() : "cpu")
        + " ("
        + engine.getEngineName()
        + " "
        + engine.getVersion()
        + (device.isGpu() ? "" : ", " + threads + " threads")
        + ")";
  }
}
