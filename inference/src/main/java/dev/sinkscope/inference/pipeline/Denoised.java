package dev.sinkscope.inference.pipeline;

import dev.sinkscope.inference.mitigation.ShiftFlipDenoiser;
import dev.sinkscope.inference.result.FloatTensor;
import java.util.List;

/**
 * A shift/flip average of one photo's final-normed patch features (methods §5.2), as {@link
 * InspectionPipeline#denoise} makes it for the window and the {@code denoise} command alike.
 *
 * @param features the average {@code [rows * cols, D]}, row-major over the grid
 * @param plain the unshifted view's features {@code [rows * cols, D]} (view 0, the single pass)
 * @param counts views that saw each cell (at least 1)
 * @param views the views used, view 0 (unshifted, unmirrored) first
 * @param seed seed of the view choice
 */
public record Denoised(
    FloatTensor features,
    FloatTensor plain,
    int[] counts,
    List<ShiftFlipDenoiser.View> views,
    int rows,
    int cols,
    long seed) {

  /** Per patch (row-major), {@code ||x - x_avg||} between the single pass and the average. */
  public float[] change() {
    int d = features.dim(1);
    float[] change = new float[rows * cols];
    for (int i = 0; i < change.length; i++) {
      double diff = 0;
      for (int k = 0; k < d; k++) {
        double a = plain.data()[i * d + k];
        double b = features.data()[i * d + k];
        diff += (a - b) * (a - b);
      }
      change[i] = (float) Math.sqrt(diff);
    }
    return change;
  }

  /** Per patch (row-major), the cosine between the single pass's feature and the average. */
  public float[] cosine() {
    int d = features.dim(1);
    float[] cosine = new float[rows * cols];
    for (int i = 0; i < cosine.length; i++) {
      double dot = 0;
      double na = 0;
      double nb = 0;
      for (int k = 0; k < d; k++) {
        double a = plain.data()[i * d + k];
        double b = features.data()[i * d + k];
        dot += a * b;
        na += a * a;
        nb += b * b;
      }
      cosine[i] = (float) (dot / Math.max(Math.sqrt(na * nb), 1e-12));
    }
    return cosine;
  }
}
