package dev.sinkscope.inference.model;

/** How {@code pooler_output} is derived. */
public enum Pooling {
  /** The final-normed CLS token (DINOv2, timm token pooling). */
  NORMED_CLS,
  /** {@code tanh(dense(last_hidden_state[:, 0]))} (HF ViT, DeiT). */
  TANH_DENSE,
  /** {@code post_layernorm(hidden[:, 0])}; the last hidden state itself stays un-normed (HF CLIP). */
  POST_LAYERNORM_CLS,
  /** The family has no pooler in this checkpoint. */
  NONE
}
