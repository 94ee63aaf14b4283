package dev.sinkscope.inference.engine;

/**
 * Separable resampling matrices equal to PyTorch's {@code F.interpolate(mode="bicubic",
 * align_corners=False, size=...)}, with and without {@code antialias}. DJL's interpolation op
 * always gives the antialiased numbers, and the reference implementations need both, so the
 * position table is resized with two small matmuls: {@code out = Wh · grid · Wwᵀ}.
 */
public final class PositionResampler {
  private PositionResampler() {}

  /** Keys' cubic convolution kernel with parameter {@code a}. */
  static double cubic(double x, double a) {
    double t = Math.abs(x);
    if (t <= 1) {
      return ((a + 2) * t - (a + 3)) * t * t + 1;
    }
    if (t < 2) {
      return ((a * t - 5 * a) * t + 8 * a) * t - 4 * a;
    }
    return 0;
  }

  /**
   * Row-major {@code [out, in]} weights of torch's {@code upsample_bicubic2d} (A = -0.75,
   * align_corners=False, border indices clamped).
   */
  public static float[] bicubicWeights(int in, int out) {
    double scale = (double) in / out;
    float[] w = new float[out * in];
    for (int o = 0; o < out; o++) {
      double src = (o + 0.5) * scale - 0.5;
      int floor = (int) Math.floor(src);
      double t = src - floor;
      for (int k = -1; k <= 2; k++) {
        int idx = Math.min(Math.max(floor + k, 0), in - 1);
        w[o * in + idx] += (float) cubic(t - k, -0.75);
      }
    }
    return w;
  }

  /**
   * Row-major {@code [out, in]} weights of torch's antialiased bicubic ({@code antialias=True}): A
   * = -0.5, support widened by the scale when shrinking, weights normalised per output.
   */
  public static float[] antialiasedBicubicWeights(int in, int out) {
    double scale = (double) in / out;
    double support = scale >= 1 ? 2 * scale : 2;
    double invScale = scale >= 1 ? 1 / scale : 1;
    float[] w = new float[out * in];
    double[] tmp = new double[in];
    for (int o = 0; o < out; o++) {
      double center = scale * (o + 0.5);
      int xmin = Math.max((int) (center - support + 0.5), 0);
      int xmax = Math.min((int) (center + support + 0.5), in);
      double total = 0;
      for (int j = xmin; j < xmax; j++) {
        tmp[j] = cubic((j - center + 0.5) * invScale, -0.5);
        total += tmp[j];
      }
      for (int j = xmin; j < xmax; j++) {
        w[o * in + j] = (float) (total != 0 ? tmp[j] / total : 0);
      }
    }
    return w;
  }
}
