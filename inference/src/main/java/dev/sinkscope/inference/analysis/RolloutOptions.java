package dev.sinkscope.inference.analysis;

/**
 * Attention rollout settings.
 *
 * @param enabled whether the analysis computes rollout at all (it needs attention at every block)
 * @param mode paper or vit-explain compatible
 * @param fusion head fusion for VIT_EXPLAIN (PAPER always averages)
 * @param discardRatio share of the smallest fused entries zeroed in VIT_EXPLAIN, in [0, 1)
 */
public record RolloutOptions(
    boolean enabled, RolloutMode mode, HeadFusion fusion, double discardRatio) {

  public RolloutOptions {
    if (mode == null || fusion == null) {
      throw new IllegalArgumentException("mode and fusion are required");
    }
    if (!(discardRatio >= 0 && discardRatio < 1)) {
      throw new IllegalArgumentException("discard ratio must be in [0, 1)");
    }
  }

  /** Paper mode (the default). */
  public static RolloutOptions paper() {
    return new RolloutOptions(true, RolloutMode.PAPER, HeadFusion.MEAN, 0);
  }

  /** vit-explain mode; its class defaults are MEAN and 0.9, its command line uses MAX. */
  public static RolloutOptions vitExplain(HeadFusion fusion, double discardRatio) {
    return new RolloutOptions(true, RolloutMode.VIT_EXPLAIN, fusion, discardRatio);
  }

  public static RolloutOptions disabled() {
    return new RolloutOptions(false, RolloutMode.PAPER, HeadFusion.MEAN, 0);
  }
}
