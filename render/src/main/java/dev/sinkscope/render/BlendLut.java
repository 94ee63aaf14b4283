package dev.sinkscope.render;

/**
 * A colormap expanded for one draw call: straight colours, effective alpha (colour alpha times
 * layer opacity, in 0..256) and alpha-premultiplied channels, so the per-pixel blend is three
 * multiply-adds and a shift. Entries after the table hold under, over and bad.
 */
final class BlendLut {

  final int size;
  final int underIndex;
  final int overIndex;
  final int badIndex;
  final int[] alpha;
  final int[] inverseAlpha;
  final int[] red;
  final int[] green;
  final int[] blue;

  /**
   * Red and blue premultiplied and packed as 0x00RR??BB-style 16-bit lanes, for two-lane blending.
   */
  final int[] redBluePremultiplied;

  final int[] greenPremultiplied;

  private BlendLut(int[] colors, int size, double opacity) {
    this.size = size;
    this.underIndex = size;
    this.overIndex = size + 1;
    this.badIndex = size + 2;
    alpha = new int[colors.length];
    inverseAlpha = new int[colors.length];
    red = new int[colors.length];
    green = new int[colors.length];
    blue = new int[colors.length];
    redBluePremultiplied = new int[colors.length];
    greenPremultiplied = new int[colors.length];
    for (int i = 0; i < colors.length; i++) {
      int c = colors[i];
      int a = (int) Math.round((c >>> 24) / 255.0 * opacity * 256.0);
      alpha[i] = a;
      inverseAlpha[i] = 256 - a;
      red[i] = ((c >> 16) & 0xFF) * a;
      green[i] = ((c >> 8) & 0xFF) * a;
      blue[i] = (c & 0xFF) * a;
      redBluePremultiplied[i] = (red[i] << 16) | blue[i];
      greenPremultiplied[i] = green[i] << 8;
    }
  }

  static BlendLut of(Colormap colormap, double opacity) {
    checkOpacity(opacity);
    int n = colormap.size();
    int[] colors = new int[n + 3];
    System.arraycopy(colormap.lut(), 0, colors, 0, n);
    colors[n] = colormap.underArgb();
    colors[n + 1] = colormap.overArgb();
    colors[n + 2] = colormap.badArgb();
    return new BlendLut(colors, n, opacity);
  }

  /** One entry per colour, for per-patch colours such as PCA-RGB. */
  static BlendLut ofColors(int[] colors, double opacity) {
    checkOpacity(opacity);
    int[] withSpecials = new int[colors.length + 3];
    System.arraycopy(colors, 0, withSpecials, 0, colors.length);
    return new BlendLut(withSpecials, colors.length, opacity);
  }

  static void checkOpacity(double opacity) {
    if (!(opacity >= 0 && opacity <= 1)) {
      throw new IllegalArgumentException("opacity must be in [0, 1], got " + opacity);
    }
  }

  /** Table index for a normalised value, with matplotlib's binning. */
  int indexOf(float t) {
    if (t >= 0f && t <= 1f) {
      return Math.min(size - 1, (int) (t * size));
    }
    if (t < 0f) {
      return underIndex;
    }
    return t > 1f ? overIndex : badIndex;
  }

  /** Blends entry k over a destination pixel. */
  int blendOver(int destination, int k) {
    int a = alpha[k];
    if (a == 0) {
      return destination;
    }
    if ((destination >>> 24) == 0xFF) {
      // Red and blue share one multiply: each lane stays below 255 * 256, so no carry
      // crosses into the other.
      int inv = inverseAlpha[k];
      int redBlue = (destination & 0x00FF00FF) * inv + redBluePremultiplied[k];
      int green = (destination & 0x0000FF00) * inv + greenPremultiplied[k];
      return 0xFF000000 | ((redBlue >>> 8) & 0x00FF00FF) | ((green >>> 8) & 0x0000FF00);
    }
    return Pixels.over(destination, red[k] / a, green[k] / a, blue[k] / a, a);
  }
}
