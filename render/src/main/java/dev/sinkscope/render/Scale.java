package dev.sinkscope.render;

import java.util.Objects;

/**
 * A resolved value range and mapping to [0, 1]: what a legend shows and what all panels of a
 * comparison share, so equal colours mean equal values across them.
 *
 * @param lo value drawn with the first colormap entry
 * @param hi value drawn with the last colormap entry
 * @param kind linear or logarithmic mapping between them
 * @param method how the range was chosen, in words, for legends and export metadata
 */
public record Scale(double lo, double hi, Kind kind, String method) {

  public enum Kind {
    LINEAR,
    LOG
  }

  public Scale {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(method, "method");
    if (!Double.isFinite(lo) || !Double.isFinite(hi) || lo > hi) {
      throw new IllegalArgumentException(
          "scale needs finite lo <= hi, got [" + lo + ", " + hi + "]");
    }
    if (kind == Kind.LOG && lo <= 0) {
      throw new IllegalArgumentException("log scale needs lo > 0, got " + lo);
    }
  }

  public static Scale linear(double lo, double hi) {
    return new Scale(lo, hi, Kind.LINEAR, "fixed");
  }

  public static Scale log(double lo, double hi) {
    return new Scale(lo, hi, Kind.LOG, "fixed log");
  }

  /** One min-max scale over all grids, for A/B panels that must share colours. */
  public static Scale shared(ScalarGrid... grids) {
    return new Normalization.MinMax().resolve(grids);
  }

  /** One scale over all grids, computed the given way. */
  public static Scale shared(Normalization normalization, ScalarGrid... grids) {
    return normalization.resolve(grids);
  }

  /** True when lo == hi, i.e. the data held a single value. */
  public boolean isDegenerate() {
    return lo == hi;
  }

  public boolean isSymmetric() {
    return lo == -hi && hi > 0;
  }

  /**
   * Maps a value to [0, 1] (outside for values beyond the range). NaN, and non-positive values on a
   * log scale, give NaN so they get the colormap's bad colour. A degenerate scale maps every valid
   * value to 0, as matplotlib does.
   */
  public double normalize(double value) {
    if (Double.isNaN(value)) {
      return Double.NaN;
    }
    if (kind == Kind.LOG) {
      if (value <= 0) {
        return Double.NaN;
      }
      return lo == hi ? 0.0 : (Math.log(value) - Math.log(lo)) / (Math.log(hi) - Math.log(lo));
    }
    return lo == hi ? 0.0 : (value - lo) / (hi - lo);
  }

  /** The value at normalised position t; the inverse of {@link #normalize} for legends. */
  public double valueAt(double t) {
    if (kind == Kind.LOG) {
      return Math.exp(Math.log(lo) + t * (Math.log(hi) - Math.log(lo)));
    }
    return lo + t * (hi - lo);
  }

  public Scale withMethod(String newMethod) {
    return new Scale(lo, hi, kind, newMethod);
  }

  /** Short text such as {@code "min-max [0.12, 3.4]"} for legends; log methods say "log". */
  public String describe() {
    return method + " [" + Ticks.compact(lo) + ", " + Ticks.compact(hi) + "]";
  }
}
