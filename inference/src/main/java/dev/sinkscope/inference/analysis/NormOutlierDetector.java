package dev.sinkscope.inference.analysis;

import java.util.Locale;
import java.util.function.IntPredicate;
import java.util.stream.IntStream;

/**
 * The four outlier rules of methods §1.3 on a plain list of values (patch-token norms, or log sink
 * ratios). All cuts are strict: a value exactly on the threshold is not an outlier.
 */
public final class NormOutlierDetector {

  /**
   * Norms are floored here before taking logs so that an all-zero token cannot stretch the
   * histogram to −∞.
   */
  private static final double LOG_FLOOR = 1e-30;

  private NormOutlierDetector() {}

  /**
   * Applies {@code rule}; {@code absoluteThreshold} is the resolved rule-A τ (NaN when there is
   * none).
   */
  public static OutlierSplit detect(
      DetectionRule rule, double[] values, DetectionOptions options, double absoluteThreshold) {
    return switch (rule) {
      case ABSOLUTE -> absolute(values, absoluteThreshold);
      case MEDIAN_RATIO -> medianRatio(values, options.medianRatioFactor());
      case ROBUST_Z -> robustZ(values, options.robustZThreshold(), options.medianRatioFactor());
      case BIMODAL_SPLIT ->
          toOutlierSplit(
              bimodal(
                  values,
                  options.bimodalBins(),
                  options.bimodalMaxUpperFraction(),
                  options.bimodalMinSeparation()));
    };
  }

  /** Rule A: {@code n > τ}. A NaN τ yields {@link DetectionVerdict#NO_THRESHOLD}. */
  public static OutlierSplit absolute(double[] values, double tau) {
    if (Double.isNaN(tau)) {
      return new OutlierSplit(
          DetectionRule.ABSOLUTE,
          DetectionRule.ABSOLUTE,
          DetectionVerdict.NO_THRESHOLD,
          Double.NaN,
          new int[0],
          false,
          "no absolute threshold given and no preset for this model");
    }
    return cut(
        DetectionRule.ABSOLUTE,
        DetectionRule.ABSOLUTE,
        values,
        tau,
        false,
        String.format(Locale.ROOT, "n > %.4g", tau));
  }

  /** Rule B: {@code n > k · median}. */
  public static OutlierSplit medianRatio(double[] values, double k) {
    double median = RobustStatistics.median(values);
    return cut(
        DetectionRule.MEDIAN_RATIO,
        DetectionRule.MEDIAN_RATIO,
        values,
        k * median,
        false,
        String.format(Locale.ROOT, "n > %.4g x median %.4g", k, median));
  }

  /**
   * Rule C: {@code 0.6745 (n − median) / MAD > z}. When MAD = 0 the z-score is undefined and rule B
   * with factor {@code fallbackK} decides instead; the result says so.
   */
  public static OutlierSplit robustZ(double[] values, double z, double fallbackK) {
    double median = RobustStatistics.median(values);
    double mad = RobustStatistics.medianAbsoluteDeviation(values, median);
    if (!(mad > 0)) {
      OutlierSplit b = medianRatio(values, fallbackK);
      return new OutlierSplit(
          DetectionRule.ROBUST_Z,
          DetectionRule.MEDIAN_RATIO,
          b.verdict(),
          b.threshold(),
          b.outlierIndices(),
          true,
          "MAD = 0, fell back to rule B: " + b.note());
    }
    // threshold in value units, for display; membership uses the z-score itself
    double threshold = median + z * mad / RobustStatistics.MAD_TO_Z;
    int[] outliers =
        indicesWhere(
            values.length, i -> RobustStatistics.MAD_TO_Z * (values[i] - median) / mad > z);
    return new OutlierSplit(
        DetectionRule.ROBUST_Z,
        DetectionRule.ROBUST_Z,
        verdictFor(outliers),
        threshold,
        outliers,
        false,
        String.format(Locale.ROOT, "robust z > %.3g (median %.4g, MAD %.4g)", z, median, mad));
  }

  /**
   * Rule D: Otsu's threshold on {@code log n} over a {@code bins}-bin histogram spanning the
   * observed log range. Accepted when the upper class holds at most {@code maxUpperFraction} of the
   * values and {@code exp(μ_hi − μ_lo) >= minSeparation}.
   */
  public static BimodalSplit bimodal(
      double[] values, int bins, double maxUpperFraction, double minSeparation) {
    int n = values.length;
    double[] logs = new double[n];
    for (int i = 0; i < n; i++) {
      logs[i] = Math.log(Math.max(values[i], LOG_FLOOR));
    }
    double lo = RobustStatistics.min(logs);
    double hi = RobustStatistics.max(logs);
    if (n < 2 || !(hi > lo)) {
      return new BimodalSplit(
          bins, lo, hi, Double.NaN, Double.NaN, 0, 0, lo, Double.NaN, 1, false, new int[0]);
    }
    double width = (hi - lo) / bins;
    int[] binOf = new int[n];
    long[] counts = new long[bins];
    for (int i = 0; i < n; i++) {
      binOf[i] = Math.min(bins - 1, (int) ((logs[i] - lo) / width));
      counts[binOf[i]]++;
    }
    // classic Otsu on bin centres: maximise w0 w1 (μ0 − μ1)^2 over cuts "bin <= t | bin > t"
    double totalSum = 0;
    for (int b = 0; b < bins; b++) {
      totalSum += counts[b] * (lo + (b + 0.5) * width);
    }
    double bestScore = -1;
    int best = -1;
    long w0 = 0;
    double sum0 = 0;
    for (int t = 0; t < bins - 1; t++) {
      w0 += counts[t];
      sum0 += counts[t] * (lo + (t + 0.5) * width);
      long w1 = n - w0;
      if (w0 == 0 || w1 == 0) {
        continue;
      }
      double mu0 = sum0 / w0;
      double mu1 = (totalSum - sum0) / w1;
      double score = (double) w0 * w1 * (mu0 - mu1) * (mu0 - mu1);
      if (score > bestScore) {
        bestScore = score;
        best = t;
      }
    }
    // every cut inside an empty valley gives the same classes; place the reported cut mid-valley
    int valleyEnd = best;
    while (valleyEnd + 1 < bins - 1 && counts[valleyEnd + 1] == 0) {
      valleyEnd++;
    }
    double thresholdLog = lo + ((best + 1) + (valleyEnd + 1)) / 2.0 * width;
    int cutBin = best;
    int[] upper = indicesWhere(n, i -> binOf[i] > cutBin);
    double upperSum = 0;
    double lowerSum = 0;
    for (int i = 0; i < n; i++) {
      if (binOf[i] > cutBin) {
        upperSum += logs[i];
      } else {
        lowerSum += logs[i];
      }
    }
    int upperCount = upper.length;
    double upperMean = upperSum / upperCount;
    double lowerMean = lowerSum / (n - upperCount);
    double separation = Math.exp(upperMean - lowerMean);
    double upperFraction = (double) upperCount / n;
    boolean accepted = upperFraction <= maxUpperFraction && separation >= minSeparation;
    return new BimodalSplit(
        bins,
        lo,
        hi,
        thresholdLog,
        Math.exp(thresholdLog),
        upperCount,
        upperFraction,
        lowerMean,
        upperMean,
        separation,
        accepted,
        upper);
  }

  /**
   * Rule D as an {@link OutlierSplit}: an unaccepted split means "unimodal: no artifacts" and no
   * cut was applied, so the threshold is NaN there (the candidate cut stays in the {@link
   * BimodalSplit}).
   */
  public static OutlierSplit toOutlierSplit(BimodalSplit split) {
    if (!split.accepted()) {
      String why =
          Double.isNaN(split.thresholdLog())
              ? "all values equal"
              : String.format(
                  Locale.ROOT,
                  "upper class %.1f%% of tokens, separation x%.3g",
                  100 * split.upperFraction(),
                  split.separation());
      return new OutlierSplit(
          DetectionRule.BIMODAL_SPLIT,
          DetectionRule.BIMODAL_SPLIT,
          DetectionVerdict.UNIMODAL_NO_ARTIFACTS,
          Double.NaN,
          new int[0],
          false,
          "unimodal: no artifacts (" + why + ")");
    }
    return new OutlierSplit(
        DetectionRule.BIMODAL_SPLIT,
        DetectionRule.BIMODAL_SPLIT,
        DetectionVerdict.ARTIFACTS_FOUND,
        split.threshold(),
        split.upperIndices(),
        false,
        String.format(
            Locale.ROOT,
            "Otsu on log-norms: upper class %.1f%% of tokens, separation x%.3g",
            100 * split.upperFraction(),
            split.separation()));
  }

  private static OutlierSplit cut(
      DetectionRule requested,
      DetectionRule applied,
      double[] values,
      double threshold,
      boolean fellBack,
      String note) {
    int[] outliers = indicesWhere(values.length, i -> values[i] > threshold);
    return new OutlierSplit(
        requested, applied, verdictFor(outliers), threshold, outliers, fellBack, note);
  }

  private static DetectionVerdict verdictFor(int[] outliers) {
    return outliers.length > 0 ? DetectionVerdict.ARTIFACTS_FOUND : DetectionVerdict.NO_ARTIFACTS;
  }

  private static int[] indicesWhere(int n, IntPredicate test) {
    return IntStream.range(0, n).filter(test).toArray();
  }
}
