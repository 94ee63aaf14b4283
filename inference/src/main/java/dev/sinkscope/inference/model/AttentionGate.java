package dev.sinkscope.inference.model;

/**
 * Trained output gates on attention heads (gated attention, Qiu et al. 2025 "G1"): {@code Y' = Y ⊙
 * σ(X Wᵀ + b)} with X the block's LayerNorm-ed attention input and Y the per-head attention output,
 * before the output projection. Recognised from per-block weights named {@code gate.weight} (and
 * optional {@code gate.bias}) inside the attention module: HF {@code
 * encoder.layer.N.attention.gate.*}, CLIP {@code encoder.layers.N.self_attn.gate.*}, timm {@code
 * blocks.N.attn.gate.*}. Standard ViT checkpoints have none.
 */
public enum AttentionGate {
  /** No trained gates. */
  NONE,
  /** One gate per head and token: weight {@code [H, D]}. */
  HEADWISE,
  /** One gate per channel of the concatenated head outputs and token: weight {@code [D, D]}. */
  ELEMENTWISE
}
