package dev.sinkscope.inference.model;

/**
 * The layout-independent weight names the forward pass reads. Every checkpoint layout is mapped
 * onto these, with shapes normalised as stated.
 */
public final class CanonicalWeights {
  private CanonicalWeights() {}

  /** {@code [D, C, P, P]}. */
  public static final String PATCH_WEIGHT = "patch.weight";

  /** {@code [D]}, optional (CLIP has none). */
  public static final String PATCH_BIAS = "patch.bias";

  /** {@code [D]}. */
  public static final String CLS = "cls";

  /** {@code [D]}, DeiT only. */
  public static final String DISTILLATION = "distillation";

  /** {@code [R, D]}. */
  public static final String REGISTERS = "registers";

  /** {@code [N_pos, D]}: prefix entries (if any) then the g x g patch grid, row-major. */
  public static final String POSITION = "position";

  public static final String PRE_NORM_WEIGHT = "pre_norm.weight";
  public static final String PRE_NORM_BIAS = "pre_norm.bias";
  public static final String FINAL_NORM_WEIGHT = "norm.weight";
  public static final String FINAL_NORM_BIAS = "norm.bias";

  /** {@code [D, D]} tanh pooler (HF ViT/DeiT). */
  public static final String POOLER_WEIGHT = "pooler.weight";

  public static final String POOLER_BIAS = "pooler.bias";

  /** {@code [D]}: the attention-pooling head's learned query (SigLIP {@code head.probe}). */
  public static final String HEAD_PROBE = "head.probe";

  /** {@code [3D, D]} / {@code [3D]}: the head's packed q | k | v projection ({@code in_proj_*}). */
  public static final String HEAD_QKV_WEIGHT = "head.qkv.weight";

  public static final String HEAD_QKV_BIAS = "head.qkv.bias";

  /** {@code [D, D]} / {@code [D]}: the head's attention output projection. */
  public static final String HEAD_PROJ_WEIGHT = "head.proj.weight";

  public static final String HEAD_PROJ_BIAS = "head.proj.bias";

  /** The head's LayerNorm before its MLP. */
  public static final String HEAD_NORM_WEIGHT = "head.norm.weight";

  public static final String HEAD_NORM_BIAS = "head.norm.bias";

  /** The head's MLP: fc1 {@code [M, D]}, fc2 {@code [D, M]}, same activation as the blocks. */
  public static final String HEAD_FC1_WEIGHT = "head.fc1.weight";

  public static final String HEAD_FC1_BIAS = "head.fc1.bias";
  public static final String HEAD_FC2_WEIGHT = "head.fc2.weight";
  public static final String HEAD_FC2_BIAS = "head.fc2.bias";

  /** Name of a per-block weight, e.g. {@code block(3, BlockWeight.QKV_WEIGHT)}. */
  public static String block(int index, BlockWeight part) {
    return blockPrefix(index) + part.part();
  }

  /** The prefix every weight of block {@code index} starts with. */
  public static String blockPrefix(int index) {
    return "blocks." + index + ".";
  }
}
