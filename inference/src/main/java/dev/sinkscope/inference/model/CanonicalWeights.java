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

  /** Name of a per-block weight, e.g. {@code block(3, "qkv.weight")}. Parts are listed below. */
  public static String block(int index, String part) {
    return "blocks." + index + "." + part;
  }

  /*
   * Per-block parts: norm1.{weight,bias}; either qkv.{weight,bias} fused [3D, D] (q, k, v stacked,
   * timm) or q/k/v.{weight,bias} [D, D] each (HF, fused at load); proj.{weight,bias}; ls1 [D]
   * (LayerScale, optional); norm2.{weight,bias}; fc1.{weight,bias} [M, D] ([2M, D] packed x1|x2
   * for SwiGLU); fc2.{weight,bias} [D, M]; ls2 [D] (optional).
   */
}
