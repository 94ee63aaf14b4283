package dev.sinkscope.app.cli;

import dev.sinkscope.inference.analysis.AnalysisReport;
import dev.sinkscope.inference.analysis.Analyzer;
import dev.sinkscope.inference.mitigation.Mitigation;
import dev.sinkscope.inference.mitigation.MitigationStack;
import dev.sinkscope.inference.report.HeadSelection;
import dev.sinkscope.inference.report.Quantity;
import dev.sinkscope.inference.result.ForwardResult;
import dev.sinkscope.render.Colormap;
import dev.sinkscope.render.ExportMetadata;
import dev.sinkscope.render.Normalization;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** One annotated heatmap of a forward pass as a PNG: {@code analyze --png} and the panels of {@code report}. */
final class HeatmapExport {
  private HeatmapExport() {}

  /** Writes {@code picture}'s quantity at its block. */
  static void write(Path file, ModelResolver.Resolved model, ImageInput image, ForwardResult result,
      MitigationStack stack, PictureOptions picture) throws IOException {
    int block = picture.block(result.blocks());
    HeadSelection head = picture.headSelection();
    head.validate(result.spec().numHeads());
    AnalysisReport report = Analyzer.analyze(result, AnalysisSettings.defaults());
    write(file, model.displayName(), image, result, report, stack, block, picture.quantity(), head,
        picture.colormap(), picture.normalization());
  }

  static void write(Path file, String modelName, ImageInput image, ForwardResult result, AnalysisReport report,
      MitigationStack stack, int block, Quantity quantity, HeadSelection head, Colormap colormap,
      Normalization normalization) throws IOException {
    int blocks = result.blocks();
    List<String> specs = stack.mitigations().stream().map(Mitigation::spec).toList();
    String heading = CompareCommand.heading(modelName, block, blocks, quantity, head) + " | "
        + (specs.isEmpty() ? "no mitigations" : "with " + String.join(" ", specs));
    Pictures.Picture p = Pictures.heatmap(heading, BlockView.caption(image.name(), report, block), image,
        Grids.of(quantity, result, block, head), colormap, normalization, quantity.label() + " " + quantity.symbol(),
        BlockView.markers(report, block));
    Pictures.write(p.raster(), Pictures.metadata(modelName, CompareCommand.blockText(block, blocks),
        quantity.perHead() ? head.toString() : "n/a", quantity.label(), specs,
        ExportMetadata.describe(colormap, p.scale()), image.name(),
        "Red rings: artifact patches at this block; yellow double rings: flagged attention sinks (numbered by strength)."),
        file);
  }
}
