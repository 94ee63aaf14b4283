package dev.sinkscope.inference.result;

/**
 * Where a forward pass first produced NaN or infinity, or {@link #OK}.
 *
 * <p>Tensors are checked in the order the pass computes them: the input, the embeddings, then per
 * block the attention probabilities, the MLP activations (when captured) and the block output, and
 * last the final hidden state and pooled output. A non-finite value spreads into everything
 * computed after it, so the first place is the one worth reporting. Callers must not draw heatmaps
 * or run analyses on a result that is not {@link #ok()}: NaN compares false with everything and
 * would silently turn into "no sink".
 *
 * @param block 0 for the input and the embeddings ({@code hidden_states.0}), 1..L for a block, L +
 *     1 for the tensors after the last block; -1 when OK
 * @param tensor the first tensor with a non-finite value; {@code null} when OK
 * @param firstIndex flat (row-major) index of the first non-finite value in that tensor; -1 when OK
 * @param firstValue that value (NaN, +Inf or -Inf); 0 when OK
 * @param nonFiniteValues how many values of that tensor are non-finite; 0 when OK
 * @param tensorSize how many values that tensor has; 0 when OK
 */
public record NumericalHealth(
    int block,
    Tensor tensor,
    int firstIndex,
    float firstValue,
    long nonFiniteValues,
    long tensorSize) {

  /** The kinds of tensor a forward result holds, in the order a pass computes them. */
  public enum Tensor {
    PIXEL_VALUES,
    EMBEDDINGS,
    ATTENTION,
    MLP_ACTIVATION,
    HIDDEN,
    LAST_HIDDEN_STATE,
    POOLED
  }

  /** No NaN or infinity anywhere. */
  public static final NumericalHealth OK = new NumericalHealth(-1, null, -1, 0f, 0, 0);

  public NumericalHealth {
    if ((tensor == null) != (block == -1)) {
      throw new IllegalArgumentException("block is -1 exactly when there is no bad tensor");
    }
  }

  public boolean ok() {
    return tensor == null;
  }

  /** Checks {@code result}; stops at the first tensor holding a non-finite value. */
  public static NumericalHealth check(ForwardResult result) {
    NumericalHealth found = scan(result.pixelValues(), 0, Tensor.PIXEL_VALUES);
    if (found == null) {
      found = scan(result.embeddings(), 0, Tensor.EMBEDDINGS);
    }
    for (int i = 0; found == null && i < result.layers().size(); i++) {
      LayerCapture c = result.layers().get(i);
      found = scan(c.attention(), c.block(), Tensor.ATTENTION);
      if (found == null && c.summary() != null) {
        // a summary pass keeps no map; its CLS row and row sums carry any non-finite probability
        found =
            scan(
                FloatTensor.of(c.summary().rowSums(), c.summary().rowSums().length),
                c.block(),
                Tensor.ATTENTION);
      }
      if (found == null) {
        found = scan(c.mlpActivation(), c.block(), Tensor.MLP_ACTIVATION);
      }
      if (found == null) {
        found = scan(c.hidden(), c.block(), Tensor.HIDDEN);
      }
    }
    int after = result.layers().size() + 1;
    if (found == null) {
      found = scan(result.lastHiddenState(), after, Tensor.LAST_HIDDEN_STATE);
    }
    if (found == null) {
      found = scan(result.pooled(), after, Tensor.POOLED);
    }
    return found == null ? OK : found;
  }

  private static NumericalHealth scan(FloatTensor t, int block, Tensor kind) {
    if (t == null) {
      return null;
    }
    float[] v = t.data();
    int first = -1;
    for (int i = 0; i < v.length; i++) {
      if (!Float.isFinite(v[i])) {
        first = i;
        break;
      }
    }
    if (first < 0) {
      return null;
    }
    long count = 0;
    for (int i = first; i < v.length; i++) {
      if (!Float.isFinite(v[i])) {
        count++;
      }
    }
    return new NumericalHealth(block, kind, first, v[first], count, v.length);
  }

  /**
   * The tensor's name as {@link ResultDump} writes it, e.g. {@code attentions.2} (MLP activations,
   * which it does not write, are {@code mlp_activations.N}); {@code null} when OK.
   */
  public String tensorName() {
    if (tensor == null) {
      return null;
    }
    return switch (tensor) {
      case PIXEL_VALUES -> "pixel_values";
      case EMBEDDINGS -> "hidden_states.0";
      case ATTENTION -> "attentions." + block;
      case MLP_ACTIVATION -> "mlp_activations." + block;
      case HIDDEN -> "hidden_states." + block;
      case LAST_HIDDEN_STATE -> "last_hidden_state";
      case POOLED -> "pooler_output";
    };
  }

  /**
   * One line for the user, e.g. "NaN or infinity first in block 2 (attentions.2): 68 of 1156
   * values, first NaN at index 17".
   */
  public String describe() {
    if (ok()) {
      return "OK: no NaN or infinity in the forward pass";
    }
    String where =
        block == 0
            ? "before block 1"
            : tensor == Tensor.LAST_HIDDEN_STATE || tensor == Tensor.POOLED
                ? "after the last block"
                : "in block " + block;
    return "NaN or infinity first "
        + where
        + " ("
        + tensorName()
        + "): "
        + nonFiniteValues
        + " of "
        + tensorSize
        + " values, first "
        + firstValue
        + " at index "
        + firstIndex;
  }
}
