package dev.sinkscope.render;

/**
 * Precomputed mapping of one output axis (pixels of the original, or of a display) onto grid cells.
 * Resampling is separable, so two of these replace all per-pixel coordinate arithmetic in the hot
 * loops.
 */
final class AxisSampling {

  /** Grid cell under each pixel centre, or -1 where the pixel lies outside the crop. */
  final int[] nearest;

  /** Bilinear neighbours and weight of {@link #upper} (cell centres at k + 0.5, edges clamped). */
  final int[] lower;

  final int[] upper;
  final float[] weight;
  private final int first;
  private final int end;

  private AxisSampling(
      int[] nearest, int[] lower, int[] upper, float[] weight, int first, int end) {
    this.nearest = nearest;
    this.lower = lower;
    this.upper = upper;
    this.weight = weight;
    this.first = first;
    this.end = end;
  }

  /**
   * @param pixels pixels along the output axis (original or display size)
   * @param resized size of the resized photo along this axis
   * @param cropOffset crop start in resized pixels (negative for padding)
   * @param cropSize crop size in resized pixels
   * @param cells grid cells along this axis
   */
  static AxisSampling of(int pixels, int resized, int cropOffset, int cropSize, int cells) {
    int[] nearest = new int[pixels];
    int[] lower = new int[pixels];
    int[] upper = new int[pixels];
    float[] weight = new float[pixels];
    int first = -1;
    int end = -1;
    for (int i = 0; i < pixels; i++) {
      double cropCoord = (2.0 * i + 1.0) * resized / (2.0 * pixels) - cropOffset;
      if (!(cropCoord >= 0 && cropCoord < cropSize)) {
        nearest[i] = -1;
        continue;
      }
      if (first < 0) {
        first = i;
      }
      end = i + 1;
      double gridCoord = cropCoord * cells / cropSize;
      nearest[i] = Math.min(cells - 1, (int) gridCoord);
      double fromCentre = gridCoord - 0.5;
      int below = (int) Math.floor(fromCentre);
      if (below < 0) {
        lower[i] = 0;
        upper[i] = 0;
      } else if (below >= cells - 1) {
        lower[i] = cells - 1;
        upper[i] = cells - 1;
      } else {
        lower[i] = below;
        upper[i] = below + 1;
        weight[i] = (float) (fromCentre - below);
      }
    }
    return first < 0
        ? new AxisSampling(nearest, lower, upper, weight, 0, 0)
        : new AxisSampling(nearest, lower, upper, weight, first, end);
  }

  /** First pixel inside the crop (equal to {@link #end()} when none is). */
  int first() {
    return first;
  }

  /** One past the last pixel inside the crop; inside pixels are contiguous. */
  int end() {
    return end;
  }

  boolean isEmpty() {
    return first == end;
  }
}
