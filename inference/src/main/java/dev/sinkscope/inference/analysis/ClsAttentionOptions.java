package dev.sinkscope.inference.analysis;

/**
 * CLS attention map settings (methods §6, DINO).
 *
 * @param block 1-based block; 0 = the last block (default)
 * @param keptMass mass threshold: the smallest set of patches holding this share of each head's CLS
 *     mass is kept (default 0.6)
 */
public record ClsAttentionOptions(int block, double keptMass) {

  public ClsAttentionOptions {
    if (block < 0) {
      throw new IllegalArgumentException("block must be >= 0 (0 = last)");
    }
    if (!(keptMass > 0 && keptMass <= 1)) {
      throw new IllegalArgumentException("kept mass must be in (0, 1]");
    }
  }

  public static ClsAttentionOptions defaults() {
    return new ClsAttentionOptions(0, 0.6);
  }
}
