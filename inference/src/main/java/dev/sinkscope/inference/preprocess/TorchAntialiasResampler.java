package dev.sinkscope.inference.preprocess;

/**
 * torch's antialiased bilinear resize on float images ({@code F.interpolate(mode="bilinear",
 * align_corners=False, antialias=True)}, CPU kernel {@code _upsample_bilinear2d_aa}), which
 * transformers' torchvision-backed processors (DINOv3) apply after rescaling: separable, a width
 * pass then a height pass, Pillow's BILINEAR coefficients computed in float32 as torch's kernel
 * does, with no rounding or clamping between or after the passes.
 */
public final class TorchAntialiasResampler {
  private TorchAntialiasResampler() {}

  /**
   * Resizes {@code planes} {@code [C, height, width]} (row-major) to {@code [C, outHeight,
   * outWidth]}.
   */
  public static float[] resize(
      float[] planes, int channels, int width, int height, int outWidth, int outHeight) {
    if (planes.length != channels * width * height) {
      throw new IllegalArgumentException(
          "expected " + channels + " x " + height + " x " + width + " values");
    }
    if (outWidth <= 0 || outHeight <= 0) {
      throw new IllegalArgumentException(
          "output size must be positive, got " + outWidth + " x " + outHeight);
    }
    Taps horizontal = taps(width, outWidth);
    float[] wide = new float[channels * height * outWidth];
    for (int c = 0; c < channels; c++) {
      for (int y = 0; y < height; y++) {
        int in = (c * height + y) * width;
        int out = (c * height + y) * outWidth;
        for (int x = 0; x < outWidth; x++) {
          wide[out + x] = horizontal.apply(planes, in, 1, x);
        }
      }
    }
    Taps vertical = taps(height, outHeight);
    float[] result = new float[channels * outHeight * outWidth];
    for (int c = 0; c < channels; c++) {
      int in = c * height * outWidth;
      int out = c * outHeight * outWidth;
      for (int y = 0; y < outHeight; y++) {
        for (int x = 0; x < outWidth; x++) {
          result[out + y * outWidth + x] = vertical.apply(wide, in + x, outWidth, y);
        }
      }
    }
    return result;
  }

  /** Per output index: first input index, tap count and normalised float32 weights. */
  private record Taps(int[] first, int[] count, float[][] weights) {
    float apply(float[] source, int offset, int stride, int i) {
      float[] w = weights[i];
      int base = offset + first[i] * stride;
      float sum = source[base] * w[0];
      for (int j = 1; j < count[i]; j++) {
        sum += source[base + j * stride] * w[j];
      }
      return sum;
    }
  }

  /** torch's {@code _compute_indices_min_size_weights_aa} for the bilinear filter, in float32. */
  private static Taps taps(int inSize, int outSize) {
    float scale = (float) inSize / outSize;
    float support = scale >= 1f ? scale : 1f;
    float invScale = scale >= 1f ? (float) (1.0 / scale) : 1f;
    int[] first = new int[outSize];
    int[] count = new int[outSize];
    float[][] weights = new float[outSize][];
    for (int i = 0; i < outSize; i++) {
      float center = (float) (scale * (i + 0.5));
      int lo = Math.max((int) ((double) (center - support) + 0.5), 0);
      int hi = Math.min((int) ((double) (center + support) + 0.5), inSize);
      int n = Math.max(hi - lo, 1);
      float[] w = new float[n];
      float total = 0f;
      for (int j = 0; j < hi - lo; j++) {
        float x = (float) (((double) ((float) (j + lo) - center) + 0.5) * invScale);
        float ax = Math.abs(x);
        w[j] = ax < 1f ? 1f - ax : 0f;
        total += w[j];
      }
      if (total != 0f) {
        for (int j = 0; j < w.length; j++) {
          w[j] /= total;
        }
      }
      first[i] = Math.min(lo, inSize - 1);
      count[i] = n;
      weights[i] = w;
    }
    return new Taps(first, count, weights);
  }
}
