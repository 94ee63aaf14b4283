package dev.sinkscope.inference.result;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The order of tokens in one forward pass: prefix tokens (CLS, distillation, registers), the patch
 * grid in row-major order, then any appended test-time registers.
 *
 * <p>Patch (r, c) is token {@code firstPatchIndex() + r * gridCols + c}.
 */
public record TokenLayout(
    boolean hasCls,
    boolean hasDistillation,
    int registers,
    int gridRows,
    int gridCols,
    int testTimeRegisters) {

  public TokenLayout {
    if (registers < 0 || testTimeRegisters < 0) {
      throw new IllegalArgumentException("register counts must be >= 0");
    }
    if (gridRows <= 0 || gridCols <= 0) {
      throw new IllegalArgumentException(
          "patch grid must be at least 1x1, got " + gridRows + "x" + gridCols);
    }
  }

  /** Number of tokens before the first patch. */
  public int prefixTokens() {
    return (hasCls ? 1 : 0) + (hasDistillation ? 1 : 0) + registers;
  }

  public int patchCount() {
    return gridRows * gridCols;
  }

  public int firstPatchIndex() {
    return prefixTokens();
  }

  public int totalTokens() {
    return prefixTokens() + patchCount() + testTimeRegisters;
  }

  /** Token index of patch (row, col). */
  public int patchToken(int row, int col) {
    if (row < 0 || row >= gridRows || col < 0 || col >= gridCols) {
      throw new IndexOutOfBoundsException(
          "patch (" + row + ", " + col + ") outside " + gridRows + "x" + gridCols);
    }
    return firstPatchIndex() + row * gridCols + col;
  }

  /** Index of the first trained register, or -1 when there are none. */
  public int firstRegisterIndex() {
    return registers == 0 ? -1 : (hasCls ? 1 : 0) + (hasDistillation ? 1 : 0);
  }

  /** Index of the first appended test-time register, or -1 when there are none. */
  public int firstTestTimeRegisterIndex() {
    return testTimeRegisters == 0 ? -1 : prefixTokens() + patchCount();
  }

  public TokenKind kindOf(int token) {
    if (token < 0 || token >= totalTokens()) {
      throw new IndexOutOfBoundsException("token " + token + " outside 0.." + (totalTokens() - 1));
    }
    int i = token;
    if (hasCls) {
      if (i == 0) {
        return TokenKind.CLS;
      }
      i--;
    }
    if (hasDistillation) {
      if (i == 0) {
        return TokenKind.DISTILLATION;
      }
      i--;
    }
    if (i < registers) {
      return TokenKind.REGISTER;
    }
    i -= registers;
    return i < patchCount() ? TokenKind.PATCH : TokenKind.TEST_TIME_REGISTER;
  }

  /** All token kinds in sequence order. */
  public List<TokenKind> kinds() {
    List<TokenKind> kinds = new ArrayList<>(totalTokens());
    for (int t = 0; t < totalTokens(); t++) {
      kinds.add(kindOf(t));
    }
    return Collections.unmodifiableList(kinds);
  }

  /** The same layout with {@code count} test-time registers appended. */
  public TokenLayout withTestTimeRegisters(int count) {
    return new TokenLayout(hasCls, hasDistillation, registers, gridRows, gridCols, count);
  }

  /** The same layout without its trained registers (register ablation). */
  public TokenLayout withoutRegisters() {
    return new TokenLayout(hasCls, hasDistillation, 0, gridRows, gridCols, testTimeRegisters);
  }

  /**
   * The layout of {@code spec} for an input of {@code height x width} pixels (multiples of the
   * patch size), before any test-time register. Lives here, not on the spec, so the model
   * description does not depend on the pass results (no package cycle).
   */
  public static TokenLayout of(
      dev.sinkscope.inference.model.ModelSpec spec, int height, int width) {
    return new TokenLayout(
        spec.hasCls(),
        spec.hasDistillation(),
        spec.registers(),
        height / spec.patchSize(),
        width / spec.patchSize(),
        0);
  }
}
