package dev.sinkscope.inference.mitigation;

import dev.sinkscope.inference.engine.CancellationToken;
import dev.sinkscope.inference.engine.CaptureOptions;
import dev.sinkscope.inference.engine.ForwardHooks;
import dev.sinkscope.inference.engine.ProgressListener;
import dev.sinkscope.inference.engine.VitForward;
import dev.sinkscope.inference.result.FloatTensor;
import dev.sinkscope.inference.result.ForwardResult;
import dev.sinkscope.inference.result.TokenLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Test-time shift/flip averaging, the training-free teacher of PH-Reg (Chen et al. 2025, methods
 * §5.2): run the frozen model on whole-patch shifted and mirrored copies of the image, move every
 * view's final-normed patch features back to where they came from, and average. Artifacts that sit
 * at positions rather than on content average out. Re-alignment is exact because shifts are whole
 * patches. Seeded (the reference reseeds randomly per image).
 */
public final class ShiftFlipDenoiser {

  /** Computes final-normed patch features {@code [rows * cols, D]} (row-major) of one input. */
  @FunctionalInterface
  public interface PatchFeatures {
    FloatTensor of(FloatTensor pixelValues);
  }

  /** One view: shift in whole patches and whether it is mirrored left-right. */
  public record View(int dy, int dx, boolean flipped) {}

  /**
   * The averaged features.
   *
   * @param features {@code [rows * cols, D]}, row-major over the grid
   * @param counts views that saw each cell (at least 1: view 0 is the unshifted image)
   * @param views the views used, view 0 first
   */
  public record Result(FloatTensor features, int[] counts, List<View> views, int rows, int cols) {}

  private ShiftFlipDenoiser() {}

  /** Maximum shift in patches for a grid side: round(0.15·G) (37 → 6, 16 → 2). */
  public static int maxShift(int gridSide) {
    return (int) Math.round(0.15 * gridSide);
  }

  /**
   * The views: {@code 10·count} random offsets in [−s, s]², {@code count} of them chosen by
   * farthest-point sampling from a random start, the first forced to (0, 0); flips Bernoulli(0.5)
   * with the first view unflipped.
   */
  public static List<View> views(int rows, int cols, int count, long seed) {
    return views(rows, cols, count, seed, 0.15);
  }

  /** Maximum shift in patches for a grid side and shift fraction: round(fraction·G). */
  public static int maxShift(int gridSide, double fraction) {
    return (int) Math.round(fraction * gridSide);
  }

  /** {@link #views(int, int, int, long)} with shifts up to round(shiftFraction·G) patches. */
  public static List<View> views(int rows, int cols, int count, long seed, double shiftFraction) {
    if (count < 1) {
      throw new IllegalArgumentException("need at least one view");
    }
    if (!(shiftFraction >= 0 && shiftFraction < 1)) {
      throw new IllegalArgumentException("shift fraction must be in [0, 1), got " + shiftFraction);
    }
    Random rng = new Random(seed);
    int sy = maxShift(rows, shiftFraction);
    int sx = maxShift(cols, shiftFraction);
    int candidates = 10 * count;
    int[][] offsets = new int[candidates][2];
    for (int i = 0; i < candidates; i++) {
      offsets[i][0] = sy == 0 ? 0 : rng.nextInt(2 * sy + 1) - sy;
      offsets[i][1] = sx == 0 ? 0 : rng.nextInt(2 * sx + 1) - sx;
    }
    List<int[]> chosen = new ArrayList<>();
    double[] nearest = new double[candidates];
    java.util.Arrays.fill(nearest, Double.POSITIVE_INFINITY);
    int next = rng.nextInt(candidates);
    for (int k = 0; k < count; k++) {
      chosen.add(offsets[next]);
      int best = -1;
      double bestDistance = -1;
      for (int i = 0; i < candidates; i++) {
        int ddy = offsets[i][0] - offsets[next][0];
        int ddx = offsets[i][1] - offsets[next][1];
        nearest[i] = Math.min(nearest[i], ddy * ddy + ddx * ddx);
        if (nearest[i] > bestDistance) {
          bestDistance = nearest[i];
          best = i;
        }
      }
      next = best;
    }
    List<View> views = new ArrayList<>();
    for (int k = 0; k < count; k++) {
      boolean flip = rng.nextBoolean();
      views.add(
          k == 0 ? new View(0, 0, false) : new View(chosen.get(k)[0], chosen.get(k)[1], flip));
    }
    return views;
  }

  /**
   * Denoises one image.
   *
   * @param pixelValues {@code [1, 3, H, W]}, normalised
   * @param patchSize P
   * @param fill per channel, the normalised value of a white pixel ((1 − mean) / std), used where a
   *     shifted view has no image
   */
  public static Result denoise(
      PatchFeatures model,
      FloatTensor pixelValues,
      int patchSize,
      float[] fill,
      List<View> views,
      CancellationToken cancel,
      ProgressListener progress) {
    int h = pixelValues.dim(2);
    int w = pixelValues.dim(3);
    int rows = h / patchSize;
    int cols = w / patchSize;
    double[] sum = null;
    int[] counts = new int[rows * cols];
    int d = -1;
    for (int v = 0; v < views.size(); v++) {
      cancel.throwIfCancelled();
      View view = views.get(v);
      FloatTensor shifted = shiftAndFlip(pixelValues, patchSize, view, fill);
      FloatTensor features = model.of(shifted); // [rows * cols, D]
      if (sum == null) {
        d = features.dim(1);
        sum = new double[rows * cols * d];
      }
      for (int r = 0; r < rows; r++) {
        for (int c = 0; c < cols; c++) {
          int source = sourceCell(r, c, rows, cols, view);
          if (source < 0) {
            continue;
          }
          counts[source]++;
          int from = (r * cols + c) * d;
          int to = source * d;
          for (int k = 0; k < d; k++) {
            sum[to + k] += features.data()[from + k];
          }
        }
      }
      progress.blocksDone(v + 1, views.size());
    }
    float[] mean = new float[rows * cols * d];
    for (int cell = 0; cell < rows * cols; cell++) {
      for (int k = 0; k < d; k++) {
        mean[cell * d + k] = (float) (sum[cell * d + k] / counts[cell]);
      }
    }
    return new Result(FloatTensor.of(mean, rows * cols, d), counts, List.copyOf(views), rows, cols);
  }

  /** Final-normed patch features of a model, CLS, registers and appended tokens dropped. */
  public static PatchFeatures finalNormedPatches(VitForward forward, CancellationToken cancel) {
    return finalNormedPatches(forward, ForwardHooks.NONE, cancel);
  }

  /**
   * As {@link #finalNormedPatches(VitForward, CancellationToken)}, every view run under {@code
   * hooks} (so the average is taken over the same mitigated model the single pass used).
   */
  public static PatchFeatures finalNormedPatches(
      VitForward forward, ForwardHooks hooks, CancellationToken cancel) {
    return pixels -> {
      ForwardResult r =
          forward.run(pixels, hooks, CaptureOptions.RESIDUAL_ONLY, cancel, ProgressListener.NONE);
      TokenLayout layout = r.layout();
      int d = r.lastHiddenState().dim(1);
      float[] patches =
          java.util.Arrays.copyOfRange(
              r.lastHiddenState().data(),
              layout.firstPatchIndex() * d,
              (layout.firstPatchIndex() + layout.patchCount()) * d);
      return FloatTensor.of(patches, layout.patchCount(), d);
    };
  }

  /**
   * Grid cell of the original image that cell (r, c) of the view shows, or -1 for fill. The view is
   * the image shifted by (dy, dx) patches, {@code view[y][x] = image[y + dy·P][x + dx·P]}, then
   * mirrored when flipped.
   */
  static int sourceCell(int r, int c, int rows, int cols, View view) {
    int unflippedCol = view.flipped() ? cols - 1 - c : c;
    int sr = r + view.dy();
    int sc = unflippedCol + view.dx();
    return sr < 0 || sr >= rows || sc < 0 || sc >= cols ? -1 : sr * cols + sc;
  }

  static FloatTensor shiftAndFlip(FloatTensor pixels, int patch, View view, float[] fill) {
    int h = pixels.dim(2);
    int w = pixels.dim(3);
    float[] src = pixels.data();
    float[] out = new float[src.length];
    int oy = view.dy() * patch;
    int ox = view.dx() * patch;
    for (int ch = 0; ch < 3; ch++) {
      int plane = ch * h * w;
      for (int y = 0; y < h; y++) {
        int sy = y + oy;
        for (int x = 0; x < w; x++) {
          int ux = view.flipped() ? w - 1 - x : x;
          int sx = ux + ox;
          out[plane + y * w + x] =
              sy < 0 || sy >= h || sx < 0 || sx >= w ? fill[ch] : src[plane + sy * w + sx];
        }
      }
    }
    return FloatTensor.of(out, 1, 3, h, w);
  }
}
