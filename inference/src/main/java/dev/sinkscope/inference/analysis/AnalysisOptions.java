package dev.sinkscope.inference.analysis;

/**
 * Everything {@link Analyzer} can be told.
 *
 * @param detection artifact rules and emergence definition
 * @param sinks sink-score settings
 * @param massiveActivations massive-activation cuts
 * @param clsAttention CLS map settings
 * @param rollout rollout settings
 * @param pca PCA view settings
 */
public record AnalysisOptions(
    DetectionOptions detection,
    SinkOptions sinks,
    MassiveActivationOptions massiveActivations,
    ClsAttentionOptions clsAttention,
    RolloutOptions rollout,
    PcaOptions pca) {

  public AnalysisOptions {
    if (detection == null
        || sinks == null
        || massiveActivations == null
        || clsAttention == null
        || rollout == null
        || pca == null) {
      throw new IllegalArgumentException(
          "all option groups are required; use the defaults() of each");
    }
  }

  public static AnalysisOptions defaults() {
    return new AnalysisOptions(
        DetectionOptions.defaults(),
        SinkOptions.defaults(),
        MassiveActivationOptions.defaults(),
        ClsAttentionOptions.defaults(),
        RolloutOptions.paper(),
        PcaOptions.defaults());
  }

  /**
   * These options without the two picture-only views (rollout, PCA): for metrics tables and sweeps.
   */
  public AnalysisOptions metricsOnly() {
    return withRollout(RolloutOptions.disabled()).withPca(PcaOptions.disabled());
  }

  public AnalysisOptions withDetection(DetectionOptions newDetection) {
    return new AnalysisOptions(newDetection, sinks, massiveActivations, clsAttention, rollout, pca);
  }

  public AnalysisOptions withSinks(SinkOptions newSinks) {
    return new AnalysisOptions(detection, newSinks, massiveActivations, clsAttention, rollout, pca);
  }

  public AnalysisOptions withMassiveActivations(MassiveActivationOptions newMassive) {
    return new AnalysisOptions(detection, sinks, newMassive, clsAttention, rollout, pca);
  }

  public AnalysisOptions withClsAttention(ClsAttentionOptions newCls) {
    return new AnalysisOptions(detection, sinks, massiveActivations, newCls, rollout, pca);
  }

  public AnalysisOptions withRollout(RolloutOptions newRollout) {
    return new AnalysisOptions(detection, sinks, massiveActivations, clsAttention, newRollout, pca);
  }

  public AnalysisOptions withPca(PcaOptions newPca) {
    return new AnalysisOptions(detection, sinks, massiveActivations, clsAttention, rollout, newPca);
  }
}
