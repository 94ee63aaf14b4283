package dev.sinkscope.render;

/** A patch of the grid by row and column, both from zero at the top-left. */
public record PatchPosition(int row, int col) {

  public PatchPosition {
    if (row < 0 || col < 0) {
      throw new IllegalArgumentException(
          "patch position must not be negative: (" + row + "," + col + ")");
    }
  }
}
