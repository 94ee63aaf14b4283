package dev.sinkscope.inference.analysis;

/** A cell of the patch grid, row-major: patch index {@code row * gridCols + col}. */
public record GridPosition(int row, int col) {}
