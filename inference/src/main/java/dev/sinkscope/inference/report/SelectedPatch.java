package dev.sinkscope.inference.report;

/**
 * The patch a view is about (the attention row or column of the selected patch), by its place in
 * the patch grid, both from zero at the top-left. Written as {@code {"row": 3, "col": 5}}.
 *
 * @param row patch row
 * @param col patch column
 */
public record SelectedPatch(int row, int col) {

  public SelectedPatch {
    if (row < 0 || col < 0) {
      throw new IllegalArgumentException(
          "view.patch row and col count from 0, got (" + row + ", " + col + ")");
    }
  }

  /** Throws when the patch lies outside a {@code rows x cols} grid. */
  public void validate(int rows, int cols) {
    if (row >= rows || col >= cols) {
      throw new IllegalArgumentException(
          "patch ("
              + row
              + ", "
              + col
              + ") does not exist: the patch grid is "
              + rows
              + "x"
              + cols
              + " (rows 0-"
              + (rows - 1)
              + ", columns 0-"
              + (cols - 1)
              + ")");
    }
  }

  @Override
  public String toString() {
    return "(" + row + ", " + col + ")";
  }
}
