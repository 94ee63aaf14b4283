package dev.sinkscope.inference.model;

/** Model families Sinkscope knows presets for (thresholds, neuron maps, token layouts). */
public enum ModelFamily {
  DINOV2("DINOv2"),
  VIT("ViT"),
  DEIT("DeiT"),
  CLIP("CLIP"),
  DINOV3("DINOv3"),
  SIGLIP("SigLIP");

  private final String displayName;

  ModelFamily(String displayName) {
    this.displayName = displayName;
  }

  public String displayName() {
    return displayName;
  }
}
