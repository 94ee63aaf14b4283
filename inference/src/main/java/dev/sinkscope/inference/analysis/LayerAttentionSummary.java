package dev.sinkscope.inference.analysis;

import dev.sinkscope.inference.result.AttentionSummary;
import dev.sinkscope.inference.result.FloatTensor;
import dev.sinkscope.inference.result.TokenKind;
import dev.sinkscope.inference.result.TokenLayout;
import java.util.Arrays;

/**
 * What the sink, CLS and rollout analyses need from one block's attention, small enough to keep
 * when the full {@code [H, T, T]} maps are not (ViT-L at 518 px: T = 1374, 16 heads ≈ 120 MB per
 * block). A capture can build it with {@link #fromAttention} and drop the full map.
 *
 * @param block 1-based block number
 * @param heads H
 * @param tokens T
 * @param querySet the query rows averaged into {@code received}
 * @param received {@code [H, T]} received attention {@code r_j^h = (1/|Q|) Σ_{i∈Q} A[h, i, j]}
 * @param clsRow {@code [H, T]} the CLS query row {@code A[h, 0, :]}; null without a CLS token
 * @param headMean {@code [T, T]} head-averaged attention for rollout; null when not kept
 */
public record LayerAttentionSummary(
    int block,
    int heads,
    int tokens,
    QuerySet querySet,
    float[] received,
    float[] clsRow,
    float[] headMean) {

  public LayerAttentionSummary {
    if (received.length != heads * tokens) {
      throw new IllegalArgumentException(
          "received must be [H, T] = [" + heads + ", " + tokens + "]");
    }
    if (clsRow != null && clsRow.length != heads * tokens) {
      throw new IllegalArgumentException("clsRow must be [H, T] = [" + heads + ", " + tokens + "]");
    }
    if (headMean != null && headMean.length != tokens * tokens) {
      throw new IllegalArgumentException("headMean must be [T, T] with T = " + tokens);
    }
  }

  /** Summarises a full map {@code [H, T, T]} (rows = queries) for one query set. */
  public static LayerAttentionSummary fromAttention(
      int block,
      FloatTensor attention,
      TokenLayout layout,
      QuerySet querySet,
      boolean keepHeadMean) {
    if (attention.rank() != 3 || attention.dim(1) != attention.dim(2)) {
      throw new IllegalArgumentException("attention must be [H, T, T], got " + attention);
    }
    int heads = attention.dim(0);
    int t = attention.dim(1);
    if (t != layout.totalTokens()) {
      throw new IllegalArgumentException(
          "attention has " + t + " tokens, layout expects " + layout.totalTokens());
    }
    if (querySet == QuerySet.CLS_ONLY && !layout.hasCls()) {
      throw new IllegalArgumentException("query set CLS_ONLY needs a CLS token");
    }
    boolean[] inQuerySet = new boolean[t];
    int querySize = 0;
    for (int i = 0; i < t; i++) {
      inQuerySet[i] =
          switch (querySet) {
            case ALL, EXCLUDE_SELF -> true;
            case PATCHES_ONLY -> layout.kindOf(i) == TokenKind.PATCH;
            case CLS_ONLY -> i == 0;
          };
      querySize += inQuerySet[i] ? 1 : 0;
    }
    float[] a = attention.data(); // [H, T, T]
    float[] received = new float[heads * t]; // [H, T]
    float[] clsRow = layout.hasCls() ? new float[heads * t] : null; // [H, T]
    double[] columnSums = new double[t];
    for (int h = 0; h < heads; h++) {
      Arrays.fill(columnSums, 0);
      for (int i = 0; i < t; i++) {
        if (!inQuerySet[i]) {
          continue;
        }
        int row = (h * t + i) * t;
        for (int j = 0; j < t; j++) {
          columnSums[j] += a[row + j];
        }
      }
      for (int j = 0; j < t; j++) {
        double sum = columnSums[j];
        double denominator = querySize;
        if (querySet == QuerySet.EXCLUDE_SELF) {
          sum -= a[(h * t + j) * t + j];
          denominator = t - 1;
        }
        received[h * t + j] = denominator > 0 ? (float) (sum / denominator) : 0f;
      }
      if (clsRow != null) {
        System.arraycopy(a, h * t * t, clsRow, h * t, t);
      }
    }
    return new LayerAttentionSummary(
        block,
        heads,
        t,
        querySet,
        received,
        clsRow,
        keepHeadMean ? AttentionRollout.fuseHeads(attention, HeadFusion.MEAN) : null);
  }

  /**
   * The same numbers from a block's {@link AttentionSummary} (full map or device-made): received
   * attention as {@link #fromAttention} defines it for every query set, the CLS row and the head
   * mean.
   */
  public static LayerAttentionSummary fromSummary(AttentionSummary summary, QuerySet querySet) {
    float[] received =
        switch (querySet) {
          case ALL -> summary.receivedAll();
          case PATCHES_ONLY -> summary.receivedFromPatches();
          case EXCLUDE_SELF -> summary.receivedExcludingSelf();
          case CLS_ONLY -> {
            if (summary.clsRow() == null) {
              throw new IllegalArgumentException("query set CLS_ONLY needs a CLS token");
            }
            yield summary.clsRow().clone();
          }
        };
    return new LayerAttentionSummary(
        summary.block(),
        summary.heads(),
        summary.tokens(),
        querySet,
        received,
        summary.clsRow() == null ? null : summary.clsRow().clone(),
        summary.headMean());
  }

  /** Received attention of head {@code h} on key {@code j}. */
  public float received(int h, int j) {
    return received[h * tokens + j];
  }
}
