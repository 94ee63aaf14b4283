package dev.sinkscope.app.cli;

import picocli.CommandLine.Option;

/** {@code --model}, shared by every command that runs one model (docs/cli.md, "--model"). */
final class ModelOption {
  @Option(
      names = "--model",
      required = true,
      paramLabel = "MODEL",
      description =
          "Model folder (config.json + model.safetensors), hub id org/name[@revision], "
              + "or phantom / phantom-registers (bundled).")
  String model;
}
