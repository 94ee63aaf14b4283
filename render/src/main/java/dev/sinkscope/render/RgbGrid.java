package dev.sinkscope.render;

import java.util.Objects;

/**
 * Three components per patch, row-major and interleaved ({@code r, g, b} of patch (row, col) at
 * {@code 3 * (row * cols + col)}), typically the first three principal components of patch
 * features. Components may have any range; {@link #normalizedPerChannel()} maps each to [0, 1].
 */
public record RgbGrid(int rows, int cols, float[] rgb) {

  public RgbGrid {
    if (rows <= 0 || cols <= 0) {
      throw new IllegalArgumentException("grid size must be positive: " + rows + "x" + cols);
    }
    Objects.requireNonNull(rgb, "rgb");
    if (rgb.length != Math.multiplyExact(3, Math.multiplyExact(rows, cols))) {
      throw new IllegalArgumentException(
          "rgb has " + rgb.length + " values, expected 3 x " + rows + "x" + cols);
    }
  }

  /**
   * Min-max normalises each channel independently, as is usual for PCA-RGB pictures: the components
   * have unrelated scales, and a shared scale would leave two channels nearly flat. A constant
   * channel becomes 0.5; NaN stays NaN.
   */
  public RgbGrid normalizedPerChannel() {
    float[] out = new float[rgb.length];
    for (int channel = 0; channel < 3; channel++) {
      float lo = Float.POSITIVE_INFINITY;
      float hi = Float.NEGATIVE_INFINITY;
      for (int i = channel; i < rgb.length; i += 3) {
        float v = rgb[i];
        if (Float.isFinite(v)) {
          lo = Math.min(lo, v);
          hi = Math.max(hi, v);
        }
      }
      float range = hi - lo;
      for (int i = channel; i < rgb.length; i += 3) {
        float v = rgb[i];
        if (!Float.isFinite(v)) {
          out[i] = Float.NaN;
        } else {
          out[i] = range > 0 ? (v - lo) / range : 0.5f;
        }
      }
    }
    return new RgbGrid(rows, cols, out);
  }

  /** Packed opaque colour of one patch, components clamped to [0, 1]; NaN gives transparent. */
  int argbOf(int patch) {
    float r = rgb[3 * patch];
    float g = rgb[3 * patch + 1];
    float b = rgb[3 * patch + 2];
    if (Float.isNaN(r) || Float.isNaN(g) || Float.isNaN(b)) {
      return 0;
    }
    return 0xFF000000 | (toByte(r) << 16) | (toByte(g) << 8) | toByte(b);
  }

  private static int toByte(float v) {
    return Math.round(Math.max(0f, Math.min(1f, v)) * 255f);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof RgbGrid g
        && g.rows == rows
        && g.cols == cols
        && java.util.Arrays.equals(g.rgb, rgb);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * rows + cols) + java.util.Arrays.hashCode(rgb);
  }

  @Override
  public String toString() {
    return "RgbGrid[" + rows + "x" + cols + "]";
  }
}
