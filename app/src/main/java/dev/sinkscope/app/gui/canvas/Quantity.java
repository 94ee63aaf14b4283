package dev.sinkscope.app.gui.canvas;

/** What the overlay shows. */
public enum Quantity {
  PATCH_NORM(
      "Patch norm",
      "L2 norm of the block output (residual stream, before the final norm)",
      "‖x‖",
      false,
      true),
  ATTENTION_RECEIVED(
      "Attention received (sinks)",
      "Mean attention each token receives from all queries at this block: sinks light up",
      "mean A[·, j]",
      true,
      true),
  CLS_ATTENTION(
      "CLS attention",
      "Attention of the CLS query on each patch at this block",
      "A[CLS, j]",
      true,
      true),
  ROLLOUT(
      "Attention rollout",
      "Rollout of head-mean attention through all blocks (Abnar & Zuidema): CLS row",
      "R[CLS, j]",
      false,
      false),
  PCA_RGB(
      "PCA of features (RGB)",
      "First three principal components of the patch features at this block",
      "",
      false,
      true),
  ATTENDS_TO(
      "Selected patch attends to",
      "Row of the selected patch: where its attention goes",
      "A[sel, j]",
      true,
      true),
  ATTENDED_BY(
      "Selected patch is attended by",
      "Column of the selected patch: who attends to it",
      "A[i, sel]",
      true,
      true);

  private final String label;
  private final String explanation;
  private final String symbol;
  private final boolean perHead;
  private final boolean perBlock;

  Quantity(String label, String explanation, String symbol, boolean perHead, boolean perBlock) {
    this.label = label;
    this.explanation = explanation;
    this.symbol = symbol;
    this.perHead = perHead;
    this.perBlock = perBlock;
  }

  public String label() {
    return label;
  }

  /** One sentence for tooltips. */
  public String explanation() {
    return explanation;
  }

  /** Short formula for the legend title. */
  public String symbol() {
    return symbol;
  }

  /**
   * Whether its picture needs the whole analysis (sink scores, rollout, PCA) rather than the part a
   * patch-norm picture needs; the rest of the analysis follows the first picture otherwise.
   */
  public boolean needsWholeAnalysis() {
    return this == ATTENTION_RECEIVED || this == ROLLOUT || this == PCA_RGB;
  }

  /** Whether the head choice changes it. */
  public boolean perHead() {
    return perHead;
  }

  /** Whether it differs from block to block (rollout spans all blocks). */
  public boolean perBlock() {
    return perBlock;
  }

  /** Whether it needs a selected patch. */
  public boolean needsSelection() {
    return this == ATTENDS_TO || this == ATTENDED_BY;
  }

  @Override
  public String toString() {
    return label;
  }
}
