package dev.sinkscope.render;

import java.util.Objects;

/**
 * A ring drawn on one patch to flag it, with an optional rank label ("1" for the strongest).
 *
 * @param kind what was detected there; each kind has its own shape and colour
 * @param row patch row in the grid
 * @param col patch column in the grid
 * @param rank 1-based rank shown next to the ring, or 0 for no label
 */
public record Marker(Kind kind, int row, int col, int rank) {

  public enum Kind {
    /** High-norm artifact token: solid red ring. */
    ARTIFACT,
    /** Attention sink (receives a large share of attention): yellow double ring. */
    SINK,
    /** Where a register token's behaviour shows up: dashed cyan square, to tell it from rings. */
    REGISTER
  }

  public Marker {
    Objects.requireNonNull(kind, "kind");
    if (row < 0 || col < 0) {
      throw new IllegalArgumentException(
          "marker position must not be negative: (" + row + "," + col + ")");
    }
    if (rank < 0) {
      throw new IllegalArgumentException("rank must be 0 (none) or positive, got " + rank);
    }
  }

  public static Marker artifact(int row, int col, int rank) {
    return new Marker(Kind.ARTIFACT, row, col, rank);
  }

  public static Marker sink(int row, int col, int rank) {
    return new Marker(Kind.SINK, row, col, rank);
  }

  public static Marker register(int row, int col, int rank) {
    return new Marker(Kind.REGISTER, row, col, rank);
  }
}
