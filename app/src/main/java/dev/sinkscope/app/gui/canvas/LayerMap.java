package dev.sinkscope.app.gui.canvas;

import dev.sinkscope.render.RgbGrid;
import dev.sinkscope.render.ScalarGrid;

/**
 * One quantity at one block, ready to draw: a scalar grid (with the per-token values it came from,
 * for the non-patch token strip and hover), or an RGB grid for PCA.
 *
 * @param quantity what it is
 * @param block 1-based block (the last block for rollout)
 * @param head how heads were combined
 * @param grid patch values, or null for PCA
 * @param tokenValues {@code [T]} values of every token in sequence order, or null where the
 *     quantity exists for patches only
 * @param rgb PCA colours, else null
 */
public record LayerMap(
    Quantity quantity,
    int block,
    HeadChoice head,
    ScalarGrid grid,
    float[] tokenValues,
    RgbGrid rgb) {

  public boolean isRgb() {
    return rgb != null;
  }

  public int rows() {
    return grid != null ? grid.rows() : rgb.rows();
  }

  public int cols() {
    return grid != null ? grid.cols() : rgb.cols();
  }
}
