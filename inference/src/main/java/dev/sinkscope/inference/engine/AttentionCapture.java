package dev.sinkscope.inference.engine;

/**
 * How much of each block's attention a pass copies to the host.
 *
 * @see CaptureOptions
 */
public enum AttentionCapture {
  /** No attention at all (residual stream only). */
  NONE,
  /** Every block's full {@code [H, T, T]} probabilities. */
  FULL,
  /**
   * Per block and head only what the views need, reduced on the device: column sums over all
   * queries and over patch queries, the diagonal, the CLS row and the row sums (each {@code [H,
   * T]}), optionally the head mean {@code [T, T]}. Any other row or column is recomputed on demand
   * from the kept residual stream ({@link VitForward#recomputeAttention}).
   */
  SUMMARY,
  /**
   * {@link #FULL} when all maps fit the byte budget of {@link CaptureOptions}, else {@link
   * #SUMMARY}.
   */
  AUTO
}
