package dev.sinkscope.inference.model;

/** How {@code pooler_output} is derived. */
public enum Pooling {
  /** The final-normed CLS token (DINOv2, timm token pooling). */
  NORMED_CLS,
  /** {@code tanh(dense(last_hidden_state[:, 0]))} (HF ViT, DeiT). */
  TANH_DENSE,
  /**
   * {@code post_layernorm(hidden[:, 0])}; the last hidden state itself stays un-normed (HF CLIP).
   */
  POST_LAYERNORM_CLS,
  /**
   * SigLIP's multi-head attention pooling: a learned probe query attends over every token of the
   * normed last hidden state, then a residual MLP (transformers {@code
   * SiglipMultiheadAttentionPoolingHead}).
   */
  ATTENTION_PROBE,
  /** The family has no pooler in this checkpoint. */
  NONE
}
