package dev.sinkscope.inference.model;

/**
 * DINOv3's 2-D rotary position embedding (transformers {@code DINOv3ViTRopePositionEmbedding}):
 * patch centres normalised per axis to [-1, 1], {@code head_dim / 4} frequencies {@code theta^(-4k
 * / head_dim)}, angles {@code [2 pi y f, 2 pi x f]} repeated twice to head_dim, and dimension i
 * rotated together with i + head_dim/2 ({@code rotate_half}). Only patch queries and keys are
 * rotated; the tables are recomputed for every grid, nothing is interpolated.
 *
 * @param theta {@code rope_theta} (100 in the released checkpoints)
 */
public record RotaryEmbedding(double theta) {

  public RotaryEmbedding {
    if (!(theta > 0) || Double.isInfinite(theta)) {
      throw new IllegalArgumentException("rope_theta must be positive, got " + theta);
    }
  }

  /**
   * {@code cos} and {@code sin} tables {@code [rows * cols, headDim]} (patches row-major), computed
   * in float32 in the order transformers uses, so they match its tables to float32 rounding.
   *
   * @return {@code {cos, sin}}
   */
  public float[][] tables(int rows, int cols, int headDim) {
    int n = headDim / 4;
    float[] inverseFrequency = new float[n];
    for (int k = 0; k < n; k++) {
      // 1 / theta ** arange(0, 1, 4 / head_dim) in float32
      float exponent = (float) k * (4f / headDim);
      inverseFrequency[k] = 1f / (float) Math.pow((float) theta, exponent);
    }
    float twoPi = (float) (2 * Math.PI);
    int patches = rows * cols;
    float[] cos = new float[patches * headDim];
    float[] sin = new float[patches * headDim];
    float[] half = new float[2 * n];
    for (int r = 0; r < rows; r++) {
      float y = 2f * (((float) r + 0.5f) / rows) - 1f;
      for (int c = 0; c < cols; c++) {
        float x = 2f * (((float) c + 0.5f) / cols) - 1f;
        for (int k = 0; k < n; k++) {
          half[k] = (twoPi * y) * inverseFrequency[k];
          half[n + k] = (twoPi * x) * inverseFrequency[k];
        }
        int base = (r * cols + c) * headDim;
        for (int i = 0; i < headDim; i++) {
          float angle = half[i % (2 * n)];
          cos[base + i] = (float) Math.cos(angle);
          sin[base + i] = (float) Math.sin(angle);
        }
      }
    }
    return new float[][] {cos, sin};
  }
}
