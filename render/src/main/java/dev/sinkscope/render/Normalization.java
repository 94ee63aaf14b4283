package dev.sinkscope.render;

import java.util.Arrays;

/**
 * How a {@link Scale} is chosen from data. Resolving over several grids at once gives the one scale
 * a comparison shares. NaN and infinite values are ignored when choosing a range.
 */
public sealed interface Normalization {

  /** Resolves the scale over the finite values of all grids together. */
  Scale resolve(ScalarGrid... grids);

  /** Lowest to highest finite value. No finite value at all gives [0, 1]. */
  record MinMax() implements Normalization {
    @Override
    public Scale resolve(ScalarGrid... grids) {
      double lo = Double.POSITIVE_INFINITY;
      double hi = Double.NEGATIVE_INFINITY;
      for (ScalarGrid grid : grids) {
        for (float v : grid.values()) {
          if (Float.isFinite(v)) {
            lo = Math.min(lo, v);
            hi = Math.max(hi, v);
          }
        }
      }
      String method = "min-max" + over(grids);
      return lo <= hi
          ? new Scale(lo, hi, Scale.Kind.LINEAR, method)
          : new Scale(0, 1, Scale.Kind.LINEAR, method + ", no finite values");
    }
  }

  /**
   * Clips to percentiles so a few extreme artifact tokens do not flatten everything else; values
   * beyond are drawn in the under/over colours. Percentiles interpolate linearly between order
   * statistics (numpy's default).
   */
  record Percentile(double low, double high) implements Normalization {
    public Percentile {
      if (!(low >= 0 && low < high && high <= 100)) {
        throw new IllegalArgumentException("need 0 <= low < high <= 100, got " + low + ", " + high);
      }
    }

    @Override
    public Scale resolve(ScalarGrid... grids) {
      double[] sorted = finiteSorted(grids);
      String method = "percentile " + Ticks.compact(low) + "-" + Ticks.compact(high) + over(grids);
      if (sorted.length == 0) {
        return new Scale(0, 1, Scale.Kind.LINEAR, method + ", no finite values");
      }
      return new Scale(
          percentile(sorted, low), percentile(sorted, high), Scale.Kind.LINEAR, method);
    }

    static double percentile(double[] sorted, double percent) {
      double position = percent / 100.0 * (sorted.length - 1);
      int below = (int) Math.floor(position);
      int above = Math.min(sorted.length - 1, below + 1);
      double fraction = position - below;
      return sorted[below] + fraction * (sorted[above] - sorted[below]);
    }
  }

  /** A range given by the user, independent of the data; e.g. attention probabilities in [0, 1]. */
  record Fixed(double lo, double hi) implements Normalization {
    public Fixed {
      if (!Double.isFinite(lo) || !Double.isFinite(hi) || lo > hi) {
        throw new IllegalArgumentException("need finite lo <= hi, got " + lo + ", " + hi);
      }
    }

    @Override
    public Scale resolve(ScalarGrid... grids) {
      return new Scale(lo, hi, Scale.Kind.LINEAR, "fixed");
    }
  }

  /**
   * Logarithmic, between the smallest positive and the largest finite value: attention spans orders
   * of magnitude and a sink would otherwise take the whole colour range. Values at or below zero
   * cannot be placed on a log axis and are drawn in the bad colour.
   */
  record Log() implements Normalization {
    @Override
    public Scale resolve(ScalarGrid... grids) {
      double lo = Double.POSITIVE_INFINITY;
      double hi = Double.NEGATIVE_INFINITY;
      for (ScalarGrid grid : grids) {
        for (float v : grid.values()) {
          if (Float.isFinite(v) && v > 0) {
            lo = Math.min(lo, v);
            hi = Math.max(hi, v);
          }
        }
      }
      String method = "log min-max" + over(grids);
      return lo <= hi
          ? new Scale(lo, hi, Scale.Kind.LOG, method)
          : new Scale(1, 1, Scale.Kind.LOG, method + ", no positive values");
    }
  }

  /**
   * Symmetric around zero, [-m, m] with m the largest finite magnitude: for differences, so zero
   * lands on a diverging map's neutral middle. All-zero data gives [-1, 1].
   */
  record SymmetricAroundZero() implements Normalization {
    @Override
    public Scale resolve(ScalarGrid... grids) {
      double magnitude = 0;
      for (ScalarGrid grid : grids) {
        for (float v : grid.values()) {
          if (Float.isFinite(v)) {
            magnitude = Math.max(magnitude, Math.abs(v));
          }
        }
      }
      String method = "symmetric max|x|" + over(grids);
      return magnitude > 0
          ? new Scale(-magnitude, magnitude, Scale.Kind.LINEAR, method)
          : new Scale(-1, 1, Scale.Kind.LINEAR, method + ", all zero");
    }
  }

  private static String over(ScalarGrid... grids) {
    if (grids.length == 0) {
      throw new IllegalArgumentException("need at least one grid to resolve a scale");
    }
    return grids.length == 1 ? "" : ", shared by " + grids.length + " grids";
  }

  private static double[] finiteSorted(ScalarGrid... grids) {
    int count = 0;
    for (ScalarGrid grid : grids) {
      for (float v : grid.values()) {
        if (Float.isFinite(v)) {
          count++;
        }
      }
    }
    double[] values = new double[count];
    int i = 0;
    for (ScalarGrid grid : grids) {
      for (float v : grid.values()) {
        if (Float.isFinite(v)) {
          values[i++] = v;
        }
      }
    }
    Arrays.sort(values);
    return values;
  }
}
