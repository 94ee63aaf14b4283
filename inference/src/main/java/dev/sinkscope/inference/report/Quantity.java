package dev.sinkscope.inference.report;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** What a heatmap shows, per patch of one block. */
public enum Quantity {
  /** L2 norm of the block output (residual stream before any final norm). */
  @JsonProperty("patch-norm") PATCH_NORM("patch-norm", "patch L2 norm", "||x||"),
  /** Mean attention each token receives from all queries (the per-block sink score). */
  @JsonProperty("attention-received") ATTENTION_RECEIVED("attention-received", "attention received", "mean_i A[i, j]"),
  /** Attention of the CLS query on each patch. */
  @JsonProperty("cls-attention") CLS_ATTENTION("cls-attention", "CLS attention", "A[CLS, j]");

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

  /** Whether a head choice applies (attention is per head; norms are not). */
  public boolean perHead() {
    return this != PATCH_NORM;
  }

  public static Quantity parse(String text) {
    String k = text.trim().toLowerCase(Locale.ROOT).replace('_', '-');
    for (Quantity q : values()) {
      if (q.key.equals(k)) {
        return q;
      }
    }
    throw new IllegalArgumentException("unknown quantity '" + text + "' (known: "
        + Arrays.stream(values()).map(Quantity::key).collect(Collectors.joining(", ")) + ")");
  }

  @Override
  public String toString() {
    return key;
  }
}
