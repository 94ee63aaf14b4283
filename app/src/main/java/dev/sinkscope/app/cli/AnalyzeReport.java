package dev.sinkscope.app.cli;

import dev.sinkscope.inference.model.ModelSpec;
import dev.sinkscope.inference.result.ForwardResult;
import dev.sinkscope.inference.result.LayerCapture;
import dev.sinkscope.inference.result.TokenKind;
import dev.sinkscope.inference.result.TokenLayout;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** The JSON written by {@code analyze --json}. */
record AnalyzeReport(ModelSpec model, String device, InputInfo input, List<LayerNorms> layers) {

  record InputInfo(
      int height, int width, int gridRows, int gridCols, int tokens, List<TokenKind> tokenKinds) {}

  /**
   * Patch-token norm statistics of one block output (CLS, registers excluded), and the attention
   * row sums of the block over all heads and queries: 1 under softmax; a substituted normaliser
   * (sigmoid, softmax1, clipped softmax) shows here how far rows are from summing to 1. Row sums
   * are null when the pass kept no attention maps.
   */
  record LayerNorms(
      int block,
      double min,
      double median,
      double max,
      double maxOverMedian,
      Double rowSumMin,
      Double rowSumMean,
      Double rowSumMax) {}

  static AnalyzeReport of(ForwardResult result, String device) {
    TokenLayout layout = result.layout();
    int[] ps = result.pixelValues().shape();
    List<LayerNorms> layers = new ArrayList<>();
    for (LayerCapture c : result.layers()) {
      float[] norms = c.tokenNorms();
      float[] patch =
          Arrays.copyOfRange(
              norms, layout.firstPatchIndex(), layout.firstPatchIndex() + layout.patchCount());
      Arrays.sort(patch);
      int n = patch.length;
      double median = n % 2 == 1 ? patch[n / 2] : (patch[n / 2 - 1] + (double) patch[n / 2]) / 2;
      Double rowMin = null;
      Double rowMean = null;
      Double rowMax = null;
      if (c.hasAttention()) {
        // row sums per head and query: from the kept map, or the [H, T] row sums of the summary
        float[] sums = c.attention() == null ? c.summary().rowSums() : null;
        int t = c.tokens();
        float[] a = c.attention() == null ? null : c.attention().data();
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        double total = 0;
        int rows = a == null ? sums.length : a.length / t;
        for (int r = 0; r < rows; r++) {
          double sum = 0;
          if (a == null) {
            sum = sums[r];
          } else {
            for (int k = 0; k < t; k++) {
              sum += a[r * t + k];
            }
          }
          lo = Math.min(lo, sum);
          hi = Math.max(hi, sum);
          total += sum;
        }
        rowMin = lo;
        rowMean = total / rows;
        rowMax = hi;
      }
      layers.add(
          new LayerNorms(
              c.block(),
              patch[0],
              median,
              patch[n - 1],
              patch[n - 1] / median,
              rowMin,
              rowMean,
              rowMax));
    }
    return new AnalyzeReport(
        result.spec(),
        device,
        new InputInfo(
            ps[2],
            ps[3],
            layout.gridRows(),
            layout.gridCols(),
            layout.totalTokens(),
            layout.kinds()),
        layers);
  }

  void printTable(PrintWriter out) {
    out.println(
        "block  patch-norm min   median      max   max/median   attention row sums (min/mean/max)");
    for (LayerNorms l : layers) {
      out.printf(
          Locale.ROOT,
          "%5d  %14.3f %8.3f %8.3f %12.2f   %s%n",
          l.block(),
          l.min(),
          l.median(),
          l.max(),
          l.maxOverMedian(),
          l.rowSumMean() == null
              ? "-"
              : String.format(
                  java.util.Locale.ROOT,
                  "%.3f / %.3f / %.3f",
                  l.rowSumMin(),
                  l.rowSumMean(),
                  l.rowSumMax()));
    }
  }
}
