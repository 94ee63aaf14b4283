package dev.sinkscope.render;

import java.util.Arrays;
import java.util.Objects;

/**
 * A colormap as data: a lookup table of packed ARGB colours plus explicit colours for NaN ("bad"),
 * below-range ("under") and above-range ("over") values.
 *
 * <p>A normalised value {@code t} in [0, 1] picks entry {@code min(n - 1, floor(t * n))}, the same
 * binning matplotlib uses, so a picture here matches one made there from the same numbers. Under
 * and over default to the end colours and bad to transparent, also as in matplotlib; set them
 * explicitly to make clipping visible.
 */
public record Colormap(
    String name, Kind kind, int[] lut, int badArgb, int underArgb, int overArgb) {

  /** What the colour order means, so callers can pick a fitting scale. */
  public enum Kind {
    /** Low to high; for magnitudes such as norms or attention. */
    SEQUENTIAL,
    /** Centred on a neutral middle colour; for signed differences with a symmetric scale. */
    DIVERGING
  }

  public Colormap {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(lut, "lut");
    if (lut.length < 2) {
      throw new IllegalArgumentException("a colormap needs at least 2 entries, got " + lut.length);
    }
    lut = lut.clone(); // shared constants such as Colormaps.VIRIDIS must stay immutable
  }

  /** A copy of the lookup table. */
  @Override
  public int[] lut() {
    return lut.clone();
  }

  /**
   * Builds a colormap from rows of sRGB components in [0, 1], rounded to 8 bits (as matplotlib's
   * {@code to_hex} does).
   */
  public static Colormap fromRgb(String name, Kind kind, double[][] rgb) {
    int[] lut = new int[rgb.length];
    for (int i = 0; i < rgb.length; i++) {
      if (rgb[i].length != 3) {
        throw new IllegalArgumentException(
            "entry " + i + " of " + name + " is not an r,g,b triple");
      }
      lut[i] = opaque(rgb[i][0], rgb[i][1], rgb[i][2]);
    }
    return new Colormap(name, kind, lut, 0x00000000, lut[0], lut[lut.length - 1]);
  }

  static int opaque(double r, double g, double b) {
    return 0xFF000000 | (channel(r) << 16) | (channel(g) << 8) | channel(b);
  }

  private static int channel(double v) {
    if (!(v >= 0.0 && v <= 1.0)) {
      throw new IllegalArgumentException("colour component outside [0, 1]: " + v);
    }
    return (int) Math.round(v * 255.0);
  }

  public int size() {
    return lut.length;
  }

  /** The i-th lookup-table colour. */
  public int entry(int index) {
    return lut[index];
  }

  /** Colour of a normalised value: NaN is bad, below 0 is under, above 1 is over. */
  public int argb(double t) {
    if (t >= 0.0 && t <= 1.0) {
      return lut[Math.min(lut.length - 1, (int) (t * lut.length))];
    }
    if (t < 0.0) {
      return underArgb;
    }
    if (t > 1.0) {
      return overArgb;
    }
    return badArgb;
  }

  public Colormap withBad(int argb) {
    return new Colormap(name, kind, lut, argb, underArgb, overArgb);
  }

  public Colormap withUnder(int argb) {
    return new Colormap(name, kind, lut, badArgb, argb, overArgb);
  }

  public Colormap withOver(int argb) {
    return new Colormap(name, kind, lut, badArgb, underArgb, argb);
  }

  /** The same colours in reverse order, named with matplotlib's {@code _r} suffix. */
  public Colormap reversed() {
    int[] flipped = new int[lut.length];
    for (int i = 0; i < lut.length; i++) {
      flipped[i] = lut[lut.length - 1 - i];
    }
    String flippedName = name.endsWith("_r") ? name.substring(0, name.length() - 2) : name + "_r";
    return new Colormap(flippedName, kind, flipped, badArgb, overArgb, underArgb);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Colormap c
        && c.name.equals(name)
        && c.kind == kind
        && Arrays.equals(c.lut, lut)
        && c.badArgb == badArgb
        && c.underArgb == underArgb
        && c.overArgb == overArgb;
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, kind, Arrays.hashCode(lut), badArgb, underArgb, overArgb);
  }

  @Override
  public String toString() {
    return "Colormap[" + name + ", " + kind + ", " + lut.length + " entries]";
  }
}
