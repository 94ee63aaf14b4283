package dev.sinkscope.inference.analysis;

/**
 * Massive-activation criterion of Sun et al. (methods §3): {@code |x| > minMagnitude} and {@code
 * |x| > minMedianRatio · median |X|}, both editable because ViT magnitudes are smaller than LLMs'.
 *
 * @param minMagnitude absolute cut (default 100)
 * @param minMedianRatio cut relative to the block's median magnitude (default 1000)
 * @param maxListed cap on the entries listed per block (the count is always exact; default 64)
 */
public record MassiveActivationOptions(double minMagnitude, double minMedianRatio, int maxListed) {

  public MassiveActivationOptions {
    if (minMagnitude < 0 || minMedianRatio < 0 || maxListed < 0) {
      throw new IllegalArgumentException("massive-activation thresholds and cap must be >= 0");
    }
  }

  public static MassiveActivationOptions defaults() {
    return new MassiveActivationOptions(100, 1000, 64);
  }
}
