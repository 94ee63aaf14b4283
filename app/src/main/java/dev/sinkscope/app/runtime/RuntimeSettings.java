package dev.sinkscope.app.runtime;

/** Process-wide settings that must be in place before DJL starts. */
public final class RuntimeSettings {
  private RuntimeSettings() {}

  /**
   * Never lets DJL reach the network (it otherwise probes a cloud metadata address on start) and
   * keeps its logs quiet unless the user set them.
   */
  public static void applyDefaults() {
    setIfAbsent("ai.djl.offline", "true");
    setIfAbsent("ai.djl.pytorch.graph_optimizer", "false");
    setIfAbsent("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    setIfAbsent("org.slf4j.simpleLogger.log.ai.djl.util.cuda.CudaUtils", "error");
    setIfAbsent("org.slf4j.simpleLogger.log.ai.djl.pytorch.jni.LibUtils", "warn");
  }

  /**
   * Inference threads for the desktop app, unless the user chose: every core but one from four
   * cores up, so the FX thread and the renderer always have a core; on two or three cores all of
   * them, since giving one up would cost a third to a half of the speed while the FX thread needs
   * only a few milliseconds per frame (the responsiveness test measures it under load).
   */
  public static void applyDesktopThreads(int cores) {
    if (System.getProperty("ai.djl.pytorch.num_threads") == null) {
      setThreads(desktopThreads(cores));
    }
  }

  static int desktopThreads(int cores) {
    return cores >= 4 ? cores - 1 : Math.max(1, cores);
  }

  /** Intra-op threads for the PyTorch engine; only effective before the engine starts. */
  public static void setThreads(int threads) {
    if (threads > 0) {
      System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(threads));
      System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
    }
  }

  private static void setIfAbsent(String key, String value) {
    if (System.getProperty(key) == null) {
      System.setProperty(key, value);
    }
  }
}
