package dev.sinkscope.inference.analysis;

import dev.sinkscope.inference.result.TokenLayout;
import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/** DINO-style CLS attention maps and the mass threshold (methods §6). */
public final class ClsAttention {

  private ClsAttention() {}

  /**
   * @param block 1-based block the rows come from
   * @param clsRows {@code [H, T]} the CLS query row of every head (or the pooling probe's, for a
   *     model without CLS)
   * @param layout token layout
   * @param keptMass mass share to keep per head (DINO uses 0.6)
   */
  public static ClsAttentionMaps maps(
      int block, float[] clsRows, int heads, TokenLayout layout, double keptMass) {
    int t = layout.totalTokens();
    if (clsRows.length != heads * t) {
      throw new IllegalArgumentException("CLS rows must be [H, T] = [" + heads + ", " + t + "]");
    }
    int patches = layout.patchCount();
    int first = layout.firstPatchIndex();
    float[] perHead = new float[heads * patches]; // [H, h·w]
    float[] headMean = new float[patches]; // [h·w]
    boolean[] kept = new boolean[heads * patches]; // [H, h·w]
    float[] patchMass = new float[heads]; // [H]
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    for (int h = 0; h < heads; h++) {
      float[] head = Arrays.copyOfRange(clsRows, h * t + first, h * t + first + patches);
      System.arraycopy(head, 0, perHead, h * patches, patches);
      System.arraycopy(massThresholdMask(head, keptMass), 0, kept, h * patches, patches);
      double rowTotal = 0;
      double onPatches = 0;
      for (int j = 0; j < t; j++) {
        rowTotal += clsRows[h * t + j];
      }
      for (int p = 0; p < patches; p++) {
        onPatches += head[p];
        headMean[p] += head[p] / heads;
        min = Math.min(min, head[p]);
        max = Math.max(max, head[p]);
      }
      patchMass[h] = rowTotal == 0 ? Float.NaN : (float) (onPatches / rowTotal);
    }
    return new ClsAttentionMaps(
        block,
        heads,
        layout.gridRows(),
        layout.gridCols(),
        perHead,
        headMean,
        kept,
        keptMass,
        min,
        max,
        patchMass);
  }

  /**
   * DINO's mass threshold: sort ascending, divide by the sum, cumulative sum, keep entries whose
   * cumulative sum exceeds {@code 1 − keptMass}, map back to the original order. [0.1, 0.2, 0.3,
   * 0.4] at 0.6 keeps 0.3 and 0.4.
   */
  public static boolean[] massThresholdMask(float[] values, double keptMass) {
    int n = values.length;
    Integer[] order = IntStream.range(0, n).boxed().toArray(Integer[]::new);
    Arrays.sort(order, Comparator.comparingDouble(i -> values[i]));
    double total = 0;
    for (float v : values) {
      total += v;
    }
    boolean[] kept = new boolean[n];
    double cumulative = 0;
    for (int rank = 0; rank < n; rank++) {
      int i = order[rank];
      cumulative += values[i] / total;
      kept[i] = cumulative > 1 - keptMass;
    }
    return kept;
  }
}
