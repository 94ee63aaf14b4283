package dev.sinkscope.render;

/**
 * Draws scalar and RGB patch grids as pixels: either a standalone heatmap of any size or blended
 * onto a photo through a {@link PreprocessGeometry}. Values are normalised once per patch and
 * looked up in a precomputed table; pixel loops are plain int[] arithmetic.
 */
public final class HeatmapRenderer {

  private HeatmapRenderer() {}

  /** The grid stretched over a {@code width x height} raster; NaN patches get the bad colour. */
  public static Raster render(
      ScalarGrid grid,
      Colormap colormap,
      Scale scale,
      int width,
      int height,
      Upsampling upsampling) {
    Raster target = Raster.transparent(width, height);
    drawScalar(
        target, PreprocessGeometry.identity(width, height), grid, colormap, scale, upsampling, 1.0);
    return target;
  }

  /** One pixel per patch, for tiny previews and tests. */
  public static Raster renderCells(ScalarGrid grid, Colormap colormap, Scale scale) {
    return render(grid, colormap, scale, grid.cols(), grid.rows(), Upsampling.NEAREST);
  }

  /**
   * Blends the grid onto {@code target} (which shows the original photo at the geometry's original
   * size) with the given opacity; only pixels the model saw are touched.
   */
  public static void drawScalar(
      Raster target,
      PreprocessGeometry geometry,
      ScalarGrid grid,
      Colormap colormap,
      Scale scale,
      Upsampling upsampling,
      double opacity) {
    checkTarget(target, geometry);
    BlendLut lut = BlendLut.of(colormap, opacity);
    AxisSampling xs =
        AxisSampling.of(
            target.width(),
            geometry.resizedWidth(),
            geometry.cropLeft(),
            geometry.cropWidth(),
            grid.cols());
    AxisSampling ys =
        AxisSampling.of(
            target.height(),
            geometry.resizedHeight(),
            geometry.cropTop(),
            geometry.cropHeight(),
            grid.rows());
    if (xs.isEmpty() || ys.isEmpty()) {
      return;
    }
    float[] values = grid.values();
    float[] normalized = new float[values.length];
    int[] cellIndex = new int[values.length];
    for (int i = 0; i < values.length; i++) {
      normalized[i] = (float) scale.normalize(values[i]);
      cellIndex[i] = lut.indexOf(normalized[i]);
    }
    if (upsampling == Upsampling.NEAREST) {
      blendNearest(target, xs, ys, grid.cols(), cellIndex, lut);
    } else {
      blendBilinear(target, xs, ys, grid.rows(), grid.cols(), normalized, lut);
    }
  }

  /** Blends a PCA-RGB grid (components in [0, 1], see {@link RgbGrid#normalizedPerChannel()}). */
  public static void drawRgb(
      Raster target,
      PreprocessGeometry geometry,
      RgbGrid grid,
      Upsampling upsampling,
      double opacity) {
    checkTarget(target, geometry);
    AxisSampling xs =
        AxisSampling.of(
            target.width(),
            geometry.resizedWidth(),
            geometry.cropLeft(),
            geometry.cropWidth(),
            grid.cols());
    AxisSampling ys =
        AxisSampling.of(
            target.height(),
            geometry.resizedHeight(),
            geometry.cropTop(),
            geometry.cropHeight(),
            grid.rows());
    if (xs.isEmpty() || ys.isEmpty()) {
      return;
    }
    int patches = grid.rows() * grid.cols();
    if (upsampling == Upsampling.NEAREST) {
      int[] colors = new int[patches];
      int[] cellIndex = new int[patches];
      for (int i = 0; i < patches; i++) {
        colors[i] = grid.argbOf(i);
        cellIndex[i] = i;
      }
      blendNearest(target, xs, ys, grid.cols(), cellIndex, BlendLut.ofColors(colors, opacity));
      return;
    }
    BlendLut.checkOpacity(opacity);
    float[] rgb = grid.rgb();
    int cols = grid.cols();
    int[] pixels = target.argb();
    int width = target.width();
    for (int y = ys.first(); y < ys.end(); y++) {
      int r0 = ys.lower[y] * cols;
      int r1 = ys.upper[y] * cols;
      float wy = ys.weight[y];
      for (int x = xs.first(); x < xs.end(); x++) {
        int c0 = xs.lower[x];
        int c1 = xs.upper[x];
        float wx = xs.weight[x];
        int color = mixRgb(rgb, r0 + c0, r0 + c1, r1 + c0, r1 + c1, wx, wy);
        if (color == 0) {
          color = grid.argbOf(ys.nearest[y] * cols + xs.nearest[x]);
        }
        pixels[y * width + x] = Pixels.over(pixels[y * width + x], color, opacity);
      }
    }
  }

  private static int mixRgb(float[] rgb, int p00, int p01, int p10, int p11, float wx, float wy) {
    int packed = 0xFF000000;
    for (int channel = 0; channel < 3; channel++) {
      float top = rgb[3 * p00 + channel] * (1 - wx) + rgb[3 * p01 + channel] * wx;
      float bottom = rgb[3 * p10 + channel] * (1 - wx) + rgb[3 * p11 + channel] * wx;
      float v = top * (1 - wy) + bottom * wy;
      if (Float.isNaN(v)) {
        return 0;
      }
      packed |= Math.round(Math.max(0f, Math.min(1f, v)) * 255f) << (16 - 8 * channel);
    }
    return packed;
  }

  /**
   * Output rows that fall in the same grid row blend the same colours, so the per-pixel blend terms
   * are laid out once per grid row and the inner loop only streams through arrays.
   */
  private static void blendNearest(
      Raster target, AxisSampling xs, AxisSampling ys, int cols, int[] cellIndex, BlendLut lut) {
    int[] pixels = target.argb();
    int width = target.width();
    int x0 = xs.first();
    int span = xs.end() - x0;
    int[] inverse = new int[span];
    int[] redBlue = new int[span];
    int[] green = new int[span];
    int[] entry = new int[span];
    int laidOutRow = -1;
    for (int y = ys.first(); y < ys.end(); y++) {
      int gridRow = ys.nearest[y];
      if (gridRow != laidOutRow) {
        int rowBase = gridRow * cols;
        for (int i = 0; i < span; i++) {
          int k = cellIndex[rowBase + xs.nearest[x0 + i]];
          entry[i] = k;
          inverse[i] = lut.inverseAlpha[k];
          redBlue[i] = lut.redBluePremultiplied[k];
          green[i] = lut.greenPremultiplied[k];
        }
        laidOutRow = gridRow;
      }
      int offset = y * width + x0;
      if (isOpaqueRun(pixels, offset, span)) {
        // Branch-free so the JIT can vectorise it; with alpha 0 (inverse 256) it
        // reproduces the destination exactly.
        for (int i = 0; i < span; i++) {
          int d = pixels[offset + i];
          int inv = inverse[i];
          int rb = (d & 0x00FF00FF) * inv + redBlue[i];
          int g = (d & 0x0000FF00) * inv + green[i];
          pixels[offset + i] = 0xFF000000 | ((rb >>> 8) & 0x00FF00FF) | ((g >>> 8) & 0x0000FF00);
        }
      } else {
        for (int i = 0; i < span; i++) {
          pixels[offset + i] = lut.blendOver(pixels[offset + i], entry[i]);
        }
      }
    }
  }

  /** True when every pixel of the run has alpha 255, as photos do. */
  private static boolean isOpaqueRun(int[] pixels, int offset, int length) {
    int all = 0xFF000000;
    for (int i = offset; i < offset + length; i++) {
      all &= pixels[i];
    }
    return all == 0xFF000000;
  }

  /**
   * Interpolates normalised values (not colours, which would invent hues the colormap lacks). Rows
   * are interpolated horizontally once, then each output row mixes two of them. Where a neighbour
   * is NaN the nearest patch is used, so missing values stay visibly missing.
   */
  private static void blendBilinear(
      Raster target,
      AxisSampling xs,
      AxisSampling ys,
      int rows,
      int cols,
      float[] normalized,
      BlendLut lut) {
    int[] pixels = target.argb();
    int width = target.width();
    int x0 = xs.first();
    int span = xs.end() - x0;
    float[][] horizontal = new float[rows][span];
    for (int r = 0; r < rows; r++) {
      float[] line = horizontal[r];
      int base = r * cols;
      for (int i = 0; i < span; i++) {
        int x = x0 + i;
        float w = xs.weight[x];
        line[i] = normalized[base + xs.lower[x]] * (1 - w) + normalized[base + xs.upper[x]] * w;
      }
    }
    int[] entry = new int[span];
    int[] inverse = lut.inverseAlpha;
    int[] redBlue = lut.redBluePremultiplied;
    int[] green = lut.greenPremultiplied;
    for (int y = ys.first(); y < ys.end(); y++) {
      float[] upperLine = horizontal[ys.lower[y]];
      float[] lowerLine = horizontal[ys.upper[y]];
      float wy = ys.weight[y];
      int nearestBase = ys.nearest[y] * cols;
      for (int i = 0; i < span; i++) {
        float t = upperLine[i] * (1 - wy) + lowerLine[i] * wy;
        if (t != t) {
          t = normalized[nearestBase + xs.nearest[x0 + i]];
        }
        entry[i] = lut.indexOf(t);
      }
      int offset = y * width + x0;
      if (isOpaqueRun(pixels, offset, span)) {
        for (int i = 0; i < span; i++) {
          int k = entry[i];
          int d = pixels[offset + i];
          int inv = inverse[k];
          int rb = (d & 0x00FF00FF) * inv + redBlue[k];
          int g = (d & 0x0000FF00) * inv + green[k];
          pixels[offset + i] = 0xFF000000 | ((rb >>> 8) & 0x00FF00FF) | ((g >>> 8) & 0x0000FF00);
        }
      } else {
        for (int i = 0; i < span; i++) {
          pixels[offset + i] = lut.blendOver(pixels[offset + i], entry[i]);
        }
      }
    }
  }

  private static void checkTarget(Raster target, PreprocessGeometry geometry) {
    if (target.width() != geometry.originalWidth()
        || target.height() != geometry.originalHeight()) {
      throw new IllegalArgumentException(
          "target is "
              + target.width()
              + "x"
              + target.height()
              + " but the geometry expects "
              + geometry.originalWidth()
              + "x"
              + geometry.originalHeight()
              + "; use PreprocessGeometry.forDisplay for a resized view");
    }
  }
}
