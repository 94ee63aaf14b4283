package dev.sinkscope.inference.analysis;

import java.util.List;

/**
 * Where high-norm artifacts appear along the depth.
 *
 * <p>Definition: the emergence block is the first block {@code l} (1-based) at which, for every
 * block from {@code l} to {@code min(l + persistence − 1, L)}, the patch-norm max/median ratio is
 * at least {@code minRatio} and rule D accepts a split (a small, separated upper mode). With the
 * default {@code minRatio = k = 3} the ratio condition is the same as "rule B finds an artifact".
 *
 * @param found whether any block qualifies
 * @param block the emergence block, or -1
 * @param ratio max/median at the emergence block (NaN when not found)
 * @param previousRatio max/median at the block before (NaN at block 1 or when not found)
 * @param minRatio the ratio condition used
 * @param persistence the number of consecutive blocks required
 * @param ratioProfile {@code [L]} max/median per block, block 1 first
 * @param largestJumpBlock block with the largest ratio increase over its predecessor (a diagnostic;
 *     -1 with fewer than two blocks)
 * @param largestJump that increase, as {@code ratio[l] / ratio[l − 1]}
 */
public record EmergenceLayer(
    boolean found,
    int block,
    double ratio,
    double previousRatio,
    double minRatio,
    int persistence,
    double[] ratioProfile,
    int largestJumpBlock,
    double largestJump) {

  /**
   * Applies the definition to per-block norm analyses (block 1 first), with the thresholds of
   * {@code options}.
   */
  public static EmergenceLayer fromNorms(List<LayerNormAnalysis> norms, DetectionOptions options) {
    double[] ratios = new double[norms.size()];
    boolean[] bimodal = new boolean[norms.size()];
    for (int i = 0; i < norms.size(); i++) {
      ratios[i] = norms.get(i).patchNorms().maxOverMedian();
      bimodal[i] = norms.get(i).bimodal().accepted();
    }
    return find(ratios, bimodal, options.emergenceMinRatio(), options.emergencePersistence());
  }

  /**
   * Applies the definition above to per-block ratios and rule-D acceptance (both block 1 first).
   */
  public static EmergenceLayer find(
      double[] ratioProfile, boolean[] bimodalAccepted, double minRatio, int persistence) {
    int blocks = ratioProfile.length;
    int emergence = -1;
    for (int l = 0; l < blocks && emergence < 0; l++) {
      boolean holds = true;
      for (int m = l; m < Math.min(l + persistence, blocks); m++) {
        holds &= ratioProfile[m] >= minRatio && bimodalAccepted[m];
      }
      if (holds) {
        emergence = l;
      }
    }
    int jumpBlock = -1;
    double jump = Double.NaN;
    for (int l = 1; l < blocks; l++) {
      double step = ratioProfile[l] / ratioProfile[l - 1];
      if (!Double.isNaN(step) && (jumpBlock < 0 || step > jump)) {
        jump = step;
        jumpBlock = l + 1;
      }
    }
    boolean found = emergence >= 0;
    return new EmergenceLayer(
        found,
        found ? emergence + 1 : -1,
        found ? ratioProfile[emergence] : Double.NaN,
        found && emergence > 0 ? ratioProfile[emergence - 1] : Double.NaN,
        minRatio,
        persistence,
        ratioProfile.clone(),
        jumpBlock,
        jump);
  }
}
