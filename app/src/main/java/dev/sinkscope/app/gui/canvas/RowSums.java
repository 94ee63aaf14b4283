package dev.sinkscope.app.gui.canvas;

import dev.sinkscope.inference.analysis.AnalysisReport;
import dev.sinkscope.inference.analysis.LayerSinkAnalysis;

/**
 * The attention row-sum readout the normaliser card refers to: under softmax every row sums to 1; a
 * substituted normaliser (sigmoid, softmax1, clipped softmax) shows here how far rows are from it.
 */
public final class RowSums {
  private RowSums() {}

  /**
   * Mean over heads and the block's query rows of {@code Σ_j A[h, i, j]}: the sum of the head-mean
   * received attention ({@code received[j] = mean_{h,i} A[h, i, j]}, so {@code Σ_j received[j]} is
   * the mean row sum). NaN when the block kept no attention.
   */
  public static double mean(AnalysisReport report, int block) {
    LayerSinkAnalysis layer = LayerMaps.sinkLayer(report, block);
    if (layer == null || layer.received() == null) {
      return Double.NaN;
    }
    double sum = 0;
    for (float v : layer.received()) {
      sum += v;
    }
    return sum;
  }
}
