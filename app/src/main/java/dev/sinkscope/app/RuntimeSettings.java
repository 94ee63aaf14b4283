package dev.sinkscope.app;

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
