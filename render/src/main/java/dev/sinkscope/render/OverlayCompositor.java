package dev.sinkscope.render;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.Shape;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Rectangle2D;
import java.util.ArrayList;
import java.util.List;

/**
 * Draws layers over a photo at the photo's own resolution, mapping patches through the
 * preprocessing geometry so each lands on the pixels the model actually saw.
 */
public final class OverlayCompositor {

  /** Dimming factor (out of 256) for regions outside the crop. */
  private static final int DIM_FACTOR = 100;

  private static final int HATCH_SPACING = 8;
  private static final int HATCH_ARGB = 0xB4C8C8C8;

  static final int ARTIFACT_ARGB = 0xFFFF3B30;
  static final int SINK_ARGB = 0xFFFFD60A;
  static final int REGISTER_ARGB = 0xFF32D2FF;

  private OverlayCompositor() {}

  /** Layers over a copy of the photo; regions outside the crop are dimmed and hatched. */
  public static Raster compose(
      Raster photo, PreprocessGeometry geometry, List<OverlayLayer> layers) {
    return compose(photo, geometry, OutsideCropStyle.DIMMED_HATCHED, layers);
  }

  public static Raster compose(
      Raster photo,
      PreprocessGeometry geometry,
      OutsideCropStyle outside,
      List<OverlayLayer> layers) {
    Raster target = Raster.transparent(photo.width(), photo.height());
    composeInto(target, photo, geometry, outside, layers);
    return target;
  }

  /**
   * Like {@link #compose} but reuses {@code target}'s pixel array, so an interactive view can
   * redraw on every slider move without allocating a megapixel buffer each time.
   */
  public static void composeInto(
      Raster target,
      Raster photo,
      PreprocessGeometry geometry,
      OutsideCropStyle outside,
      List<OverlayLayer> layers) {
    if (target.width() != photo.width() || target.height() != photo.height()) {
      throw new IllegalArgumentException(
          "target " + target + " and photo " + photo + " differ in size");
    }
    if (photo.width() != geometry.originalWidth() || photo.height() != geometry.originalHeight()) {
      throw new IllegalArgumentException(
          "photo is "
              + photo.width()
              + "x"
              + photo.height()
              + " but the geometry expects "
              + geometry.originalWidth()
              + "x"
              + geometry.originalHeight()
              + "; use PreprocessGeometry.forDisplay for a resized view");
    }
    System.arraycopy(photo.argb(), 0, target.argb(), 0, photo.argb().length);
    markOutsideCrop(target, geometry.visibleOriginalPixels(), outside);
    for (OverlayLayer layer : layers) {
      drawLayer(target, geometry, layer);
    }
  }

  private static void drawLayer(Raster target, PreprocessGeometry geometry, OverlayLayer layer) {
    if (layer instanceof OverlayLayer.Heatmap h) {
      HeatmapRenderer.drawScalar(
          target, geometry, h.grid(), h.colormap(), h.scale(), h.upsampling(), h.opacity());
    } else if (layer instanceof OverlayLayer.PcaRgb p) {
      HeatmapRenderer.drawRgb(target, geometry, p.grid(), p.upsampling(), p.opacity());
    } else if (layer instanceof OverlayLayer.GridLines lines) {
      drawGridLines(target, geometry, lines);
    } else if (layer instanceof OverlayLayer.SelectedPatch selected) {
      drawSelectedPatch(target, geometry, selected);
    } else if (layer instanceof OverlayLayer.Markers markers) {
      drawMarkers(target, geometry, markers);
    } else {
      throw new IllegalStateException("unhandled layer " + layer);
    }
  }

  static void markOutsideCrop(Raster target, Rectangle visible, OutsideCropStyle style) {
    if (style == OutsideCropStyle.UNCHANGED) {
      return;
    }
    boolean dim = style != OutsideCropStyle.HATCHED;
    boolean hatch = style != OutsideCropStyle.DIMMED;
    BlendLut hatchColor = BlendLut.ofColors(new int[] {HATCH_ARGB}, 1.0);
    int width = target.width();
    int visibleRight = visible.x + visible.width;
    int visibleBottom = visible.y + visible.height;
    for (int y = 0; y < target.height(); y++) {
      boolean rowInside = y >= visible.y && y < visibleBottom && visible.width > 0;
      if (rowInside) {
        markRun(target.argb(), y, 0, visible.x, width, dim, hatch, hatchColor);
        markRun(target.argb(), y, visibleRight, width, width, dim, hatch, hatchColor);
      } else {
        markRun(target.argb(), y, 0, width, width, dim, hatch, hatchColor);
      }
    }
  }

  private static void markRun(
      int[] pixels,
      int y,
      int fromX,
      int toX,
      int width,
      boolean dim,
      boolean hatch,
      BlendLut hatchColor) {
    int offset = y * width;
    if (dim) {
      for (int x = fromX; x < toX; x++) {
        pixels[offset + x] = Pixels.scaleRgb(pixels[offset + x], DIM_FACTOR);
      }
    }
    if (hatch && fromX < toX) {
      // Pixels with (x + y) % spacing == 0 form the diagonal hatch lines.
      int first = fromX + Math.floorMod(-(fromX + y), HATCH_SPACING);
      for (int x = first; x < toX; x += HATCH_SPACING) {
        pixels[offset + x] = hatchColor.blendOver(pixels[offset + x], 0);
      }
    }
  }

  static void drawGridLines(
      Raster target, PreprocessGeometry geometry, OverlayLayer.GridLines lines) {
    Rectangle visible = geometry.visibleOriginalPixels();
    if (visible.isEmpty()) {
      return;
    }
    int[] pixels = target.argb();
    int width = target.width();
    boolean[] verticalAt =
        boundaryPixels(
            visible.x,
            visible.width,
            lines.cols(),
            geometry.cropWidth(),
            k -> geometry.cropToOriginalX(k));
    boolean[] horizontalAt =
        boundaryPixels(
            visible.y,
            visible.height,
            lines.rows(),
            geometry.cropHeight(),
            k -> geometry.cropToOriginalY(k));
    int[] verticalColumns = indicesOf(verticalAt, visible.x);
    BlendLut lut = BlendLut.ofColors(new int[] {lines.argb()}, 1.0);
    for (int y = visible.y; y < visible.y + visible.height; y++) {
      int offset = y * width;
      if (horizontalAt[y - visible.y]) {
        for (int x = visible.x; x < visible.x + visible.width; x++) {
          pixels[offset + x] = lut.blendOver(pixels[offset + x], 0);
        }
      } else {
        for (int x : verticalColumns) {
          pixels[offset + x] = lut.blendOver(pixels[offset + x], 0);
        }
      }
    }
  }

  private static int[] indicesOf(boolean[] flags, int offset) {
    int count = 0;
    for (boolean flag : flags) {
      count += flag ? 1 : 0;
    }
    int[] indices = new int[count];
    for (int i = 0, k = 0; i < flags.length; i++) {
      if (flags[i]) {
        indices[k++] = offset + i;
      }
    }
    return indices;
  }

  /**
   * Which pixels along an axis carry a patch boundary: interior boundaries on the first pixel of
   * the next patch, the outer ones on the first and last visible pixel. Boundaries in padding are
   * skipped.
   */
  private static boolean[] boundaryPixels(
      int start,
      int length,
      int cells,
      int cropSize,
      java.util.function.DoubleUnaryOperator cropToOriginal) {
    boolean[] at = new boolean[length];
    for (int k = 0; k <= cells; k++) {
      double position = cropToOriginal.applyAsDouble((double) k * cropSize / cells);
      if (position < start - 1e-9 || position > start + length + 1e-9) {
        continue;
      }
      int pixel = (int) Math.floor(position + 1e-9);
      pixel = Math.max(start, Math.min(start + length - 1, pixel));
      at[pixel - start] = true;
    }
    at[0] = true;
    at[length - 1] = true;
    return at;
  }

  private static void drawSelectedPatch(
      Raster target, PreprocessGeometry geometry, OverlayLayer.SelectedPatch selected) {
    Rectangle2D.Double bounds =
        geometry.patchBoundsInOriginal(
            selected.row(), selected.col(), selected.rows(), selected.cols());
    Graphics2D g = Drawing.graphics(target);
    try {
      float width = (float) Math.max(1.5, Math.min(bounds.width, bounds.height) / 10.0);
      Rectangle2D.Double inset =
          new Rectangle2D.Double(
              bounds.x + width / 2,
              bounds.y + width / 2,
              bounds.width - width,
              bounds.height - width);
      Drawing.strokeWithHalo(g, inset, Drawing.color(selected.argb()), width, null);
    } finally {
      g.dispose();
    }
  }

  private static void drawMarkers(
      Raster target, PreprocessGeometry geometry, OverlayLayer.Markers layer) {
    if (layer.markers().isEmpty()) {
      return;
    }
    Graphics2D g = Drawing.graphics(target);
    try {
      // All rings first, then all labels, so no ring covers a neighbour's label.
      for (Marker marker : layer.markers()) {
        drawRing(g, marker, patchOf(geometry, layer, marker));
      }
      List<Rectangle2D> placed = new ArrayList<>();
      for (Marker marker : layer.markers()) {
        if (marker.rank() > 0) {
          drawLabel(g, marker, patchOf(geometry, layer, marker), placed);
        }
      }
    } finally {
      g.dispose();
    }
  }

  private static Rectangle2D.Double patchOf(
      PreprocessGeometry geometry, OverlayLayer.Markers layer, Marker m) {
    return geometry.patchBoundsInOriginal(m.row(), m.col(), layer.rows(), layer.cols());
  }

  static int colorOf(Marker.Kind kind) {
    return switch (kind) {
      case ARTIFACT -> ARTIFACT_ARGB;
      case SINK -> SINK_ARGB;
      case REGISTER -> REGISTER_ARGB;
    };
  }

  /**
   * Radius of the artifact ring and the register square: a bit larger than the patch so it does not
   * hide it.
   */
  static double markerRadius(Rectangle2D.Double patch) {
    return Math.max(5.0, 0.7 * Math.max(patch.width, patch.height));
  }

  /**
   * The sink's double ring sits inside the artifact ring, so a patch that is both shows red around
   * yellow.
   */
  static final double SINK_OUTER = 0.72;

  static final double SINK_INNER = 0.42;

  /** One marker with its label, as a legend swatch draws it. */
  static void drawMarker(Graphics2D g, Marker marker, Rectangle2D.Double patch) {
    drawRing(g, marker, patch);
    if (marker.rank() > 0) {
      drawLabel(g, marker, patch, new ArrayList<>());
    }
  }

  static void drawRing(Graphics2D g, Marker marker, Rectangle2D.Double patch) {
    double cx = patch.getCenterX();
    double cy = patch.getCenterY();
    double radius = markerRadius(patch);
    float stroke = (float) Math.max(1.5, radius / 6.0);
    Color color = Drawing.color(colorOf(marker.kind()));
    switch (marker.kind()) {
      case ARTIFACT -> Drawing.strokeWithHalo(g, circle(cx, cy, radius), color, stroke, null);
      case SINK -> {
        Drawing.strokeWithHalo(g, circle(cx, cy, radius * SINK_OUTER), color, stroke, null);
        Drawing.strokeWithHalo(g, circle(cx, cy, radius * SINK_INNER), color, stroke * 0.8f, null);
      }
      case REGISTER -> {
        Shape square = new Rectangle2D.Double(cx - radius, cy - radius, 2 * radius, 2 * radius);
        float dash = (float) Math.max(2.0, radius / 2.5);
        Drawing.strokeWithHalo(g, square, color, stroke, new float[] {dash, dash * 0.6f});
      }
      default -> throw new IllegalArgumentException("no ring for marker kind " + marker.kind());
    }
  }

  /**
   * The rank label at the first corner of the ring (top right, top left, bottom right, bottom left)
   * where it does not overlap a label already {@code placed}; it is added to {@code placed}.
   */
  static Rectangle2D drawLabel(
      Graphics2D g, Marker marker, Rectangle2D.Double patch, List<Rectangle2D> placed) {
    double cx = patch.getCenterX();
    double cy = patch.getCenterY();
    double radius = markerRadius(patch);
    Font font = Drawing.boldFont((float) Math.max(10.0, radius * 0.9));
    g.setFont(font);
    String text = Integer.toString(marker.rank());
    Rectangle2D box = labelBox(g, text, cx, cy, radius, placed);
    placed.add(box);
    float baseline = (float) (box.getMaxY() - g.getFontMetrics().getDescent());
    Drawing.textWithHalo(
        g, text, (float) box.getX(), baseline, Drawing.color(colorOf(marker.kind())));
    return box;
  }

  static Rectangle2D labelBox(
      Graphics2D g, String text, double cx, double cy, double radius, List<Rectangle2D> placed) {
    java.awt.FontMetrics metrics = g.getFontMetrics();
    double w = metrics.stringWidth(text) + 2;
    double h = metrics.getAscent() + metrics.getDescent();
    double d = radius * 0.75;
    double[][] corners = {
      {cx + d, cy - d - h}, {cx - d - w, cy - d - h}, {cx + d, cy + d}, {cx - d - w, cy + d}
    };
    Rectangle2D first = null;
    for (double[] c : corners) {
      Rectangle2D box = new Rectangle2D.Double(c[0], c[1], w, h);
      if (first == null) {
        first = box;
      }
      if (placed.stream().noneMatch(box::intersects)) {
        return box;
      }
    }
    return first;
  }

  private static Shape circle(double cx, double cy, double radius) {
    return new Ellipse2D.Double(cx - radius, cy - radius, 2 * radius, 2 * radius);
  }
}
