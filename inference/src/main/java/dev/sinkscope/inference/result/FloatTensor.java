package dev.sinkscope.inference.result;

import dev.sinkscope.inference.safetensors.FloatData;
import java.util.Arrays;

/**
 * A host-side float32 tensor in row-major order. Results cross module and thread boundaries in this
 * form, never as native arrays.
 */
public record FloatTensor(int[] shape, float[] data) implements FloatData {

  public FloatTensor {
    shape = shape.clone();
    long n = 1;
    for (int d : shape) {
      if (d < 0) {
        throw new IllegalArgumentException("negative dimension in " + Arrays.toString(shape));
      }
      n *= d;
    }
    if (n != data.length) {
      throw new IllegalArgumentException(
          "shape " + Arrays.toString(shape) + " needs " + n + " values, got " + data.length);
    }
  }

  public static FloatTensor of(float[] data, int... shape) {
    return new FloatTensor(shape, data);
  }

  @Override
  public int[] shape() {
    return shape.clone();
  }

  public int rank() {
    return shape.length;
  }

  public int dim(int axis) {
    return shape[axis < 0 ? shape.length + axis : axis];
  }

  public int size() {
    return data.length;
  }

  /** The same values under another shape with the same element count. */
  public FloatTensor reshape(int... newShape) {
    return new FloatTensor(newShape, data);
  }

  /** Row {@code i} of a rank-2 tensor, copied. */
  public float[] row(int i) {
    if (shape.length != 2) {
      throw new IllegalStateException(
          "row() needs a rank-2 tensor, shape is " + Arrays.toString(shape));
    }
    int cols = shape[1];
    return Arrays.copyOfRange(data, i * cols, (i + 1) * cols);
  }

  /** L2 norm of every row of a rank-2 tensor [rows, cols]; accumulated in double. */
  public float[] rowNorms() {
    if (shape.length != 2) {
      throw new IllegalStateException(
          "rowNorms() needs a rank-2 tensor, shape is " + Arrays.toString(shape));
    }
    int rows = shape[0];
    int cols = shape[1];
    float[] norms = new float[rows];
    for (int r = 0; r < rows; r++) {
      double s = 0;
      int base = r * cols;
      for (int c = 0; c < cols; c++) {
        double v = data[base + c];
        s += v * v;
      }
      norms[r] = (float) Math.sqrt(s);
    }
    return norms;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FloatTensor t
        && Arrays.equals(shape, t.shape)
        && Arrays.equals(data, t.data);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(shape) + Arrays.hashCode(data);
  }

  @Override
  public String toString() {
    return "FloatTensor" + Arrays.toString(shape);
  }
}
