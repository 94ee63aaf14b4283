package dev.sinkscope.inference.model;

import java.util.List;

/**
 * The canonical parts of one transformer block, named {@code blocks.<i>.<part>} by {@link
 * CanonicalWeights#block(int, BlockWeight)}. Shapes are after layout normalisation; D is the width,
 * M the MLP width. Biases other than qkv's are optional: missing ones are zeros.
 */
public enum BlockWeight {
  NORM1_WEIGHT("norm1.weight"),
  NORM1_BIAS("norm1.bias"),
  /** {@code [3D, D]}: q, k, v stacked (timm); HF's separate q/k/v are fused at load. */
  QKV_WEIGHT("qkv.weight"),
  QKV_BIAS("qkv.bias"),
  /** {@code [D, D]} each, HF layouts before fusing. */
  Q_WEIGHT("q.weight"),
  Q_BIAS("q.bias"),
  K_WEIGHT("k.weight"),
  K_BIAS("k.bias"),
  V_WEIGHT("v.weight"),
  V_BIAS("v.bias"),
  PROJ_WEIGHT("proj.weight"),
  PROJ_BIAS("proj.bias"),
  /** {@code [D]}: LayerScale after attention, optional. */
  LS1("ls1"),
  NORM2_WEIGHT("norm2.weight"),
  NORM2_BIAS("norm2.bias"),
  /** {@code [M, D]}, or {@code [2M, D]} packed x1|x2 for SwiGLU. */
  FC1_WEIGHT("fc1.weight"),
  FC1_BIAS("fc1.bias"),
  /**
   * {@code [M, D]}: x1 of a gated MLP stored as two matrices ({@link #FC1_WEIGHT} is then x2),
   * packed at load.
   */
  FC1_GATE_WEIGHT("fc1_gate.weight"),
  FC1_GATE_BIAS("fc1_gate.bias"),
  /** {@code [D, M]}. */
  FC2_WEIGHT("fc2.weight"),
  FC2_BIAS("fc2.bias"),
  /** {@code [D]}: LayerScale after the MLP, optional. */
  LS2("ls2"),
  /** {@code [H, D]} or {@code [D, D]}: a trained attention output gate, optional. */
  GATE_WEIGHT("gate.weight"),
  GATE_BIAS("gate.bias");

  /** The separate query, key and value weights and biases, in q, k, v order. */
  public static final List<BlockWeight> SEPARATE_QKV_WEIGHTS =
      List.of(Q_WEIGHT, K_WEIGHT, V_WEIGHT);

  public static final List<BlockWeight> SEPARATE_QKV_BIASES = List.of(Q_BIAS, K_BIAS, V_BIAS);

  private final String part;

  BlockWeight(String part) {
    this.part = part;
  }

  /** The name after {@code blocks.<i>.}, e.g. {@code qkv.weight}. */
  public String part() {
    return part;
  }

  /** The constant whose {@link #part()} is {@code part}. */
  public static BlockWeight ofPart(String part) {
    for (BlockWeight w : values()) {
      if (w.part.equals(part)) {
        return w;
      }
    }
    throw new IllegalArgumentException("no block weight '" + part + "'");
  }
}
