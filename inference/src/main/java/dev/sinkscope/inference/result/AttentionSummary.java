package dev.sinkscope.inference.result;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the views need from one block's attention {@code A [H, T, T]} (rows are queries), small
 * enough to keep for every block of ViT-L at 518 px (ADR 0010). A summary-mode pass reduces the map
 * on the device and keeps it as {@link LayerCapture#summary()}; {@link #of(ForwardResult, int)}
 * reads it, or summarises a full map when the pass kept one, so a reader never cares which was
 * kept. A dump names these vectors {@code attention_summary.<block>.*} ({@link #dumpTensors}).
 *
 * @param block 1-based block number
 * @param layout token order of the pass
 * @param heads H
 * @param columnSums {@code [H, T]}: {@code Σ_i A[h, i, j]} over all queries
 * @param patchColumnSums {@code [H, T]}: the same over patch queries only
 * @param self {@code [H, T]}: the diagonal {@code A[h, j, j]}
 * @param clsRow {@code [H, T]}: {@code A[h, 0, :]}; null without a CLS token
 * @param rowSums {@code [H, T]}: {@code Σ_j A[h, i, j]} (1 for softmax; substituted normalisers
 *     differ)
 * @param headMean {@code [T, T]}: {@code mean_h A[h]}; null when not kept
 */
public record AttentionSummary(
    int block,
    TokenLayout layout,
    int heads,
    float[] columnSums,
    float[] patchColumnSums,
    float[] self,
    float[] clsRow,
    float[] rowSums,
    float[] headMean) {

  public static final String PREFIX = "attention_summary.";
  static final String COLUMN_SUMS = "column_sums";
  static final String PATCH_COLUMN_SUMS = "patch_column_sums";
  static final String SELF = "self";
  static final String CLS_ROW = "cls_row";
  static final String ROW_SUMS = "row_sums";
  static final String HEAD_MEAN = "head_mean";

  public AttentionSummary {
    int ht = heads * layout.totalTokens();
    for (float[] v : new float[][] {columnSums, patchColumnSums, self, rowSums}) {
      if (v == null || v.length != ht) {
        throw new IllegalArgumentException(
            "summary vectors must be [H, T] = [" + heads + ", " + tokens(layout) + "]");
      }
    }
    if (clsRow != null && clsRow.length != ht) {
      throw new IllegalArgumentException("clsRow must be [H, T]");
    }
    if (headMean != null && headMean.length != tokens(layout) * tokens(layout)) {
      throw new IllegalArgumentException("headMean must be [T, T]");
    }
  }

  private static int tokens(TokenLayout layout) {
    return layout.totalTokens();
  }

  public int tokens() {
    return layout.totalTokens();
  }

  /** Summarises a full map {@code [H, T, T]} on the host (sums in double). */
  public static AttentionSummary fromMap(
      int block, FloatTensor attention, TokenLayout layout, boolean keepHeadMean) {
    int heads = attention.dim(0);
    int t = attention.dim(1);
    if (attention.rank() != 3 || attention.dim(2) != t || t != layout.totalTokens()) {
      throw new IllegalArgumentException(
          "attention must be [H, T, T] with T = " + layout.totalTokens() + ", got " + attention);
    }
    float[] a = attention.data();
    float[] columnSums = new float[heads * t];
    float[] patchColumnSums = new float[heads * t];
    float[] self = new float[heads * t];
    float[] rowSums = new float[heads * t];
    float[] clsRow = layout.hasCls() ? new float[heads * t] : null;
    int firstPatch = layout.firstPatchIndex();
    int endPatch = firstPatch + layout.patchCount();
    double[] all = new double[t];
    double[] patches = new double[t];
    for (int h = 0; h < heads; h++) {
      java.util.Arrays.fill(all, 0);
      java.util.Arrays.fill(patches, 0);
      for (int i = 0; i < t; i++) {
        int row = (h * t + i) * t;
        boolean patch = i >= firstPatch && i < endPatch;
        double rowSum = 0;
        for (int j = 0; j < t; j++) {
          float v = a[row + j];
          all[j] += v;
          if (patch) {
            patches[j] += v;
          }
          rowSum += v;
        }
        rowSums[h * t + i] = (float) rowSum;
        self[h * t + i] = a[row + i];
      }
      for (int j = 0; j < t; j++) {
        columnSums[h * t + j] = (float) all[j];
        patchColumnSums[h * t + j] = (float) patches[j];
      }
      if (clsRow != null) {
        System.arraycopy(a, h * t * t, clsRow, h * t, t);
      }
    }
    float[] headMean = null;
    if (keepHeadMean) {
      headMean = new float[t * t];
      for (int h = 0; h < heads; h++) {
        for (int k = 0; k < t * t; k++) {
          headMean[k] += a[h * t * t + k];
        }
      }
      for (int k = 0; k < t * t; k++) {
        headMean[k] /= heads;
      }
    }
    return new AttentionSummary(
        block, layout, heads, columnSums, patchColumnSums, self, clsRow, rowSums, headMean);
  }

  /**
   * The summary of 1-based {@code block}: read from a summary-mode pass, or computed from the full
   * map (with head mean); empty when the pass kept no attention there.
   */
  public static Optional<AttentionSummary> of(ForwardResult result, int block) {
    LayerCapture capture = result.block(block);
    if (capture.attention() != null) {
      return Optional.of(fromMap(block, capture.attention(), result.layout(), true));
    }
    return Optional.ofNullable(capture.summary());
  }

  /** Every block's summary, block 1 first; empty when any block has no attention. */
  public static List<AttentionSummary> all(ForwardResult result) {
    List<AttentionSummary> out = new ArrayList<>();
    for (int b = 1; b <= result.blocks(); b++) {
      Optional<AttentionSummary> s = of(result, b);
      if (s.isEmpty()) {
        return List.of();
      }
      out.add(s.get());
    }
    return out;
  }

  /** Whether this summary keeps the head mean when {@code needed}. */
  public boolean covers(boolean needHeadMean) {
    return !needHeadMean || headMean != null;
  }

  /** Adds this summary to a dump under its {@code attention_summary.<block>.*} names. */
  public void dumpTensors(Map<String, FloatTensor> debug) {
    int t = tokens();
    debug.put(key(block, COLUMN_SUMS), FloatTensor.of(columnSums, heads, t));
    debug.put(key(block, PATCH_COLUMN_SUMS), FloatTensor.of(patchColumnSums, heads, t));
    debug.put(key(block, SELF), FloatTensor.of(self, heads, t));
    if (clsRow != null) {
      debug.put(key(block, CLS_ROW), FloatTensor.of(clsRow, heads, t));
    }
    debug.put(key(block, ROW_SUMS), FloatTensor.of(rowSums, heads, t));
    if (headMean != null) {
      debug.put(key(block, HEAD_MEAN), FloatTensor.of(headMean, t, t));
    }
  }

  static String key(int block, String part) {
    return PREFIX + block + "." + part;
  }

  /** Received attention {@code [H, T]} over all queries: column sums / T. */
  public float[] receivedAll() {
    return divide(columnSums, tokens());
  }

  /** Received attention {@code [H, T]} over patch queries: patch column sums / N. */
  public float[] receivedFromPatches() {
    return divide(patchColumnSums, layout.patchCount());
  }

  /**
   * Received attention {@code [H, T]} over all queries but the key itself: (sums − diagonal) / (T −
   * 1).
   */
  public float[] receivedExcludingSelf() {
    int t = tokens();
    float[] out = new float[heads * t];
    for (int k = 0; k < out.length; k++) {
      out[k] = t > 1 ? (float) (((double) columnSums[k] - self[k]) / (t - 1)) : 0f;
    }
    return out;
  }

  private float[] divide(float[] sums, int count) {
    float[] out = new float[sums.length];
    for (int k = 0; k < out.length; k++) {
      out[k] = count > 0 ? (float) ((double) sums[k] / count) : 0f;
    }
    return out;
  }
}
