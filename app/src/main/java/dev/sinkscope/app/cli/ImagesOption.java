package dev.sinkscope.app.cli;

import picocli.CommandLine.Option;

/**
 * {@code --images}, shared by the commands that run over a folder of photos ({@link ImageFolder}).
 */
final class ImagesOption {
  @Option(
      names = "--images",
      required = true,
      paramLabel = "FOLDER|bundled",
      description =
          "Folder of photos (png, jpg, bmp, gif; not recursive), or 'bundled' for the bundled photos.")
  String images;
}
