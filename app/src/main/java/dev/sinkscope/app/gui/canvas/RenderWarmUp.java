package dev.sinkscope.app.gui.canvas;

import dev.sinkscope.render.Colormaps;
import dev.sinkscope.render.LegendRenderer;
import dev.sinkscope.render.Marker;
import dev.sinkscope.render.Normalization;
import dev.sinkscope.render.OverlayCompositor;
import dev.sinkscope.render.OverlayLayer;
import dev.sinkscope.render.PreprocessGeometry;
import dev.sinkscope.render.Raster;
import dev.sinkscope.render.ScalarGrid;
import dev.sinkscope.render.Scale;
import dev.sinkscope.render.Upsampling;
import java.util.List;

/**
 * Composes a few throw-away pictures (heatmap, markers, selection, colorbar) the size of a photo on
 * a background thread at start, while the model loads. The first real picture is composed on the FX
 * thread; without this it also pays for loading the render and Java 2D classes (anti-aliased
 * strokes, fonts) and runs its per-pixel loops interpreted, which measured close to 100 ms of
 * FX-thread time on a slow, shared machine.
 */
public final class RenderWarmUp {
  private RenderWarmUp() {}

  public static void run() {
    int side = 8;
    float[] values = new float[side * side];
    for (int i = 0; i < values.length; i++) {
      values[i] = i % 7;
    }
    ScalarGrid grid = new ScalarGrid(side, side, values);
    Scale scale = new Normalization.MinMax().resolve(grid);
    // a crop inside the photo, as most photos have, so the outside-the-crop shading runs too
    Raster photo = Raster.filled(640, 480, 0xFF808080);
    PreprocessGeometry geometry = new PreprocessGeometry(640, 480, 640, 480, 80, 0, 480, 480);
    for (int i = 0; i < 3; i++) {
      compose(photo, geometry, grid, scale, side);
    }
    LegendRenderer.colorbar(
        Colormaps.byName(ViewerViewModel.DEFAULT_COLORMAP),
        scale,
        Quantity.PATCH_NORM.label(),
        Quantity.PATCH_NORM.symbol(),
        LegendRenderer.Orientation.VERTICAL,
        ViewerViewModel.LEGEND_BAR_LENGTH,
        ViewerViewModel.LEGEND_STYLE);
  }

  private static void compose(
      Raster photo, PreprocessGeometry geometry, ScalarGrid grid, Scale scale, int side) {
    OverlayCompositor.compose(
        photo,
        geometry,
        List.of(
            new OverlayLayer.Heatmap(
                grid,
                Colormaps.byName(ViewerViewModel.DEFAULT_COLORMAP),
                scale,
                Upsampling.NEAREST,
                ViewerViewModel.DEFAULT_OPACITY),
            new OverlayLayer.Markers(
                side, side, List.of(Marker.artifact(1, 1, 0), Marker.sink(2, 2, 1))),
            new OverlayLayer.SelectedPatch(
                side, side, 3, 3, OverlayLayer.SelectedPatch.DEFAULT_ARGB)));
  }
}
