package dev.sinkscope.app.gui.canvas;

import dev.sinkscope.render.LegendRenderer;
import dev.sinkscope.render.Raster;
import dev.sinkscope.render.Scale;
import java.util.List;

/**
 * The composed picture of one pass as the canvas shows it.
 *
 * @param picture photo with overlay and markers, at display size
 * @param legend colorbar, or null for PCA colours or when nothing is overlaid
 * @param scale the colour scale, or null for PCA
 * @param map what was drawn, or null when the quantity is unavailable (then {@code note} says why)
 * @param caption short title, e.g. "Patch norm · block 4 · mean of heads"
 * @param note why nothing is overlaid, or empty
 * @param chips non-patch tokens in the same colours
 */
public record RenderedView(
    Raster picture,
    LegendRenderer.Legend legend,
    Scale scale,
    LayerMap map,
    String caption,
    String note,
    List<TokenChip> chips) {

  public RenderedView {
    chips = List.copyOf(chips);
  }
}
