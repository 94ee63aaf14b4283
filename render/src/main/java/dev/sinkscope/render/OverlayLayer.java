package dev.sinkscope.render;

import java.util.List;
import java.util.Objects;

/** One thing drawn over the photo; layers are composited in list order, later on top. */
public sealed interface OverlayLayer {

  /**
   * A scalar per patch through a colormap: norms, received attention, rollout, CLS attention, or
   * one row or column of an attention matrix (see {@link ScalarGrid#attentionRow}).
   */
  record Heatmap(
      ScalarGrid grid, Colormap colormap, Scale scale, Upsampling upsampling, double opacity)
      implements OverlayLayer {
    public Heatmap {
      Objects.requireNonNull(grid, "grid");
      Objects.requireNonNull(colormap, "colormap");
      Objects.requireNonNull(scale, "scale");
      Objects.requireNonNull(upsampling, "upsampling");
      BlendLut.checkOpacity(opacity);
    }
  }

  /** Three principal components of patch features as colour, components already in [0, 1]. */
  record PcaRgb(RgbGrid grid, Upsampling upsampling, double opacity) implements OverlayLayer {
    public PcaRgb {
      Objects.requireNonNull(grid, "grid");
      Objects.requireNonNull(upsampling, "upsampling");
      BlendLut.checkOpacity(opacity);
    }
  }

  /** Artifact, sink and register markers on a {@code rows x cols} grid. */
  record Markers(int rows, int cols, List<Marker> markers) implements OverlayLayer {
    public Markers {
      checkGrid(rows, cols);
      markers = List.copyOf(markers);
      for (Marker m : markers) {
        if (m.row() >= rows || m.col() >= cols) {
          throw new IllegalArgumentException(m + " outside the " + rows + "x" + cols + " grid");
        }
      }
    }
  }

  /** An outline around the patch the user selected. */
  record SelectedPatch(int rows, int cols, int row, int col, int argb) implements OverlayLayer {
    public static final int DEFAULT_ARGB = 0xFFFFFFFF;

    public SelectedPatch {
      checkGrid(rows, cols);
      if (row < 0 || col < 0 || row >= rows || col >= cols) {
        throw new IllegalArgumentException(
            "patch (" + row + "," + col + ") outside " + rows + "x" + cols);
      }
    }
  }

  /** One-pixel lines along patch boundaries, including the crop border. */
  record GridLines(int rows, int cols, int argb) implements OverlayLayer {
    public static final int DEFAULT_ARGB = 0x66FFFFFF;

    public GridLines {
      checkGrid(rows, cols);
    }
  }

  private static void checkGrid(int rows, int cols) {
    if (rows <= 0 || cols <= 0) {
      throw new IllegalArgumentException("grid size must be positive: " + rows + "x" + cols);
    }
  }
}
