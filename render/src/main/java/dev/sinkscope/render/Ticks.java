package dev.sinkscope.render;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Axis and colorbar tick positions at "nice" values (1, 2 or 5 times a power of ten; decades on log
 * scales) and their labels, shared by legends and charts so both read the same way.
 */
public final class Ticks {

  private static final double[] NICE_MULTIPLES = {1, 2, 5, 10};

  private Ticks() {}

  /** Ticks of the scale's kind that lie inside [lo, hi], at most {@code maxTicks} of them. */
  public static List<Double> forScale(Scale scale, int maxTicks) {
    return scale.kind() == Scale.Kind.LOG
        ? log(scale.lo(), scale.hi(), maxTicks)
        : linear(scale.lo(), scale.hi(), maxTicks);
  }

  /**
   * Multiples of the smallest nice step that keeps at most {@code maxTicks} ticks in [lo, hi]. A
   * degenerate range gives the single value.
   */
  public static List<Double> linear(double lo, double hi, int maxTicks) {
    checkRange(lo, hi, maxTicks);
    if (lo == hi) {
      return List.of(lo);
    }
    return multiples(lo, hi, linearStep(lo, hi, maxTicks));
  }

  /** All multiples of {@code step} in [lo, hi], cleaned of binary noise. */
  static List<Double> multiples(double lo, double hi, double step) {
    List<Double> ticks = new ArrayList<>();
    for (long k = (long) Math.ceil(lo / step - 1e-9);
        k <= (long) Math.floor(hi / step + 1e-9);
        k++) {
      ticks.add(clean(k * step));
    }
    return ticks;
  }

  /** The spacing {@link #linear} uses, so labels can be formatted with matching decimals. */
  public static double linearStep(double lo, double hi, int maxTicks) {
    checkRange(lo, hi, maxTicks);
    if (lo == hi) {
      return 0;
    }
    double range = hi - lo;
    double magnitude = Math.pow(10, Math.floor(Math.log10(range / Math.max(1, maxTicks - 1))));
    while (true) {
      for (double multiple : NICE_MULTIPLES) {
        double step = multiple * magnitude;
        long first = (long) Math.ceil(lo / step - 1e-9);
        long last = (long) Math.floor(hi / step + 1e-9);
        if (last - first + 1 <= maxTicks) {
          return step;
        }
      }
      magnitude *= 10;
    }
  }

  /**
   * Powers of ten in [lo, hi] (every n-th decade when there are too many). Less than two decades in
   * range adds 2x and 5x multiples, and failing that falls back to linear ticks.
   */
  public static List<Double> log(double lo, double hi, int maxTicks) {
    checkRange(lo, hi, maxTicks);
    if (lo <= 0) {
      throw new IllegalArgumentException("log ticks need lo > 0, got " + lo);
    }
    if (lo == hi) {
      return List.of(lo);
    }
    int firstDecade = (int) Math.ceil(Math.log10(lo) - 1e-9);
    int lastDecade = (int) Math.floor(Math.log10(hi) + 1e-9);
    int decades = lastDecade - firstDecade + 1;
    List<Double> ticks = new ArrayList<>();
    if (decades >= 2) {
      int every = (decades + maxTicks - 1) / maxTicks;
      for (int d = firstDecade; d <= lastDecade; d += every) {
        ticks.add(decade(d));
      }
      return ticks;
    }
    for (int d = firstDecade - 1; d <= lastDecade; d++) {
      for (double multiple : new double[] {1, 2, 5}) {
        double v = multiple * decade(d);
        if (v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9)) {
          ticks.add(v);
        }
      }
    }
    return ticks.size() >= 2 && ticks.size() <= maxTicks ? ticks : linear(lo, hi, maxTicks);
  }

  /** Labels for a list of ticks with just enough decimals to tell neighbours apart. */
  public static List<String> labels(List<Double> ticks, Scale.Kind kind) {
    List<String> labels = new ArrayList<>(ticks.size());
    if (kind == Scale.Kind.LOG || ticks.size() < 2) {
      for (double t : ticks) {
        labels.add(compact(t));
      }
      return labels;
    }
    double step = Math.abs(ticks.get(1) - ticks.get(0));
    for (double t : ticks) {
      labels.add(format(t, step));
    }
    return labels;
  }

  /**
   * A tick value formatted for a given tick spacing: plain decimals for ordinary magnitudes, {@code
   * 2e-05}-style scientific notation for very small or large ones.
   */
  public static String format(double value, double step) {
    if (Math.abs(value) < step * 1e-6) {
      value = 0; // also avoids "-0.0"
    }
    double magnitude = Math.abs(value);
    if (magnitude >= 1e6 || step < 1e-3) {
      return value == 0 ? "0" : scientific(value);
    }
    int decimals = step <= 0 ? 3 : Math.max(0, (int) Math.ceil(-Math.log10(step) - 1e-9));
    return String.format(Locale.ROOT, "%." + decimals + "f", value);
  }

  /** A number in at most three significant digits, for legends and titles. */
  public static String compact(double value) {
    if (Double.isNaN(value) || Double.isInfinite(value)) {
      return Double.toString(value);
    }
    if (value == 0) {
      return "0";
    }
    double magnitude = Math.abs(value);
    if (magnitude >= 1e6 || magnitude < 1e-3) {
      return scientific(value);
    }
    return new BigDecimal(value).round(new MathContext(3)).stripTrailingZeros().toPlainString();
  }

  private static String scientific(double value) {
    String text = String.format(Locale.ROOT, "%.2e", value);
    int e = text.indexOf('e');
    String mantissa = text.substring(0, e).replaceAll("\\.?0+$", "");
    int exponent = Integer.parseInt(text.substring(e + 1));
    return mantissa + "e" + exponent;
  }

  private static double decade(int exponent) {
    return Double.parseDouble("1e" + exponent);
  }

  // k * step carries binary noise (0.30000000000000004); 12 significant digits remove it while
  // keeping every digit a tick label can show.
  private static double clean(double value) {
    return value == 0 ? 0 : new BigDecimal(value).round(new MathContext(12)).doubleValue();
  }

  private static void checkRange(double lo, double hi, int maxTicks) {
    if (!Double.isFinite(lo) || !Double.isFinite(hi) || lo > hi) {
      throw new IllegalArgumentException("need finite lo <= hi, got " + lo + ", " + hi);
    }
    if (maxTicks < 2) {
      throw new IllegalArgumentException("maxTicks must be at least 2, got " + maxTicks);
    }
  }
}
