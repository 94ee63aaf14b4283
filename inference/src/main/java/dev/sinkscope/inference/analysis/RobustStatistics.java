package dev.sinkscope.inference.analysis;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * Order statistics for the detectors: medians, MAD, average ranks, Spearman. Inputs are never
 * modified.
 */
public final class RobustStatistics {

  /** Iglewicz–Hoaglin constant: 0.6745 · (x − median) / MAD is a z-score for normal data. */
  public static final double MAD_TO_Z = 0.6745;

  private RobustStatistics() {}

  /** Median; the mean of the two middle values for an even count; NaN when empty. */
  public static double median(double[] values) {
    if (values.length == 0) {
      return Double.NaN;
    }
    double[] work = values.clone();
    int mid = work.length / 2;
    double upper = select(work, mid);
    if (work.length % 2 == 1) {
      return upper;
    }
    // select() leaves everything left of mid <= work[mid]
    double lower = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < mid; i++) {
      lower = Math.max(lower, work[i]);
    }
    return (lower + upper) / 2;
  }

  /**
   * Median of float data (e.g. all |x| of a [T, D] block output), computed without sorting or
   * copying: the same value as {@link #median(double[])} of the widened data. NaN when empty.
   */
  public static double median(float[] values) {
    int n = values.length;
    if (n == 0) {
      return Double.NaN;
    }
    int mid = n / 2;
    double upper = selectFloat(values, mid);
    if (n % 2 == 1) {
      return upper;
    }
    return (selectFloat(values, mid - 1) + upper) / 2;
  }

  /**
   * k-th smallest value (0-based) of {@code values}, which stay unmodified: a radix selection on
   * the float's order-preserving bit pattern, high 16 bits then low 16 bits, two linear passes and
   * no copy. -0.0 counts as smaller than 0.0 (they are equal as numbers). No NaN expected.
   */
  static float selectFloat(float[] values, int k) {
    if (k < 0 || k >= values.length) {
      throw new IllegalArgumentException("k = " + k + " of " + values.length);
    }
    int[] counts = new int[1 << 16];
    for (float v : values) {
      counts[orderedBits(v) >>> 16]++;
    }
    int high = 0;
    int below = 0;
    while (below + counts[high] <= k) {
      below += counts[high];
      high++;
    }
    java.util.Arrays.fill(counts, 0);
    for (float v : values) {
      int key = orderedBits(v);
      if (key >>> 16 == high) {
        counts[key & 0xFFFF]++;
      }
    }
    int low = 0;
    while (below + counts[low] <= k) {
      below += counts[low];
      low++;
    }
    return fromOrderedBits(high << 16 | low);
  }

  /** The float's bits mapped so that unsigned int order is numeric order. */
  private static int orderedBits(float v) {
    int bits = Float.floatToRawIntBits(v);
    return bits < 0 ? ~bits : bits ^ 0x80000000;
  }

  private static float fromOrderedBits(int key) {
    return Float.intBitsToFloat(key < 0 ? key ^ 0x80000000 : ~key);
  }

  /** Median absolute deviation from the median, unscaled. */
  public static double medianAbsoluteDeviation(double[] values, double median) {
    double[] deviations = new double[values.length];
    for (int i = 0; i < values.length; i++) {
      deviations[i] = Math.abs(values[i] - median);
    }
    return median(deviations);
  }

  public static double min(double[] values) {
    return Arrays.stream(values).min().orElse(Double.NaN);
  }

  public static double max(double[] values) {
    return Arrays.stream(values).max().orElse(Double.NaN);
  }

  public static double mean(double[] values) {
    return Arrays.stream(values).average().orElse(Double.NaN);
  }

  /**
   * k-th smallest value (0-based); reorders {@code work} so that work[0..k-1] <= work[k] <=
   * work[k+1..]. Hoare partition around a median-of-three pivot: linear on average, deterministic.
   */
  static double select(double[] work, int k) {
    int lo = 0;
    int hi = work.length - 1;
    while (hi > lo) {
      double pivot = medianOfThree(work[lo], work[(lo + hi) >>> 1], work[hi]);
      int i = lo;
      int j = hi;
      while (i <= j) {
        while (work[i] < pivot) {
          i++;
        }
        while (work[j] > pivot) {
          j--;
        }
        if (i <= j) {
          double t = work[i];
          work[i] = work[j];
          work[j] = t;
          i++;
          j--;
        }
      }
      if (k <= j) {
        hi = j;
      } else if (k >= i) {
        lo = i;
      } else {
        return work[k]; // strictly between j and i every value equals the pivot
      }
    }
    return work[k];
  }

  private static double medianOfThree(double a, double b, double c) {
    return Math.max(Math.min(a, b), Math.min(Math.max(a, b), c));
  }

  /** 1-based ranks; tied values share the average of the ranks they span. */
  public static double[] averageRanks(double[] values) {
    int n = values.length;
    Integer[] order = IntStream.range(0, n).boxed().toArray(Integer[]::new);
    Arrays.sort(order, Comparator.comparingDouble(i -> values[i]));
    double[] ranks = new double[n];
    int start = 0;
    while (start < n) {
      int end = start;
      while (end + 1 < n && values[order[end + 1]] == values[order[start]]) {
        end++;
      }
      double rank = (start + end) / 2.0 + 1;
      for (int i = start; i <= end; i++) {
        ranks[order[i]] = rank;
      }
      start = end + 1;
    }
    return ranks;
  }

  /** Pearson correlation; NaN when fewer than two values or either side is constant. */
  public static double pearson(double[] x, double[] y) {
    if (x.length != y.length) {
      throw new IllegalArgumentException("length mismatch: " + x.length + " vs " + y.length);
    }
    int n = x.length;
    if (n < 2) {
      return Double.NaN;
    }
    double mx = mean(x);
    double my = mean(y);
    double sxy = 0;
    double sxx = 0;
    double syy = 0;
    for (int i = 0; i < n; i++) {
      double dx = x[i] - mx;
      double dy = y[i] - my;
      sxy += dx * dy;
      sxx += dx * dx;
      syy += dy * dy;
    }
    if (sxx == 0 || syy == 0) {
      return Double.NaN;
    }
    return sxy / Math.sqrt(sxx * syy);
  }

  /** Spearman rank correlation: Pearson of average ranks, so ties are handled exactly. */
  public static double spearman(double[] x, double[] y) {
    return pearson(averageRanks(x), averageRanks(y));
  }

  static double[] toDouble(float[] values) {
    double[] wide = new double[values.length];
    for (int i = 0; i < values.length; i++) {
      wide[i] = values[i];
    }
    return wide;
  }
}
