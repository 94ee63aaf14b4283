package dev.sinkscope.inference.model;

/** The on-disk key layout a checkpoint was saved in. */
public enum CheckpointLayout {
  /** transformers {@code Dinov2Model}. */
  HF_DINOV2,
  /** transformers {@code Dinov2WithRegistersModel}. */
  HF_DINOV2_WITH_REGISTERS,
  /** transformers {@code ViTModel}. */
  HF_VIT,
  /** transformers {@code DeiTModel} (CLS + distillation token). */
  HF_DEIT,
  /** transformers {@code CLIPVisionModel} or the vision half of a {@code CLIPModel}. */
  HF_CLIP_VISION,
  /**
   * transformers {@code DINOv3ViTModel} (CLS + registers + patches, 2-D RoPE, no position table).
   */
  HF_DINOV3,
  /**
   * transformers {@code SiglipVisionModel} or the vision half of a {@code SiglipModel} (SigLIP,
   * fixed-resolution SigLIP 2).
   */
  HF_SIGLIP_VISION,
  /** timm's hub layout: config.json with architecture, model_args and pretrained_cfg. */
  TIMM
}
