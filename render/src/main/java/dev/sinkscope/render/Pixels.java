package dev.sinkscope.render;

/** Packed-ARGB helpers for the int[] loops. */
final class Pixels {

  private Pixels() {}

  static int argb(int a, int r, int g, int b) {
    return (a << 24) | (r << 16) | (g << 8) | b;
  }

  /**
   * Non-premultiplied source-over of colour (r, g, b) with alpha a in 0..256 onto any destination,
   * including transparent ones (a standalone heatmap starts transparent).
   */
  static int over(int destination, int r, int g, int b, int a) {
    if (a <= 0) {
      return destination;
    }
    if (a >= 256) {
      return argb(0xFF, r, g, b);
    }
    int destinationAlpha = destination >>> 24;
    if (destinationAlpha == 0xFF) {
      int inv = 256 - a;
      return argb(
          0xFF,
          (((destination >> 16) & 0xFF) * inv + r * a) >> 8,
          (((destination >> 8) & 0xFF) * inv + g * a) >> 8,
          ((destination & 0xFF) * inv + b * a) >> 8);
    }
    double sa = a / 256.0;
    double da = destinationAlpha / 255.0;
    double outAlpha = sa + da * (1 - sa);
    double keep = da * (1 - sa);
    return argb(
        (int) Math.round(outAlpha * 255),
        (int) Math.round((r * sa + ((destination >> 16) & 0xFF) * keep) / outAlpha),
        (int) Math.round((g * sa + ((destination >> 8) & 0xFF) * keep) / outAlpha),
        (int) Math.round((b * sa + (destination & 0xFF) * keep) / outAlpha));
  }

  /** Source-over of a packed colour (its own alpha, times opacity) onto a destination. */
  static int over(int destination, int color, double opacity) {
    int a = (int) Math.round((color >>> 24) / 255.0 * opacity * 256.0);
    return over(destination, (color >> 16) & 0xFF, (color >> 8) & 0xFF, color & 0xFF, a);
  }

  /**
   * Multiplies the colour channels by factor256 / 256, keeping alpha; dims what the model did not
   * see.
   */
  static int scaleRgb(int argb, int factor256) {
    return (argb & 0xFF000000)
        | ((((argb >> 16) & 0xFF) * factor256) >> 8) << 16
        | ((((argb >> 8) & 0xFF) * factor256) >> 8) << 8
        | (((argb & 0xFF) * factor256) >> 8);
  }
}
