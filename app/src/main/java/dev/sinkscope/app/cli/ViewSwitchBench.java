package dev.sinkscope.app.cli;

import dev.sinkscope.inference.analysis.QuerySet;
import dev.sinkscope.inference.bench.BenchReport;
import dev.sinkscope.inference.bench.Timing;
import dev.sinkscope.inference.engine.ForwardHooks;
import dev.sinkscope.inference.pipeline.CapturedAttention;
import dev.sinkscope.inference.result.ForwardResult;
import dev.sinkscope.inference.result.TokenLayout;
import dev.sinkscope.render.Colormap;
import dev.sinkscope.render.Colormaps;
import dev.sinkscope.render.OutsideCropStyle;
import dev.sinkscope.render.OverlayCompositor;
import dev.sinkscope.render.OverlayLayer;
import dev.sinkscope.render.PreprocessGeometry;
import dev.sinkscope.render.Raster;
import dev.sinkscope.render.ScalarGrid;
import dev.sinkscope.render.Scale;
import dev.sinkscope.render.Upsampling;
import dev.sinkscope.render.bench.RenderBenchmark;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The views section of {@code bench}: view switches without inference and rendering. */
final class ViewSwitchBench {

  /** A view switch must finish within one 60 Hz frame. */
  private static final double FRAME_MS = 16.0;

  private ViewSwitchBench() {}

  /** View switches on the kept passes, then the render module's benchmark when {@code render}. */
  static List<BenchReport.Line> run(Map<String, ForwardResult> viewResults, boolean render) {
    List<BenchReport.Line> views = new ArrayList<>();
    viewResults.forEach((label, result) -> views.add(viewSwitches(label, result)));
    for (RenderBenchmark.Result r :
        render ? RenderBenchmark.run(30, 20) : List.<RenderBenchmark.Result>of()) {
      views.add(
          new BenchReport.Line(
              "render: " + r.name(),
              new Timing(r.minMs(), r.medianMs(), r.iterations()),
              String.format(
                  Locale.ROOT,
                  "max %.2f ms; render module target %.0f ms",
                  r.maxMs(),
                  r.targetMs())));
    }
    return views;
  }

  /**
   * What the app does when the user changes layer, head, quantity or colormap: pick a {@code [T]}
   * vector from the kept result (no inference), make the patch grid, and composite it over a 1024 x
   * 1024 photo. Cycles through all four kinds of change.
   */
  static BenchReport.Line viewSwitches(String label, ForwardResult result) {
    TokenLayout layout = result.layout();
    int rows = layout.gridRows();
    int cols = layout.gridCols();
    int heads = result.spec().numHeads();
    int blocks = result.blocks();
    int photo = 1024;
    Raster base = Raster.filled(photo, photo, 0xFF808080);
    Raster target = Raster.transparent(photo, photo);
    // as DINOv2 eval preprocessing: shorter side to 256/224 of the crop, centre crop
    PreprocessGeometry geometry =
        PreprocessGeometry.resizeShorterSideCenterCrop(
            photo, photo, (int) Math.round(rows * 14 * 256 / 224.0), rows * 14, cols * 14);
    CapturedAttention attention = new CapturedAttention(null, result, ForwardHooks.NONE);
    Colormap[] colormaps = {Colormaps.VIRIDIS, Colormaps.MAGMA, Colormaps.TURBO, Colormaps.GRAY};
    int iterations = 200;
    double[] ms = new double[iterations];
    for (int i = -20; i < iterations; i++) {
      long start = System.nanoTime();
      int block = 1 + Math.floorMod(i * 7, blocks);
      int head = Math.floorMod(i * 3, heads);
      float[] tokens =
          switch (Math.floorMod(i, 4)) {
            case 0 -> attention.clsRow(block, head);
            case 1 -> attention.received(block, head, QuerySet.ALL);
            case 2 -> attention.rowSums(block, head);
            default -> result.block(block).tokenNorms();
          };
      float[] patches = new float[rows * cols];
      System.arraycopy(tokens, layout.firstPatchIndex(), patches, 0, patches.length);
      ScalarGrid grid = new ScalarGrid(rows, cols, patches);
      List<OverlayLayer> layers =
          List.of(
              new OverlayLayer.Heatmap(
                  grid,
                  colormaps[Math.floorMod(i, colormaps.length)],
                  Scale.shared(grid),
                  Upsampling.NEAREST,
                  0.6));
      OverlayCompositor.composeInto(
          target, base, geometry, OutsideCropStyle.DIMMED_HATCHED, layers);
      if (i >= 0) {
        ms[i] = (System.nanoTime() - start) / 1e6;
      }
    }
    Timing t = Timing.of(ms);
    double max = java.util.Arrays.stream(ms).max().orElse(Double.NaN);
    boolean summaries = result.block(1).attention() == null;
    return new BenchReport.Line(
        "switch layer/head/quantity/colormap, "
            + label
            + " ("
            + (summaries ? "summary capture" : "full maps")
            + "), 1024 px overlay",
        t,
        String.format(
            Locale.ROOT,
            "max %.2f ms; goal < %.0f ms: %s; no inference",
            max,
            FRAME_MS,
            max < FRAME_MS ? "met" : t.medianMs() < FRAME_MS ? "met at the median" : "not met"));
  }
}
