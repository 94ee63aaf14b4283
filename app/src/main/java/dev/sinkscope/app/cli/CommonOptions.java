package dev.sinkscope.app.cli;

import dev.sinkscope.app.RuntimeSettings;
import picocli.CommandLine.Option;

/** Options every model-running command shares. */
final class CommonOptions {
  @Option(names = "--device", paramLabel = "DEVICE", defaultValue = "auto",
      description = "auto (GPU when the engine sees one, else CPU), cpu, gpu or gpu:N. Default: ${DEFAULT-VALUE}.")
  String device;

  @Option(names = "--threads", paramLabel = "N", defaultValue = "0",
      description = "CPU threads for inference (0 = the engine's default, one per core).")
  int threads;

  /** Applies settings that must precede engine start. */
  void apply() {
    RuntimeSettings.setThreads(threads);
  }
}
