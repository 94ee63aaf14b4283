package dev.sinkscope.app.gui.canvas;

import java.util.Locale;

/** Number formatting shared by labels, tables and tooltips. */
public final class Format {
  private Format() {}

  /** About four significant digits, no exponent for ordinary magnitudes; "–" for NaN. */
  public static String number(double v) {
    return dev.sinkscope.app.report.StrongestSink.number(v);
  }

  /**
   * {@code v} with as many decimals as {@link #number} gives {@code reference}, e.g. a difference
   * of two values written like the values: 6.93e-08 beside 0.00389 is "0.0000".
   */
  public static String atPrecisionOf(double v, double reference) {
    if (!Double.isFinite(v) || !Double.isFinite(reference)) {
      return number(v);
    }
    double a = Math.abs(reference);
    if (a >= 1e5 || (a < 1e-3 && a > 0)) {
      return number(v);
    }
    int decimals = a >= 100 ? 1 : a >= 1 ? 3 : 4;
    return String.format(Locale.ROOT, "%." + decimals + "f", v);
  }

  /** A share as a percentage, e.g. "12.5 %". */
  public static String percent(double share) {
    return Double.isNaN(share) ? "–" : String.format(Locale.ROOT, "%.1f %%", 100 * share);
  }

  public static String millis(double ms) {
    return ms >= 1000
        ? String.format(Locale.ROOT, "%.2f s", ms / 1000)
        : String.format(Locale.ROOT, "%.0f ms", ms);
  }
}
