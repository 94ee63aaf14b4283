package dev.sinkscope.inference.analysis;

/**
 * Artifact detection settings (methods §1.3) and the emergence-layer definition.
 *
 * @param rule rule whose result feeds the per-layer summary and the sink/CLS shares on artifacts
 * @param absoluteThreshold rule A τ in norm units; NaN ({@link #USE_MODEL_PRESET}) takes the model
 *     preset
 * @param medianRatioFactor rule B k (default 3; the GUI slider spans 1.5–10)
 * @param robustZThreshold rule C cut on the one-sided robust z (default 3.5)
 * @param bimodalBins rule D histogram bins over the log-norm range (default 256)
 * @param bimodalMaxUpperFraction rule D: largest accepted share of tokens in the upper class
 *     (default 0.2)
 * @param bimodalMinSeparation rule D: smallest accepted {@code exp(μ_hi − μ_lo)} (default 2)
 * @param emergenceMinRatio emergence: smallest patch-norm max/median ratio (default 3)
 * @param emergencePersistence emergence: consecutive blocks the condition must hold, cut short by
 *     the last block (default 2)
 */
public record DetectionOptions(
    DetectionRule rule,
    double absoluteThreshold,
    double medianRatioFactor,
    double robustZThreshold,
    int bimodalBins,
    double bimodalMaxUpperFraction,
    double bimodalMinSeparation,
    double emergenceMinRatio,
    int emergencePersistence) {

  public static final double USE_MODEL_PRESET = Double.NaN;

  public DetectionOptions {
    if (rule == null) {
      throw new IllegalArgumentException("rule is required");
    }
    if (!Double.isNaN(absoluteThreshold) && !(absoluteThreshold > 0)) {
      throw new IllegalArgumentException(
          "absolute threshold must be positive or NaN for the preset");
    }
    if (!(medianRatioFactor > 0)) {
      throw new IllegalArgumentException("median ratio factor must be positive");
    }
    if (!(robustZThreshold > 0)) {
      throw new IllegalArgumentException("robust z threshold must be positive");
    }
    if (bimodalBins < 2) {
      throw new IllegalArgumentException("need at least 2 histogram bins");
    }
    if (!(bimodalMaxUpperFraction > 0 && bimodalMaxUpperFraction <= 1)) {
      throw new IllegalArgumentException("upper class fraction must be in (0, 1]");
    }
    if (!(bimodalMinSeparation >= 1)) {
      throw new IllegalArgumentException("bimodal separation must be >= 1");
    }
    if (!(emergenceMinRatio >= 1)) {
      throw new IllegalArgumentException("emergence ratio must be >= 1");
    }
    if (emergencePersistence < 1) {
      throw new IllegalArgumentException("emergence persistence must be >= 1");
    }
  }

  /** Rule D with the specification's defaults; τ from the model preset. */
  public static DetectionOptions defaults() {
    return new DetectionOptions(
        DetectionRule.BIMODAL_SPLIT, USE_MODEL_PRESET, 3.0, 3.5, 256, 0.2, 2.0, 3.0, 2);
  }

  public DetectionOptions withRule(DetectionRule newRule) {
    return new DetectionOptions(
        newRule,
        absoluteThreshold,
        medianRatioFactor,
        robustZThreshold,
        bimodalBins,
        bimodalMaxUpperFraction,
        bimodalMinSeparation,
        emergenceMinRatio,
        emergencePersistence);
  }

  public DetectionOptions withAbsoluteThreshold(double tau) {
    return new DetectionOptions(
        rule,
        tau,
        medianRatioFactor,
        robustZThreshold,
        bimodalBins,
        bimodalMaxUpperFraction,
        bimodalMinSeparation,
        emergenceMinRatio,
        emergencePersistence);
  }

  public DetectionOptions withMedianRatioFactor(double k) {
    return new DetectionOptions(
        rule,
        absoluteThreshold,
        k,
        robustZThreshold,
        bimodalBins,
        bimodalMaxUpperFraction,
        bimodalMinSeparation,
        emergenceMinRatio,
        emergencePersistence);
  }

  public DetectionOptions withRobustZThreshold(double z) {
    return new DetectionOptions(
        rule,
        absoluteThreshold,
        medianRatioFactor,
        z,
        bimodalBins,
        bimodalMaxUpperFraction,
        bimodalMinSeparation,
        emergenceMinRatio,
        emergencePersistence);
  }

  public DetectionOptions withEmergence(double minRatio, int persistence) {
    return new DetectionOptions(
        rule,
        absoluteThreshold,
        medianRatioFactor,
        robustZThreshold,
        bimodalBins,
        bimodalMaxUpperFraction,
        bimodalMinSeparation,
        minRatio,
        persistence);
  }
}
