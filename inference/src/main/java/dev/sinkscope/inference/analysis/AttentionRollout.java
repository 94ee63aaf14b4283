package dev.sinkscope.inference.analysis;

import dev.sinkscope.inference.result.FloatTensor;
import dev.sinkscope.inference.result.TokenLayout;
import java.util.List;

/**
 * Attention rollout (methods §6). Only the CLS row of {@code R = A_L ⋯ A_1} is needed, so it is
 * computed as the row vector {@code e_0ᵀ A_L ⋯ A_1}: O(L·T²) instead of O(L·T³).
 */
public final class AttentionRollout {

  private AttentionRollout() {}

  /** Fuses {@code [H, T, T]} into {@code [T, T]}. */
  public static float[] fuseHeads(FloatTensor attention, HeadFusion fusion) {
    int heads = attention.dim(0);
    int cells = attention.dim(1) * attention.dim(2);
    float[] a = attention.data(); // [H, T, T]
    float[] fused = new float[cells]; // [T, T]
    for (int c = 0; c < cells; c++) {
      double acc = a[c];
      for (int h = 1; h < heads; h++) {
        float v = a[h * cells + c];
        acc =
            switch (fusion) {
              case MEAN -> acc + v;
              case MAX -> Math.max(acc, v);
              case MIN -> Math.min(acc, v);
            };
      }
      fused[c] = (float) (fusion == HeadFusion.MEAN ? acc / heads : acc);
    }
    return fused;
  }

  /**
   * Paper: {@code Â = 0.5 W + 0.5 I}, each row divided by its own sum. {@code [T, T]} in and out.
   */
  public static double[] paperLayerMatrix(float[] headMean, int n) {
    double[] a = new double[n * n];
    for (int i = 0; i < n; i++) {
      double rowSum = 0;
      for (int j = 0; j < n; j++) {
        double v = 0.5 * headMean[i * n + j] + (i == j ? 0.5 : 0);
        a[i * n + j] = v;
        rowSum += v;
      }
      for (int j = 0; j < n; j++) {
        a[i * n + j] /= rowSum;
      }
    }
    return a;
  }

  /**
   * vit-explain, reproduced including its quirks: the {@code floor(n²·ratio)} smallest entries of
   * the fused matrix are zeroed (ties broken by flat index) except flat index 0 (CLS→CLS), which is
   * skipped without replacement; {@code a = (fused + I) / 2}; entry (i, j) is divided by the sum of
   * row j, as PyTorch broadcasting of {@code a / a.sum(-1)} does. The input is not modified.
   */
  public static double[] vitExplainLayerMatrix(float[] fused, int n, double discardRatio) {
    float[] kept = fused.clone();
    int discard = (int) Math.floor((double) n * n * discardRatio);
    if (discard > 0) {
      // the discard-th smallest value is the cut; ties at the cut go in flat-index order
      double cut = RobustStatistics.selectFloat(fused, discard - 1);
      int below = 0;
      for (float v : fused) {
        below += v < cut ? 1 : 0;
      }
      int tiesToDiscard = discard - below;
      for (int i = 0; i < kept.length; i++) {
        boolean discarded = fused[i] < cut || (fused[i] == cut && tiesToDiscard-- > 0);
        if (discarded && i != 0) {
          kept[i] = 0;
        }
      }
    }
    double[] a = new double[n * n];
    double[] rowSums = new double[n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        double v = (kept[i * n + j] + (i == j ? 1.0 : 0.0)) / 2;
        a[i * n + j] = v;
        rowSums[i] += v;
      }
    }
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        a[i * n + j] /= rowSums[j];
      }
    }
    return a;
  }

  /** Row 0 of {@code A_L ⋯ A_1} for per-block matrices {@code [T, T]} given block 1 first. */
  public static double[] clsRowOfProduct(List<double[]> layerMatrices, int n) {
    double[] v = new double[n];
    v[0] = 1;
    return rowOfProduct(v, layerMatrices, n);
  }

  /** {@code sourceᵀ A_L ⋯ A_1} for per-block matrices {@code [T, T]} given block 1 first. */
  static double[] rowOfProduct(double[] source, List<double[]> layerMatrices, int n) {
    double[] v = source.clone();
    for (int l = layerMatrices.size() - 1; l >= 0; l--) {
      double[] a = layerMatrices.get(l);
      double[] next = new double[n];
      for (int i = 0; i < n; i++) {
        double vi = v[i];
        if (vi == 0) {
          continue;
        }
        int row = i * n;
        for (int j = 0; j < n; j++) {
          next[j] += vi * a[row + j];
        }
      }
      v = next;
    }
    return v;
  }

  /**
   * Rollout from per-block fused matrices {@code [T, T]}, block 1 first. In paper mode they must be
   * head means; in vit-explain mode they must be fused with {@code options.fusion()}.
   */
  public static RolloutMap rollout(
      List<float[]> fusedPerBlock, TokenLayout layout, RolloutOptions options) {
    if (!layout.hasCls()) {
      throw new IllegalArgumentException("rollout reads the CLS row and needs a CLS token");
    }
    return rolloutFrom(null, fusedPerBlock, layout, options);
  }

  /**
   * Fuses per-head query rows {@code [H, T]} into one row {@code [T]}, as {@link #fuseHeads} fuses
   * maps.
   */
  public static double[] fuseRows(float[] rows, int tokens, HeadFusion fusion) {
    return RobustStatistics.toDouble(
        fuseHeads(new FloatTensor(new int[] {rows.length / tokens, 1, tokens}, rows), fusion));
  }

  /**
   * Rollout read from {@code source} {@code [T]} instead of the CLS row: {@code sourceᵀ A_L ⋯ A_1}.
   * A model without CLS that pools with a probe uses the probe's attention over the last block's
   * output (no identity is mixed in: the probe has no residual path to the tokens). Null source =
   * CLS (e_0).
   */
  public static RolloutMap rolloutFrom(
      double[] source, List<float[]> fusedPerBlock, TokenLayout layout, RolloutOptions options) {
    int n = layout.totalTokens();
    if (source != null && source.length != n) {
      throw new IllegalArgumentException("source row must have T = " + n + " entries");
    }
    List<double[]> matrices =
        fusedPerBlock.stream()
            .map(
                f -> {
                  if (f.length != n * n) {
                    throw new IllegalArgumentException(
                        "fused attention must be [T, T] with T = " + n);
                  }
                  return options.mode() == RolloutMode.PAPER
                      ? paperLayerMatrix(f, n)
                      : vitExplainLayerMatrix(f, n, options.discardRatio());
                })
            .toList();
    double[] clsRow =
        source == null ? clsRowOfProduct(matrices, n) : rowOfProduct(source, matrices, n);
    int first = layout.firstPatchIndex();
    int patches = layout.patchCount();
    float[] raw = new float[patches];
    double total = 0;
    double onPatches = 0;
    double max = Double.NEGATIVE_INFINITY;
    for (int j = 0; j < n; j++) {
      total += clsRow[j];
    }
    for (int p = 0; p < patches; p++) {
      raw[p] = (float) clsRow[first + p];
      onPatches += clsRow[first + p];
      max = Math.max(max, clsRow[first + p]);
    }
    float[] normalized = new float[patches];
    for (int p = 0; p < patches; p++) {
      normalized[p] = max > 0 ? (float) (clsRow[first + p] / max) : 0f;
    }
    boolean paper = options.mode() == RolloutMode.PAPER;
    return new RolloutMap(
        options.mode(),
        paper ? HeadFusion.MEAN : options.fusion(),
        paper ? 0 : options.discardRatio(),
        fusedPerBlock.size(),
        layout.gridRows(),
        layout.gridCols(),
        raw,
        normalized,
        total == 0 ? Double.NaN : 1 - onPatches / total);
  }
}
