package dev.sinkscope.app.gui.session;

import dev.sinkscope.inference.analysis.PatchPca;
import dev.sinkscope.inference.pipeline.InspectionPipeline;
import dev.sinkscope.inference.result.FloatTensor;
import dev.sinkscope.inference.result.ForwardResult;
import dev.sinkscope.inference.result.TokenLayout;

/**
 * The final-layer features ({@code last_hidden_state}: final-normed for DINOv2, ViT and timm) that
 * a pass shows at its last block while shift/flip denoising is on: averaged over views on the
 * denoised pass, the pass's own on the side it is compared with. Host-side only.
 *
 * @param views forward passes averaged; 1 = the single unshifted pass
 * @param seed seed of the view choice (0 for a single pass)
 * @param tokenNorms L2 norm of every token's final feature {@code [T]}; only patch rows are
 *     averaged
 * @param pca PCA colours of the patch features, or null when the grid is too small
 * @param change per patch (row-major), {@code ||x - x_avg||} against the single pass; null for a
 *     single pass
 */
public record FinalFeatures(
    int views, long seed, float[] tokenNorms, PatchPca pca, float[] change) {

  public boolean averaged() {
    return views > 1;
  }

  /** The pass's own final features. */
  public static FinalFeatures single(ForwardResult result) {
    FloatTensor tokens = result.lastHiddenState();
    return new FinalFeatures(1, 0, tokens.rowNorms(), pca(tokens, result), null);
  }

  /**
   * {@code result}'s final features with the patch rows replaced by {@code averagedPatches} ({@code
   * [N, D]}, row-major over the grid); CLS and registers stay as the single pass had them.
   */
  public static FinalFeatures averaged(
      ForwardResult result, FloatTensor averagedPatches, int views, long seed) {
    FloatTensor plain = result.lastHiddenState();
    TokenLayout layout = result.layout();
    int d = plain.dim(1);
    int n = layout.patchCount();
    if (averagedPatches.dim(0) != n || averagedPatches.dim(1) != d) {
      throw new IllegalArgumentException(
          "averaged patches must be [" + n + ", " + d + "], got " + averagedPatches);
    }
    float[] data = plain.data().clone();
    System.arraycopy(averagedPatches.data(), 0, data, layout.firstPatchIndex() * d, n * d);
    FloatTensor tokens = FloatTensor.of(data, plain.dim(0), d);
    float[] change = new float[n];
    for (int p = 0; p < n; p++) {
      int offset = (layout.firstPatchIndex() + p) * d;
      double sum = 0;
      for (int k = 0; k < d; k++) {
        double diff = plain.data()[offset + k] - data[offset + k];
        sum += diff * diff;
      }
      change[p] = (float) Math.sqrt(sum);
    }
    return new FinalFeatures(views, seed, tokens.rowNorms(), pca(tokens, result), change);
  }

  private static PatchPca pca(FloatTensor tokens, ForwardResult result) {
    return InspectionPipeline.finalFeaturePca(tokens, result);
  }

  /** One line for captions, e.g. "final features, shift/flip average of 8 views". */
  public String describe() {
    return averaged()
        ? "final features, shift/flip average of " + views + " views"
        : "final features, single pass";
  }
}
