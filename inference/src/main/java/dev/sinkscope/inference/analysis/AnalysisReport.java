package dev.sinkscope.inference.analysis;

import dev.sinkscope.inference.model.ModelFamily;
import dev.sinkscope.inference.result.TokenLayout;
import java.util.List;

/**
 * Everything the analysis found in one forward pass. Plain records, arrays and lists, for Jackson.
 * Parts whose inputs were not captured are null and explained in {@code notes}.
 *
 * @param model model display name
 * @param family model family
 * @param layout token layout of the pass
 * @param options the options used
 * @param thresholdPreset the rule-A preset that matched this model, or null ("no preset")
 * @param absoluteThreshold the rule-A τ actually used (NaN when none)
 * @param summaries one row per block, block 1 first
 * @param norms per-block norm analyses, block 1 first
 * @param emergence the artifact emergence block
 * @param sinkLayers per-block sink metrics (blocks with attention only); null without attention
 * @param sinks whole-pass sink scores; null without attention
 * @param massiveActivations per-block massive activations, block 1 first
 * @param clsAttention CLS maps of the chosen block; null without CLS rows or CLS token
 * @param rollout rollout map; null when disabled or attention is missing at some block
 * @param pca PCA view; null when disabled
 * @param notes what was skipped and why
 */
public record AnalysisReport(
    String model,
    ModelFamily family,
    TokenLayout layout,
    AnalysisOptions options,
    ThresholdPreset thresholdPreset,
    double absoluteThreshold,
    List<LayerSummary> summaries,
    List<LayerNormAnalysis> norms,
    EmergenceLayer emergence,
    List<LayerSinkAnalysis> sinkLayers,
    SinkScores sinks,
    List<LayerMassiveActivations> massiveActivations,
    ClsAttentionMaps clsAttention,
    RolloutMap rollout,
    PatchPca pca,
    List<String> notes) {}
