package dev.sinkscope.inference.analysis;

/** Which patch features the PCA view uses. */
public enum PcaFeatures {
  /** A block output: the pre-final-norm residual stream, like every other metric here. */
  BLOCK_OUTPUT,
  /**
   * {@code lastHiddenState} as the reference returns it (final-normed for DINOv2, as in its PCA
   * notebook).
   */
  LAST_HIDDEN_STATE
}
