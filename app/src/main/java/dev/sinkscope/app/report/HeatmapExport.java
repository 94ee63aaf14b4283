package dev.sinkscope.app.report;

import dev.sinkscope.inference.analysis.AnalysisReport;
import dev.sinkscope.inference.engine.ForwardHooks;
import dev.sinkscope.inference.mitigation.Mitigation;
import dev.sinkscope.inference.mitigation.MitigationStack;
import dev.sinkscope.inference.pipeline.CapturedAttention;
import dev.sinkscope.inference.report.HeadSelection;
import dev.sinkscope.inference.report.Quantity;
import dev.sinkscope.inference.report.SelectedPatch;
import dev.sinkscope.inference.result.ForwardResult;
import dev.sinkscope.render.Colormap;
import dev.sinkscope.render.ExportMetadata;
import dev.sinkscope.render.Normalization;
import dev.sinkscope.render.PatchPosition;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * One annotated heatmap of a forward pass as a PNG: {@code analyze --png} and the panels of a
 * report.
 */
public final class HeatmapExport {
  static final String MARKER_NOTE =
      "Red rings: artifact patches at this block; yellow double rings: flagged attention sinks (numbered by strength).";

  private HeatmapExport() {}

  /** A panel of one of the quantities that need no selected patch. */
  public static void write(
      Path file,
      String modelName,
      ImageInput image,
      ForwardResult result,
      AnalysisReport report,
      MitigationStack stack,
      int block,
      Quantity quantity,
      HeadSelection head,
      Colormap colormap,
      Normalization normalization)
      throws IOException {
    write(
        file,
        modelName,
        image,
        result,
        report,
        stack,
        block,
        quantity,
        head,
        null,
        colormap,
        normalization);
  }

  /**
   * A panel of {@code quantity} at 1-based {@code block}: rollout spans every block (its markers
   * are the last block's), PCA colours have no colorbar, and the attention row or column of {@code
   * patch} outlines that patch.
   */
  public static void write(
      Path file,
      String modelName,
      ImageInput image,
      ForwardResult result,
      AnalysisReport report,
      MitigationStack stack,
      int block,
      Quantity quantity,
      HeadSelection head,
      SelectedPatch patch,
      Colormap colormap,
      Normalization normalization)
      throws IOException {
    write(
        file,
        modelName,
        image,
        new CapturedAttention(null, result, ForwardHooks.NONE),
        report,
        stack,
        block,
        quantity,
        head,
        patch,
        colormap,
        normalization);
  }

  /**
   * As above, reading attention through {@code attention} (dropped maps recomputed when it has the
   * model).
   */
  public static void write(
      Path file,
      String modelName,
      ImageInput image,
      CapturedAttention attention,
      AnalysisReport report,
      MitigationStack stack,
      int block,
      Quantity quantity,
      HeadSelection head,
      SelectedPatch patch,
      Colormap colormap,
      Normalization normalization)
      throws IOException {
    ForwardResult result = attention.result();
    int blocks = result.blocks();
    int shown = quantity.perBlock() ? block : blocks;
    List<String> specs = stack.mitigations().stream().map(Mitigation::spec).toList();
    String heading =
        Pictures.heading(modelName, shown, blocks, quantity, head)
                .replace(
                    quantity.label(),
                    quantity == Quantity.CLS_ATTENTION && result.clsLikeQuery().isProbe()
                        ? "pooling-probe attention"
                        : quantity.label())
            + " | "
            + (specs.isEmpty() ? "no mitigations" : "with " + String.join(" ", specs));
    String title = BlockView.caption(image.name(), report, shown);
    // a model without CLS shows its pooling probe's attention in the CLS-attention panel
    String label =
        quantity == Quantity.CLS_ATTENTION && result.clsLikeQuery().isProbe()
            ? "pooling-probe attention"
            : quantity.label();
    String quantityText = label + (quantity.needsPatch() ? " " + patch : "");
    Pictures.Picture p;
    if (quantity.isRgb()) {
      int[] artifacts = PcaColours.artifacts(report, shown);
      var pca = Grids.patchPca(result, shown, artifacts);
      var stretch = PcaColours.stretch(pca, artifacts); // as the window shows it, same key
      p =
          Pictures.pcaRgb(
              heading,
              title,
              image,
              stretch.grid(),
              BlockView.markers(report, shown),
              PcaColours.key(pca, stretch, artifacts, Pictures.STYLE).raster());
    } else {
      PatchPosition selected =
          quantity.needsPatch() ? new PatchPosition(patch.row(), patch.col()) : null;
      p =
          Pictures.heatmap(
              heading,
              title,
              image,
              Grids.of(quantity, attention, report, shown, head, patch),
              colormap,
              normalization,
              label
                  + " "
                  + (result.clsLikeQuery().isProbe()
                      ? quantity.symbol().replace("CLS", "probe")
                      : quantity.symbol()),
              BlockView.markers(report, shown),
              selected);
    }
    String scale =
        p.scale() == null ? Pictures.PCA_SCALE : ExportMetadata.describe(colormap, p.scale());
    Pictures.write(
        p.raster(),
        Pictures.metadata(
            modelName,
            quantity.perBlock()
                ? Pictures.blockText(shown, blocks)
                : "all " + blocks + " blocks (rollout)",
            quantity.perHead() ? head.toString() : "n/a",
            quantityText,
            specs,
            scale,
            image.name(),
            MARKER_NOTE),
        file);
  }
}
