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

/** The JSON written by {@code analyze --json}. */
record AnalyzeReport(ModelSpec model, String device, InputInfo input, List<LayerNorms> layers) {

  record InputInfo(int height, int width, int gridRows, int gridCols, int tokens, List<TokenKind> tokenKinds) {}

  /** Patch-token norm statistics of one block output (CLS, registers excluded). */
  record LayerNorms(int block, double min, double median, double max, double maxOverMedian) {}

  static AnalyzeReport of(ForwardResult result, String device) {
    TokenLayout layout = result.layout();
    int[] ps = result.pixelValues().shape();
    List<LayerNorms> layers = new ArrayList<>();
    for (LayerCapture c : result.layers()) {
      float[] norms = c.tokenNorms();
      float[] patch = Arrays.copyOfRange(norms, layout.firstPatchIndex(), layout.firstPatchIndex() + layout.patchCount());
      Arrays.sort(patch);
      int n = patch.length;
      double median = n % 2 == 1 ? patch[n / 2] : (patch[n / 2 - 1] + (double) patch[n / 2]) / 2;
      layers.add(new LayerNorms(c.block(), patch[0], median, patch[n - 1], patch[n - 1] / median));
    }
    return new AnalyzeReport(result.spec(), device,
        new InputInfo(ps[2], ps[3], layout.gridRows(), layout.gridCols(), layout.totalTokens(), layout.kinds()),
        layers);
  }

  void printTable(PrintWriter out) {
    out.println("block  patch-norm min   median      max   max/median");
    for (LayerNorms l : layers) {
      out.printf("%5d  %14.3f %8.3f %8.3f %12.2f%n", l.block(), l.min(), l.median(), l.max(), l.maxOverMedian());
    }
  }
}
