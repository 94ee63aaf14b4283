package dev.sinkscope.inference.analysis;

/**
 * Rule D details: Otsu's threshold on log-norms.
 *
 * @param bins histogram bins
 * @param logMin lower end of the histogram range (log of the smallest value)
 * @param logMax upper end of the histogram range (log of the largest value)
 * @param thresholdLog cut in log units, the middle of the empty valley at the Otsu optimum
 * @param threshold {@code exp(thresholdLog)}, in norm units
 * @param upperCount tokens in the upper class
 * @param upperFraction {@code upperCount / n}
 * @param lowerMeanLog μ_lo, mean log-norm of the lower class
 * @param upperMeanLog μ_hi, mean log-norm of the upper class
 * @param separation {@code exp(μ_hi − μ_lo)}, the ratio of the class geometric means
 * @param accepted whether the upper class is small enough and separated enough to be artifacts
 * @param upperIndices ascending positions of the upper class (whether accepted or not)
 */
public record BimodalSplit(
    int bins,
    double logMin,
    double logMax,
    double thresholdLog,
    double threshold,
    int upperCount,
    double upperFraction,
    double lowerMeanLog,
    double upperMeanLog,
    double separation,
    boolean accepted,
    int[] upperIndices) {}
