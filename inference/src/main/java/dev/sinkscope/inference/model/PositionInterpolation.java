package dev.sinkscope.inference.model;

/** How the position table is resized for a patch grid other than the trained one. */
public enum PositionInterpolation {
  /**
   * {@code F.interpolate(size=(h, w), mode="bicubic", align_corners=False)}: HF Dinov2Model, ViT,
   * CLIP.
   */
  BICUBIC,
  /**
   * Same with {@code antialias=True}: HF Dinov2WithRegistersModel, timm {@code
   * resample_abs_pos_embed}.
   */
  BICUBIC_ANTIALIAS
}
