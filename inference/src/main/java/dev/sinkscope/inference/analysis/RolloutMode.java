package dev.sinkscope.inference.analysis;

/** Attention rollout variants (methods §6). */
public enum RolloutMode {
  /**
   * Abnar & Zuidema: {@code Â = 0.5 W + 0.5 I} with W the head mean, rows normalised, {@code R =
   * Â_L ⋯ Â_1}. Fusion and discard ratio are ignored.
   */
  PAPER,
  /**
   * jacobgil/vit-explain: fused heads, the smallest {@code floor(T²·ratio)} entries zeroed except
   * flat index 0, {@code a = (fused + I) / 2}, entry (i, j) divided by the sum of row j, {@code R ←
   * a·R}.
   */
  VIT_EXPLAIN
}
