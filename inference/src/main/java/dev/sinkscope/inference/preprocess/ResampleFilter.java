package dev.sinkscope.inference.preprocess;

import java.util.Locale;

/**
 * Pillow's resampling filters, with the ids of {@code PIL.Image.Resampling} that {@code
 * preprocessor_config.json} stores in {@code resample} and the names timm's {@code interpolation}
 * uses.
 */
public enum ResampleFilter {
  NEAREST(0, "nearest", 0.0),
  LANCZOS(1, "lanczos", 3.0),
  BILINEAR(2, "bilinear", 1.0),
  BICUBIC(3, "bicubic", 2.0),
  BOX(4, "box", 0.5),
  HAMMING(5, "hamming", 1.0);

  private final int pilId;
  private final String timmName;
  private final double support;

  ResampleFilter(int pilId, String timmName, double support) {
    this.pilId = pilId;
    this.timmName = timmName;
    this.support = support;
  }

  public int pilId() {
    return pilId;
  }

  public String timmName() {
    return timmName;
  }

  /**
   * Half-width of the kernel at scale 1 (Pillow's {@code support}); 0 for NEAREST, which has none.
   */
  double support() {
    return support;
  }

  /** The filter with Pillow id {@code id} (0..5). */
  public static ResampleFilter fromPilId(int id) {
    for (ResampleFilter f : values()) {
      if (f.pilId == id) {
        return f;
      }
    }
    throw new IllegalArgumentException("unknown Pillow resample id " + id + " (expected 0..5)");
  }

  /** The filter a timm {@code interpolation} string names ("bicubic", "bilinear", ...). */
  public static ResampleFilter fromTimmName(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    for (ResampleFilter f : values()) {
      if (f.timmName.equals(n)) {
        return f;
      }
    }
    throw new IllegalArgumentException(
        "unknown interpolation '"
            + name
            + "' (expected nearest, bilinear, bicubic, lanczos, box or hamming)");
  }

  /**
   * Kernel value at distance {@code x}, evaluated in the same order as Pillow so weights match to
   * the bit.
   */
  double weight(double x) {
    switch (this) {
      case BOX:
        return x > -0.5 && x <= 0.5 ? 1.0 : 0.0;
      case BILINEAR:
        {
          double ax = Math.abs(x);
          return ax < 1.0 ? 1.0 - ax : 0.0;
        }
      case BICUBIC:
        {
          final double a = -0.5;
          double ax = Math.abs(x);
          if (ax < 1.0) {
            return ((a + 2.0) * ax - (a + 3.0)) * ax * ax + 1;
          }
          if (ax < 2.0) {
            return (((ax - 5) * ax + 8) * ax - 4) * a;
          }
          return 0.0;
        }
      case HAMMING:
        {
          double ax = Math.abs(x);
          if (ax == 0.0) {
            return 1.0;
          }
          if (ax >= 1.0) {
            return 0.0;
          }
          double px = ax * Math.PI;
          // Pillow writes the window constants as C floats.
          return Math.sin(px) / px * ((double) 0.54f + (double) 0.46f * Math.cos(px));
        }
      case LANCZOS:
        return -3.0 <= x && x < 3.0 ? sinc(x) * sinc(x / 3) : 0.0;
      default:
        throw new IllegalStateException(this + " has no separable kernel");
    }
  }

  private static double sinc(double x) {
    if (x == 0.0) {
      return 1.0;
    }
    double px = x * Math.PI;
    return Math.sin(px) / px;
  }
}
