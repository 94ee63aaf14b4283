package dev.sinkscope.inference.analysis;

/**
 * Norm profile of the patch tokens of one block (CLS, distillation, registers and test-time
 * registers excluded).
 *
 * @param patchCount number of patch tokens
 * @param min smallest patch norm
 * @param median median patch norm
 * @param max largest patch norm
 * @param maxOverMedian {@code max / median}, the artifact-emergence signal
 * @param mean mean patch norm
 * @param mad median absolute deviation of the patch norms (unscaled)
 */
public record PatchNormStats(
    int patchCount,
    double min,
    double median,
    double max,
    double maxOverMedian,
    double mean,
    double mad) {

  public static PatchNormStats of(double[] patchNorms) {
    double median = RobustStatistics.median(patchNorms);
    double max = RobustStatistics.max(patchNorms);
    return new PatchNormStats(
        patchNorms.length,
        RobustStatistics.min(patchNorms),
        median,
        max,
        median > 0 ? max / median : Double.NaN,
        RobustStatistics.mean(patchNorms),
        RobustStatistics.medianAbsoluteDeviation(patchNorms, median));
  }
}
