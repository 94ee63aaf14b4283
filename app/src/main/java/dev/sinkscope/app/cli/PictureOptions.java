package dev.sinkscope.app.cli;

import dev.sinkscope.app.report.Pictures;
import dev.sinkscope.inference.report.HeadSelection;
import dev.sinkscope.inference.report.NormalizationSpec;
import dev.sinkscope.inference.report.Quantity;
import dev.sinkscope.inference.report.SelectedPatch;
import dev.sinkscope.render.Colormap;
import dev.sinkscope.render.Normalization;
import picocli.CommandLine.Option;

/** What a picture shows: block, heads, quantity, colours. */
final class PictureOptions {
  @Option(
      names = "--layer",
      paramLabel = "N",
      defaultValue = "-1",
      description =
          "Block to draw, 1-based as in the tables; negative counts from the end (-1 = last, the default).")
  int layer;

  @Option(
      names = "--head",
      paramLabel = "H",
      defaultValue = "mean",
      description =
          "Attention heads for attention quantities: mean, max or a 0-based head. Default: ${DEFAULT-VALUE}.")
  String head;

  @Option(
      names = "--quantity",
      paramLabel = "Q",
      defaultValue = "patch-norm",
      description =
          "patch-norm, attention-received, cls-attention, rollout (all blocks), pca-rgb, attends-to or "
              + "attended-by (the attention row or column of --patch). Default: ${DEFAULT-VALUE}.")
  String quantity;

  @Option(
      names = "--patch",
      paramLabel = "ROW,COL",
      description =
          "Selected patch for attends-to and attended-by: 0-based row and column of the patch grid.")
  String patch;

  @Option(
      names = "--colormap",
      paramLabel = "NAME",
      defaultValue = "viridis",
      description =
          "viridis, magma, inferno, plasma, cividis, turbo, gray (add _r to reverse). Default: ${DEFAULT-VALUE}.")
  String colormap;

  @Option(
      names = "--normalization",
      paramLabel = "N",
      defaultValue = "min-max",
      description =
          "Colour range: min-max, percentile[:LO:HI], log or fixed:LO:HI. Default: ${DEFAULT-VALUE}.")
  String normalization;

  /** The 1-based block in a model with {@code blocks} blocks. */
  int block(int blocks) {
    return block(layer, blocks);
  }

  static int block(int layer, int blocks) {
    int b = layer < 0 ? blocks + 1 + layer : layer;
    if (layer == 0 || b < 1 || b > blocks) {
      throw new IllegalArgumentException(
          "--layer "
              + layer
              + " does not exist: the model has blocks 1-"
              + blocks
              + " (or -1 to -"
              + blocks
              + " from the end)");
    }
    return b;
  }

  HeadSelection headSelection() {
    return HeadSelection.parse(head);
  }

  Quantity quantity() {
    return Quantity.parse(quantity);
  }

  /** The --patch, or null when none was given. */
  SelectedPatch patch() {
    if (patch == null) {
      return null;
    }
    String[] parts = patch.split(",");
    try {
      if (parts.length == 2) {
        return new SelectedPatch(
            Integer.parseInt(parts[0].trim()), Integer.parseInt(parts[1].trim()));
      }
    } catch (NumberFormatException e) {
      // the message below says what is expected
    }
    throw new IllegalArgumentException(
        "--patch must be ROW,COL (0-based, e.g. 3,5), got '" + patch + "'");
  }

  Colormap colormap() {
    return Pictures.colormap(colormap);
  }

  NormalizationSpec normalizationSpec() {
    return NormalizationSpec.parse(normalization);
  }

  Normalization normalization() {
    return Pictures.normalization(normalizationSpec());
  }

  /** Checks every choice before any model work, so typos fail fast. */
  void validate() {
    headSelection();
    if (quantity().needsPatch() && patch() == null) {
      throw new IllegalArgumentException("--quantity " + quantity() + " needs --patch ROW,COL");
    }
    patch();
    colormap();
    normalizationSpec();
  }
}
