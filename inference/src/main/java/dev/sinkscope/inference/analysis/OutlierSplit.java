package dev.sinkscope.inference.analysis;

/**
 * One rule applied to a plain list of values (indices are positions in that list).
 *
 * @param requestedRule the rule asked for
 * @param appliedRule the rule that decided (B when C fell back because MAD = 0)
 * @param verdict outcome
 * @param threshold cut in the units of the input values; a value is an outlier when it is strictly
 *     above; NaN when the rule had no threshold or rule D found no accepted split
 * @param outlierIndices ascending positions of the outliers
 * @param fellBack true when rule C fell back to rule B
 * @param note a short human-readable explanation
 */
public record OutlierSplit(
    DetectionRule requestedRule,
    DetectionRule appliedRule,
    DetectionVerdict verdict,
    double threshold,
    int[] outlierIndices,
    boolean fellBack,
    String note) {

  public int count() {
    return outlierIndices.length;
  }
}
