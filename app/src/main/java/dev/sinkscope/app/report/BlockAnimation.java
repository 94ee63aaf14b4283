package dev.sinkscope.app.report;

import dev.sinkscope.inference.analysis.AnalysisReport;
import dev.sinkscope.inference.mitigation.MitigationStack;
import dev.sinkscope.inference.pipeline.CapturedAttention;
import dev.sinkscope.inference.report.HeadSelection;
import dev.sinkscope.inference.report.Quantity;
import dev.sinkscope.inference.report.SelectedPatch;
import dev.sinkscope.render.Colormap;
import dev.sinkscope.render.GifAnimation;
import dev.sinkscope.render.Normalization;
import dev.sinkscope.render.PngExport;
import dev.sinkscope.render.Raster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line's animation: one frame per block, each exactly the {@link HeatmapExport} picture
 * of that block (heading with the block number, colorbar, markers), as a looping GIF.
 */
public final class BlockAnimation {
  public static final int DELAY_MS = 700;
  private static final int BACKGROUND = 0xFFFFFFFF;

  private BlockAnimation() {}

  /** Writes the GIF and returns its frame count. */
  public static int write(
      Path gif,
      String modelName,
      ImageInput image,
      CapturedAttention attention,
      AnalysisReport report,
      MitigationStack stack,
      Quantity quantity,
      HeadSelection head,
      SelectedPatch patch,
      Colormap colormap,
      Normalization normalization)
      throws IOException {
    if (!quantity.perBlock()) {
      throw new IllegalArgumentException(
          "--gif needs a quantity that changes from block to block; "
              + quantity.key()
              + " spans every block");
    }
    Path scratch = Files.createTempDirectory("sinkscope-gif");
    try {
      List<Raster> frames = new ArrayList<>();
      for (int b = 1; b <= attention.result().blocks(); b++) {
        Path png = scratch.resolve("block" + b + ".png");
        HeatmapExport.write(
            png,
            modelName,
            image,
            attention,
            report,
            stack,
            b,
            quantity,
            head,
            patch,
            colormap,
            normalization);
        frames.add(PngExport.read(png));
        Files.delete(png);
      }
      GifAnimation.write(GifAnimation.padToOneSize(frames, BACKGROUND), DELAY_MS, true, gif);
      return frames.size();
    } finally {
      Files.deleteIfExists(scratch);
    }
  }
}
