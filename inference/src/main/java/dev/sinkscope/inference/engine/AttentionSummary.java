package dev.sinkscope.inference.engine;

import dev.sinkscope.inference.analysis.LayerAttentionSummary;
import dev.sinkscope.inference.analysis.QuerySet;
import dev.sinkscope.inference.result.FloatTensor;
import dev.sinkscope.inference.result.ForwardResult;
import dev.sinkscope.inference.result.LayerCapture;
import dev.sinkscope.inference.result.TokenLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the views need from one block's attention {@code A [H, T, T]} (rows are queries), small
 * enough to keep for every block of ViT-L at 518 px. A summary-mode pass reduces the map on the
 * device and stores these in {@link ForwardResult#debug()} under {@code attention_summary.<block>.*};
 * {@link #of(ForwardResult, int)} reads them back, or summarises a full map when the pass kept one.
 *
 * @param block 1-based block number
 * @param layout token order of the pass
 * @param heads H
 * @param columnSums {@code [H, T]}: {@code Σ_i A[h, i, j]} over all queries
 * @param patchColumnSums {@code [H, T]}: the same over patch queries only
 * @param self {@code [H, T]}: the diagonal {@code A[h, j, j]}
 * @param clsRow {@code [H, T]}: {@code A[h, 0, :]}; null without a CLS token
 * @param rowSums {@code [H, T]}: {@code Σ_j A[h, i, j]} (1 for softmax; substituted normalisers differ)
 * @param headMean {@code [T, T]}: {@code mean_h A[h]}; null when not kept
 */
public record AttentionSummary(int block, TokenLayout layout, int heads, float[] columnSums,
    float[] patchColumnSums, float[] self, float[] clsRow, float[] rowSums, float[] headMean) {

  static final String PREFIX = "attention_summary.";
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
        throw new IllegalArgumentException("summary vectors must be [H, T] = [" + heads + ", " + tokens(layout) + "]");
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
  public static AttentionSummary fromMap(int block, FloatTensor attention, TokenLayout layout, boolean keepHeadMean) {
    int heads = attention.dim(0);
    int t = attention.dim(1);
    if (attention.rank() != 3 || attention.dim(2) != t || t != layout.totalTokens()) {
      throw new IllegalArgumentException("attention must be [H, T, T] with T = " + layout.totalTokens() + ", got " + attention);
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
    return new AttentionSummary(block, layout, heads, columnSums, patchColumnSums, self, clsRow, rowSums, headMean);
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
    return read(result.debug(), block, result.layout());
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

  /** Whether {@code result} holds device-made summaries for {@code block} (with head mean if asked). */
  static boolean stored(ForwardResult result, int block, boolean withHeadMean) {
    Map<String, FloatTensor> debug = result.debug();
    return debug.containsKey(key(block, COLUMN_SUMS)) && (!withHeadMean || debug.containsKey(key(block, HEAD_MEAN)));
  }

  static Optional<AttentionSummary> read(Map<String, FloatTensor> debug, int block, TokenLayout layout) {
    FloatTensor columnSums = debug.get(key(block, COLUMN_SUMS));
    if (columnSums == null) {
      return Optional.empty();
    }
    FloatTensor cls = debug.get(key(block, CLS_ROW));
    FloatTensor mean = debug.get(key(block, HEAD_MEAN));
    return Optional.of(new AttentionSummary(block, layout, columnSums.dim(0), columnSums.data(),
        debug.get(key(block, PATCH_COLUMN_SUMS)).data(), debug.get(key(block, SELF)).data(),
        cls == null ? null : cls.data(), debug.get(key(block, ROW_SUMS)).data(), mean == null ? null : mean.data()));
  }

  /** Stores this summary under its {@code attention_summary.<block>.*} names. */
  void writeTo(Map<String, FloatTensor> debug) {
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

  /** Whether {@code name} is a summary entry of a block after 1-based {@code block}. */
  static boolean isSummaryOfBlockAfter(String name, int block) {
    if (!name.startsWith(PREFIX)) {
      return false;
    }
    int dot = name.indexOf('.', PREFIX.length());
    return dot > 0 && Integer.parseInt(name.substring(PREFIX.length(), dot)) > block;
  }

  static String key(int block, String part) {
    return PREFIX + block + "." + part;
  }

  /**
   * Received attention {@code [H, T]} for a query set, as {@link LayerAttentionSummary#fromAttention}
   * defines it: column sums over the set divided by its size (EXCLUDE_SELF: minus the diagonal, over
   * T − 1; CLS_ONLY: the CLS row).
   */
  public float[] received(QuerySet querySet) {
    int t = tokens();
    float[] out = new float[heads * t];
    switch (querySet) {
      case ALL -> divide(columnSums, t, out);
      case PATCHES_ONLY -> divide(patchColumnSums, layout.patchCount(), out);
      case EXCLUDE_SELF -> {
        for (int k = 0; k < out.length; k++) {
          out[k] = t > 1 ? (float) (((double) columnSums[k] - self[k]) / (t - 1)) : 0f;
        }
      }
      case CLS_ONLY -> {
        if (clsRow == null) {
          throw new IllegalArgumentException("query set CLS_ONLY needs a CLS token");
        }
        System.arraycopy(clsRow, 0, out, 0, out.length);
      }
    }
    return out;
  }

  private static void divide(float[] sums, int count, float[] out) {
    for (int k = 0; k < out.length; k++) {
      out[k] = count > 0 ? (float) ((double) sums[k] / count) : 0f;
    }
  }

  /** The analysis package's view of this block for one query set (head mean kept if present). */
  public LayerAttentionSummary toLayerSummary(QuerySet querySet) {
    return new LayerAttentionSummary(block, heads, tokens(), querySet, received(querySet),
        clsRow == null ? null : clsRow.clone(), headMean);
  }

  /** Summaries of every block of {@code result} for {@code Analyzer.analyze(result, options, list)}. */
  public static List<LayerAttentionSummary> forAnalysis(ForwardResult result, QuerySet querySet) {
    List<LayerAttentionSummary> out = new ArrayList<>();
    for (int b = 1; b <= result.blocks(); b++) {
      if (result.block(b).attention() == null) {
        read(result.debug(), b, result.layout()).ifPresent(s -> out.add(s.toLayerSummary(querySet)));
      }
    }
    return out;
  }
}
