package dev.sinkscope.inference.analysis;

/**
 * PCA-to-RGB settings (methods §6).
 *
 * @param enabled whether the analysis computes the PCA view
 * @param features block output or the last hidden state
 * @param block 1-based block for BLOCK_OUTPUT; 0 = the last block (default)
 * @param refitOnForeground DINOv2 paper: fit the colour PCA again on foreground patches only
 *     (default true)
 * @param zeroBackground set background patches to black after scaling (default true)
 */
public record PcaOptions(
    boolean enabled,
    PcaFeatures features,
    int block,
    boolean refitOnForeground,
    boolean zeroBackground) {

  public PcaOptions {
    if (features == null) {
      throw new IllegalArgumentException("features are required");
    }
    if (block < 0) {
      throw new IllegalArgumentException("block must be >= 0 (0 = last)");
    }
  }

  public static PcaOptions defaults() {
    return new PcaOptions(true, PcaFeatures.BLOCK_OUTPUT, 0, true, true);
  }

  public static PcaOptions disabled() {
    return new PcaOptions(false, PcaFeatures.BLOCK_OUTPUT, 0, true, true);
  }
}
