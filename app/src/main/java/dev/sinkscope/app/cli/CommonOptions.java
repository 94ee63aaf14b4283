package dev.sinkscope.app.cli;

import dev.sinkscope.app.runtime.RuntimeSettings;
import dev.sinkscope.inference.pipeline.CaptureChoice;
import picocli.CommandLine.Option;

/** Options every model-running command shares. */
final class CommonOptions {
  @Option(
      names = "--device",
      paramLabel = "DEVICE",
      defaultValue = "auto",
      description =
          "auto (GPU when the engine sees one, else CPU), cpu, gpu or gpu:N. Default: ${DEFAULT-VALUE}.")
  String device;

  @Option(
      names = "--threads",
      paramLabel = "N",
      defaultValue = "0",
      description = "CPU threads for inference (0 = the engine's default, one per core).")
  int threads;

  @Option(
      names = "--capture",
      paramLabel = "MODE",
      defaultValue = "auto",
      converter = CaptureConverter.class,
      description =
          "How a pass keeps attention: auto (full maps while they fit 256 MiB, else per-block summaries"
              + " with exact recompute), full or summary. Every number is the same under each. Default: ${DEFAULT-VALUE}.")
  CaptureChoice capture;

  /** Parses {@code --capture}. */
  static final class CaptureConverter implements picocli.CommandLine.ITypeConverter<CaptureChoice> {
    @Override
    public CaptureChoice convert(String value) {
      return CaptureChoice.parse(value);
    }
  }

  /** Applies settings that must precede engine start. */
  void apply() {
    RuntimeSettings.setThreads(threads);
  }
}
