package dev.sinkscope.inference.preprocess;

/**
 * A port of Pillow's {@code Image.resize} for 8-bit images (libImaging/Resample.c), which
 * reproduces its output bit for bit for the separable filters: one pass per dimension whose size
 * changes, horizontal first, each pass rounding and clamping to uint8, weights in 22-bit fixed
 * point, and the kernel support widened by the scale when shrinking (antialiasing).
 *
 * <p>NEAREST takes source pixel {@code floor((i + 0.5) * scale)}; Pillow evaluates that mapping in
 * 16.16 fixed point, which can pick the neighbouring pixel in rare cases.
 */
public final class PillowResampler {

  /** Fixed-point fraction bits: 32 bits minus 8 for the pixel value, minus 2 for headroom. */
  private static final int PRECISION_BITS = 32 - 8 - 2;

  private PillowResampler() {}

  /** {@code image} resized to {@code outWidth x outHeight} with {@code filter}. */
  public static RgbImage resize(
      RgbImage image, int outWidth, int outHeight, ResampleFilter filter) {
    if (outWidth <= 0 || outHeight <= 0) {
      throw new IllegalArgumentException(
          "target size must be positive, got " + outWidth + " x " + outHeight);
    }
    if (filter == ResampleFilter.NEAREST) {
      return nearest(image, outWidth, outHeight);
    }
    RgbImage current = image;
    if (outWidth != image.width()) {
      current = horizontalPass(current, outWidth, Kernel.of(image.width(), outWidth, filter));
    }
    if (outHeight != image.height()) {
      current = verticalPass(current, outHeight, Kernel.of(image.height(), outHeight, filter));
    }
    return current;
  }

  /** Per-output-pixel source range and fixed-point weights of one pass. */
  record Kernel(int[] first, int[] count, int[] weights, int stride) {

    static Kernel of(int inSize, int outSize, ResampleFilter filter) {
      double scale = (double) inSize / outSize;
      double filterScale = Math.max(scale, 1.0);
      double support = filter.support() * filterScale;
      int stride = (int) Math.ceil(support) * 2 + 1;
      int[] first = new int[outSize];
      int[] count = new int[outSize];
      int[] weights = new int[outSize * stride];
      double[] w = new double[stride];
      double invFilterScale = 1.0 / filterScale;
      for (int i = 0; i < outSize; i++) {
        double center = (i + 0.5) * scale;
        // (int) truncates toward zero, as the C casts do.
        int lo = Math.max((int) (center - support + 0.5), 0);
        int hi = Math.min((int) (center + support + 0.5), inSize);
        int n = hi - lo;
        double sum = 0.0;
        for (int j = 0; j < n; j++) {
          w[j] = filter.weight((j + lo - center + 0.5) * invFilterScale);
          sum += w[j];
        }
        for (int j = 0; j < n; j++) {
          double normalised = sum != 0.0 ? w[j] / sum : w[j];
          double fixed = normalised * (1 << PRECISION_BITS);
          weights[i * stride + j] = (int) (normalised < 0 ? fixed - 0.5 : fixed + 0.5);
        }
        first[i] = lo;
        count[i] = n;
      }
      return new Kernel(first, count, weights, stride);
    }
  }

  private static RgbImage horizontalPass(RgbImage image, int outWidth, Kernel k) {
    int inWidth = image.width();
    int height = image.height();
    byte[] in = image.bytes();
    byte[] out = new byte[outWidth * height * 3];
    for (int y = 0; y < height; y++) {
      int inRow = y * inWidth * 3;
      int outRow = y * outWidth * 3;
      for (int x = 0; x < outWidth; x++) {
        int base = x * k.stride();
        int lo = k.first()[x];
        int n = k.count()[x];
        int r = 1 << (PRECISION_BITS - 1);
        int g = r;
        int b = r;
        for (int j = 0; j < n; j++) {
          int weight = k.weights()[base + j];
          int p = inRow + (lo + j) * 3;
          r += (in[p] & 0xFF) * weight;
          g += (in[p + 1] & 0xFF) * weight;
          b += (in[p + 2] & 0xFF) * weight;
        }
        int o = outRow + x * 3;
        out[o] = clip8(r);
        out[o + 1] = clip8(g);
        out[o + 2] = clip8(b);
      }
    }
    return RgbImage.wrap(outWidth, height, out);
  }

  private static RgbImage verticalPass(RgbImage image, int outHeight, Kernel k) {
    int width = image.width();
    int rowBytes = width * 3;
    byte[] in = image.bytes();
    byte[] out = new byte[outHeight * rowBytes];
    int[] acc = new int[rowBytes];
    for (int y = 0; y < outHeight; y++) {
      java.util.Arrays.fill(acc, 1 << (PRECISION_BITS - 1));
      int base = y * k.stride();
      int lo = k.first()[y];
      int n = k.count()[y];
      for (int j = 0; j < n; j++) {
        int weight = k.weights()[base + j];
        int row = (lo + j) * rowBytes;
        for (int i = 0; i < rowBytes; i++) {
          acc[i] += (in[row + i] & 0xFF) * weight;
        }
      }
      int outRow = y * rowBytes;
      for (int i = 0; i < rowBytes; i++) {
        out[outRow + i] = clip8(acc[i]);
      }
    }
    return RgbImage.wrap(width, outHeight, out);
  }

  private static byte clip8(int sum) {
    if (sum >= 1 << PRECISION_BITS << 8) {
      return (byte) 255;
    }
    if (sum <= 0) {
      return 0;
    }
    return (byte) (sum >> PRECISION_BITS);
  }

  private static RgbImage nearest(RgbImage image, int outWidth, int outHeight) {
    int inWidth = image.width();
    int[] sx = nearestIndex(inWidth, outWidth);
    int[] sy = nearestIndex(image.height(), outHeight);
    byte[] in = image.bytes();
    byte[] out = new byte[outWidth * outHeight * 3];
    for (int y = 0; y < outHeight; y++) {
      for (int x = 0; x < outWidth; x++) {
        System.arraycopy(in, (sy[y] * inWidth + sx[x]) * 3, out, (y * outWidth + x) * 3, 3);
      }
    }
    return RgbImage.wrap(outWidth, outHeight, out);
  }

  private static int[] nearestIndex(int inSize, int outSize) {
    double scale = (double) inSize / outSize;
    int[] index = new int[outSize];
    for (int i = 0; i < outSize; i++) {
      index[i] = Math.min((int) Math.floor((i + 0.5) * scale), inSize - 1);
    }
    return index;
  }
}
