package dev.sinkscope.app.gui.canvas;

import java.util.Locale;

/**
 * What the inspector says about one patch at the current block.
 *
 * @param row grid row
 * @param col grid column
 * @param token sequence index
 * @param norm L2 norm of the block output
 * @param normRank 1 = largest norm among the patches
 * @param patchCount number of patches
 * @param value the shown quantity's value there (NaN for PCA)
 * @param quantity the shown quantity
 * @param sinkRatio whole-pass normalised sink ratio ρ = T·s (1 = uniform), NaN without attention
 * @param blockSinkRatio T·(attention received at this block), NaN without attention
 * @param artifact whether the detection rule flags it at this block
 * @param quantityLabel what the quantity is called for this model (e.g. "Pooling-probe attention"
 *     for CLS attention of a model without CLS)
 */
public record PatchInfo(
    int row,
    int col,
    int token,
    double norm,
    int normRank,
    int patchCount,
    double value,
    Quantity quantity,
    double sinkRatio,
    double blockSinkRatio,
    boolean artifact,
    String quantityLabel) {

  /** With the quantity's own label. */
  public PatchInfo(
      int row,
      int col,
      int token,
      double norm,
      int normRank,
      int patchCount,
      double value,
      Quantity quantity,
      double sinkRatio,
      double blockSinkRatio,
      boolean artifact) {
    this(
        row,
        col,
        token,
        norm,
        normRank,
        patchCount,
        value,
        quantity,
        sinkRatio,
        blockSinkRatio,
        artifact,
        quantity.label());
  }

  /**
   * One line for the status area, e.g. "patch (3, 7) · norm 457.99 (rank 1 of 256) · sink ρ 26.2".
   */
  public String summary() {
    StringBuilder s =
        new StringBuilder(
            String.format(
                Locale.ROOT,
                "patch (%d, %d) · norm %s (rank %d of %d)",
                row,
                col,
                Format.number(norm),
                normRank,
                patchCount));
    if (!Double.isNaN(blockSinkRatio)) {
      s.append(
          String.format(
              Locale.ROOT,
              " · sink ratio here %s, whole pass %s",
              Format.number(blockSinkRatio),
              Format.number(sinkRatio)));
    }
    if (!Double.isNaN(value) && quantity != Quantity.PATCH_NORM) {
      s.append(" · ")
          .append(quantityLabel.toLowerCase(Locale.ROOT))
          .append(' ')
          .append(Format.number(value));
    }
    if (artifact) {
      s.append(" · ARTIFACT");
    }
    return s.toString();
  }
}
