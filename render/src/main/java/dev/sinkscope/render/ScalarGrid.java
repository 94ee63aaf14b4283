package dev.sinkscope.render;

import java.util.Objects;

/**
 * One scalar per patch (a norm, received attention, a rollout weight...), row-major: the value of
 * patch (row, col) is {@code values[row * cols + col]}. NaN marks a patch with no value; it is
 * drawn in the colormap's NaN colour.
 *
 * <p>The array is shared, not copied, because grids come straight out of inference buffers.
 */
public record ScalarGrid(int rows, int cols, float[] values) {

  public ScalarGrid {
    if (rows <= 0 || cols <= 0) {
      throw new IllegalArgumentException("grid size must be positive: " + rows + "x" + cols);
    }
    Objects.requireNonNull(values, "values");
    if (values.length != Math.multiplyExact(rows, cols)) {
      throw new IllegalArgumentException(
          "grid has " + values.length + " values, expected " + rows + "x" + cols);
    }
  }

  public static ScalarGrid of(int rows, int cols, float... values) {
    return new ScalarGrid(rows, cols, values);
  }

  /**
   * Patch values from a per-token vector that starts with {@code prefixTokens} non-patch tokens
   * (CLS, registers), as ViT outputs are laid out.
   */
  public static ScalarGrid fromTokens(float[] tokenValues, int prefixTokens, int rows, int cols) {
    int patches = Math.multiplyExact(rows, cols);
    if (prefixTokens < 0 || tokenValues.length != prefixTokens + patches) {
      throw new IllegalArgumentException(
          "expected "
              + prefixTokens
              + " prefix tokens + "
              + patches
              + " patches, got "
              + tokenValues.length
              + " tokens");
    }
    float[] values = new float[patches];
    System.arraycopy(tokenValues, prefixTokens, values, 0, patches);
    return new ScalarGrid(rows, cols, values);
  }

  /**
   * Attention paid by token {@code queryToken} to every patch: one row of a row-major {@code tokens
   * x tokens} attention matrix.
   */
  public static ScalarGrid attentionRow(
      float[] attention, int tokens, int queryToken, int prefixTokens, int rows, int cols) {
    checkAttention(attention, tokens, queryToken, prefixTokens, rows, cols);
    float[] values = new float[rows * cols];
    System.arraycopy(attention, queryToken * tokens + prefixTokens, values, 0, values.length);
    return new ScalarGrid(rows, cols, values);
  }

  /**
   * Attention received by token {@code keyToken} from every patch: one column of a row-major {@code
   * tokens x tokens} attention matrix.
   */
  public static ScalarGrid attentionColumn(
      float[] attention, int tokens, int keyToken, int prefixTokens, int rows, int cols) {
    checkAttention(attention, tokens, keyToken, prefixTokens, rows, cols);
    float[] values = new float[rows * cols];
    for (int patch = 0; patch < values.length; patch++) {
      values[patch] = attention[(prefixTokens + patch) * tokens + keyToken];
    }
    return new ScalarGrid(rows, cols, values);
  }

  private static void checkAttention(
      float[] attention, int tokens, int token, int prefixTokens, int rows, int cols) {
    if (tokens != prefixTokens + rows * cols) {
      throw new IllegalArgumentException(
          "tokens " + tokens + " != " + prefixTokens + " + " + rows + "x" + cols);
    }
    if (attention.length != (long) tokens * tokens) {
      throw new IllegalArgumentException("attention is not " + tokens + "x" + tokens);
    }
    if (token < 0 || token >= tokens) {
      throw new IndexOutOfBoundsException("token " + token + " of " + tokens);
    }
  }

  public int size() {
    return values.length;
  }

  public float get(int row, int col) {
    if (row < 0 || col < 0 || row >= rows || col >= cols) {
      throw new IndexOutOfBoundsException(
          "patch (" + row + "," + col + ") outside " + rows + "x" + cols);
    }
    return values[row * cols + col];
  }

  /** {@code after - before}, patch by patch; NaN where either is NaN. */
  public static ScalarGrid difference(ScalarGrid before, ScalarGrid after) {
    if (before.rows != after.rows || before.cols != after.cols) {
      throw new IllegalArgumentException(
          "grids differ in shape: "
              + before.rows
              + "x"
              + before.cols
              + " vs "
              + after.rows
              + "x"
              + after.cols);
    }
    float[] delta = new float[before.values.length];
    for (int i = 0; i < delta.length; i++) {
      delta[i] = after.values[i] - before.values[i];
    }
    return new ScalarGrid(before.rows, before.cols, delta);
  }

  // Value semantics for the array, like Raster.
  @Override
  public boolean equals(Object other) {
    return other instanceof ScalarGrid g
        && g.rows == rows
        && g.cols == cols
        && java.util.Arrays.equals(g.values, values);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * rows + cols) + java.util.Arrays.hashCode(values);
  }

  @Override
  public String toString() {
    return "ScalarGrid[" + rows + "x" + cols + "]";
  }
}
