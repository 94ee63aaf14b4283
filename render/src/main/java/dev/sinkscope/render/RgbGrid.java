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

  /**
   * Each channel stretched over a robust range.
   *
   * @param grid the stretched grid, every component clamped to [0, 1]
   * @param lo per channel, the value mapped to 0 (its {@code lowPercentile})
   * @param hi per channel, the value mapped to 1 (its {@code highPercentile})
   * @param clipped per channel, the share of counted patches outside {@code [lo, hi]}
   */
  public record Stretch(RgbGrid grid, float[] lo, float[] hi, double[] clipped) {}

  /**
   * Stretches each channel so its {@code lowPercentile}–{@code highPercentile} range (linear
   * interpolation between order statistics, over the finite values of the counted patches) spans
   * [0, 1]; values beyond are clamped. A few outlier patches (high-norm artifacts) then no longer
   * squeeze every other patch into a sliver of the range. A channel whose window is empty keeps its
   * min-max range; a constant channel becomes 0.5. NaN stays NaN.
   *
   * @param counted patches the percentiles are taken over, or null for all (e.g. leave out a zeroed
   *     background)
   */
  public Stretch stretchedPerChannel(
      double lowPercentile, double highPercentile, boolean[] counted) {
    if (!(lowPercentile >= 0 && lowPercentile < highPercentile && highPercentile <= 100)) {
      throw new IllegalArgumentException(
          "percentiles must satisfy 0 <= low < high <= 100, got "
              + lowPercentile
              + " and "
              + highPercentile);
    }
    int patches = rows * cols;
    if (counted != null && counted.length != patches) {
      throw new IllegalArgumentException(
          "counted has " + counted.length + " entries for " + patches + " patches");
    }
    float[] out = new float[rgb.length];
    float[] lo = new float[3];
    float[] hi = new float[3];
    double[] clipped = new double[3];
    for (int channel = 0; channel < 3; channel++) {
      float[] values = new float[patches];
      int n = 0;
      for (int p = 0; p < patches; p++) {
        float v = rgb[3 * p + channel];
        if ((counted == null || counted[p]) && Float.isFinite(v)) {
          values[n++] = v;
        }
      }
      float[] sorted = java.util.Arrays.copyOf(values, n);
      java.util.Arrays.sort(sorted);
      float a = n == 0 ? 0f : percentile(sorted, lowPercentile);
      float b = n == 0 ? 1f : percentile(sorted, highPercentile);
      if (!(b > a) && n > 0) {
        a = sorted[0];
        b = sorted[n - 1];
      }
      lo[channel] = a;
      hi[channel] = b;
      int outside = 0;
      for (int i = 0; i < n; i++) {
        if (sorted[i] < a || sorted[i] > b) {
          outside++;
        }
      }
      clipped[channel] = n == 0 ? 0 : (double) outside / n;
      float range = b - a;
      for (int p = 0; p < patches; p++) {
        float v = rgb[3 * p + channel];
        out[3 * p + channel] =
            !Float.isFinite(v)
                ? Float.NaN
                : range > 0 ? Math.max(0f, Math.min(1f, (v - a) / range)) : 0.5f;
      }
    }
    return new Stretch(new RgbGrid(rows, cols, out), lo, hi, clipped);
  }

  /** The {@code q}-th percentile of ascending {@code sorted} (non-empty), as numpy's default. */
  private static float percentile(float[] sorted, double q) {
    double position = q / 100.0 * (sorted.length - 1);
    int below = (int) Math.floor(position);
    int above = Math.min(sorted.length - 1, below + 1);
    double t = position - below;
    return (float) (sorted[below] + t * (sorted[above] - sorted[below]));
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
