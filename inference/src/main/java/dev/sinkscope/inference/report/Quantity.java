package dev.sinkscope.inference.report;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** What a heatmap shows, per patch of one block. */
public enum Quantity {
  /** L2 norm of the block output (residual stream before any final norm). */
  @JsonProperty("patch-norm")
  PATCH_NORM("patch-norm", "patch L2 norm", "||x||"),
  /** Mean attention each token receives from all queries (the per-block sink score). */
  @JsonProperty("attention-received")
  ATTENTION_RECEIVED("attention-received", "attention received", "mean_i A[i, j]"),
  /** Attention of the CLS query on each patch. */
  @JsonProperty("cls-attention")
  CLS_ATTENTION("cls-attention", "CLS attention", "A[CLS, j]"),
  /**
   * Rollout of head-mean attention through all blocks (Abnar and Zuidema), CLS row; one map per
   * pass.
   */
  @JsonProperty("rollout")
  ROLLOUT("rollout", "attention rollout", "R[CLS, j]"),
  /** First three principal components of the patch features at a block, as colour. */
  @JsonProperty("pca-rgb")
  PCA_RGB("pca-rgb", "PCA of features (RGB)", "PC1-3"),
  /** Row of the selected patch: where its attention goes. */
  @JsonProperty("attends-to")
  ATTENDS_TO("attends-to", "attention of the selected patch", "A[sel, j]"),
  /** Column of the selected patch: who attends to it. */
  @JsonProperty("attended-by")
  ATTENDED_BY("attended-by", "attention to the selected patch", "A[i, sel]");

  /** The quantities schema version 1 knows; the others need version 2. */
  private static final java.util.Set<Quantity> VERSION_1 =
      java.util.EnumSet.of(PATCH_NORM, ATTENTION_RECEIVED, CLS_ATTENTION);

  private final String key;
  private final String label;
  private final String symbol;

  Quantity(String key, String label, String symbol) {
    this.key = key;
    this.label = label;
    this.symbol = symbol;
  }

  /** The name used in JSON and on the command line. */
  public String key() {
    return key;
  }

  /** Words for titles and legends. */
  public String label() {
    return label;
  }

  /** Formula for legends. */
  public String symbol() {
    return symbol;
  }

  /**
   * Whether a head choice applies (attention is per head; norms, PCA and head-mean rollout are
   * not).
   */
  public boolean perHead() {
    return this == ATTENTION_RECEIVED
        || this == CLS_ATTENTION
        || this == ATTENDS_TO
        || this == ATTENDED_BY;
  }

  /** Whether it differs from block to block (rollout spans all blocks). */
  public boolean perBlock() {
    return this != ROLLOUT;
  }

  /** Whether it is drawn for a selected patch (the session's {@code view.patch}). */
  public boolean needsPatch() {
    return this == ATTENDS_TO || this == ATTENDED_BY;
  }

  /** Whether it is colour per patch (PCA) rather than a value through a colormap. */
  public boolean isRgb() {
    return this == PCA_RGB;
  }

  /** The first session schema version that names it. */
  public int sinceSchemaVersion() {
    return VERSION_1.contains(this) ? 1 : 2;
  }

  public static Quantity parse(String text) {
    String k = text.trim().toLowerCase(Locale.ROOT).replace('_', '-');
    for (Quantity q : values()) {
      if (q.key.equals(k)) {
        return q;
      }
    }
    throw new IllegalArgumentException(
        "unknown quantity '"
            + text
            + "' (known: "
            + Arrays.stream(values()).map(Quantity::key).collect(Collectors.joining(", "))
            + ")");
  }

  @Override
  public String toString() {
    return key;
  }
}
