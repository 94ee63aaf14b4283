package dev.sinkscope.inference.analysis;

import dev.sinkscope.inference.result.TokenKind;
import dev.sinkscope.inference.result.TokenLayout;
import java.util.ArrayList;
import java.util.List;

/** Patch-norm statistics and the four artifact rules for one block. */
public final class PatchNormAnalyzer {

  private PatchNormAnalyzer() {}

  /**
   * @param block 1-based block number
   * @param tokenNorms {@code [T]} norms of all tokens in sequence order
   * @param layout token layout of the pass
   * @param options detection settings
   * @param absoluteThreshold resolved rule-A τ (NaN when neither the options nor a preset give one)
   */
  public static LayerNormAnalysis analyze(
      int block,
      float[] tokenNorms,
      TokenLayout layout,
      DetectionOptions options,
      double absoluteThreshold) {
    if (tokenNorms.length != layout.totalTokens()) {
      throw new IllegalArgumentException(
          "block "
              + block
              + " has "
              + tokenNorms.length
              + " tokens, layout expects "
              + layout.totalTokens());
    }
    double[] patchNorms = patchValues(tokenNorms, layout);
    List<TokenNorm> others = new ArrayList<>();
    for (int t = 0; t < tokenNorms.length; t++) {
      TokenKind kind = layout.kindOf(t);
      if (kind != TokenKind.PATCH) {
        others.add(new TokenNorm(t, kind, tokenNorms[t]));
      }
    }
    BimodalSplit bimodal =
        NormOutlierDetector.bimodal(
            patchNorms,
            options.bimodalBins(),
            options.bimodalMaxUpperFraction(),
            options.bimodalMinSeparation());
    List<ArtifactDetection> all = new ArrayList<>(4);
    ArtifactDetection chosen = null;
    for (DetectionRule rule : DetectionRule.values()) {
      OutlierSplit split =
          rule == DetectionRule.BIMODAL_SPLIT
              ? NormOutlierDetector.toOutlierSplit(bimodal)
              : NormOutlierDetector.detect(rule, patchNorms, options, absoluteThreshold);
      ArtifactDetection detection = onGrid(split, layout);
      all.add(detection);
      if (rule == options.rule()) {
        chosen = detection;
      }
    }
    return new LayerNormAnalysis(
        block,
        tokenNorms.clone(),
        PatchNormStats.of(patchNorms),
        List.copyOf(others),
        chosen,
        List.copyOf(all),
        bimodal);
  }

  /** Maps an outlier split over the patch list onto grid cells and sequence positions. */
  public static ArtifactDetection onGrid(OutlierSplit split, TokenLayout layout) {
    int[] patches = split.outlierIndices();
    int[] tokens = new int[patches.length];
    List<GridPosition> positions = new ArrayList<>(patches.length);
    for (int i = 0; i < patches.length; i++) {
      tokens[i] = layout.firstPatchIndex() + patches[i];
      positions.add(
          new GridPosition(patches[i] / layout.gridCols(), patches[i] % layout.gridCols()));
    }
    return new ArtifactDetection(
        split.requestedRule(),
        split.appliedRule(),
        split.verdict(),
        split.threshold(),
        patches.length,
        (double) patches.length / layout.patchCount(),
        patches.clone(),
        tokens,
        List.copyOf(positions),
        split.fellBack(),
        split.note());
  }

  /** The patch entries {@code [h·w]} of a per-token vector {@code [T]}, row-major. */
  public static double[] patchValues(float[] perToken, TokenLayout layout) {
    double[] patches = new double[layout.patchCount()];
    int first = layout.firstPatchIndex();
    for (int p = 0; p < patches.length; p++) {
      patches[p] = perToken[first + p];
    }
    return patches;
  }
}
