package dev.sinkscope.inference.hub;

import dev.sinkscope.inference.model.CheckpointLayout;
import dev.sinkscope.inference.model.ModelFamily;
import java.util.List;
import java.util.Optional;

/**
 * Hub repos Sinkscope is known to load, with approximate download sizes (fp32 safetensors plus
 * configs, rounded; the exact figures are on each repo's page and may change).
 */
public final class CuratedModels {
  private static final long MB = 1_000_000L;
  private static final long GB = 1_000_000_000L;

  private static final List<CuratedModel> ALL =
      List.of(
          hf(
              "facebook/dinov2-small",
              "DINOv2 ViT-S/14",
              ModelFamily.DINOV2,
              CheckpointLayout.HF_DINOV2,
              0,
              88 * MB),
          hf(
              "facebook/dinov2-base",
              "DINOv2 ViT-B/14",
              ModelFamily.DINOV2,
              CheckpointLayout.HF_DINOV2,
              0,
              346 * MB),
          hf(
              "facebook/dinov2-large",
              "DINOv2 ViT-L/14",
              ModelFamily.DINOV2,
              CheckpointLayout.HF_DINOV2,
              0,
              1220 * MB),
          hf(
              "facebook/dinov2-giant",
              "DINOv2 ViT-g/14",
              ModelFamily.DINOV2,
              CheckpointLayout.HF_DINOV2,
              0,
              4540 * MB),
          hf(
              "facebook/dinov2-with-registers-small",
              "DINOv2 ViT-S/14 + 4 registers",
              ModelFamily.DINOV2,
              CheckpointLayout.HF_DINOV2_WITH_REGISTERS,
              4,
              88 * MB),
          hf(
              "facebook/dinov2-with-registers-base",
              "DINOv2 ViT-B/14 + 4 registers",
              ModelFamily.DINOV2,
              CheckpointLayout.HF_DINOV2_WITH_REGISTERS,
              4,
              347 * MB),
          hf(
              "facebook/dinov2-with-registers-large",
              "DINOv2 ViT-L/14 + 4 registers",
              ModelFamily.DINOV2,
              CheckpointLayout.HF_DINOV2_WITH_REGISTERS,
              4,
              1220 * MB),
          hf(
              "facebook/dinov2-with-registers-giant",
              "DINOv2 ViT-g/14 + 4 registers",
              ModelFamily.DINOV2,
              CheckpointLayout.HF_DINOV2_WITH_REGISTERS,
              4,
              4540 * MB),
          // DINOv3 repos are gated: accept the licence on the repo page, then set HF_TOKEN
          hf(
              "facebook/dinov3-vits16-pretrain-lvd1689m",
              "DINOv3 ViT-S/16 + 4 registers (gated)",
              ModelFamily.DINOV3,
              CheckpointLayout.HF_DINOV3,
              4,
              87 * MB),
          hf(
              "facebook/dinov3-vitb16-pretrain-lvd1689m",
              "DINOv3 ViT-B/16 + 4 registers (gated)",
              ModelFamily.DINOV3,
              CheckpointLayout.HF_DINOV3,
              4,
              343 * MB),
          hf(
              "facebook/dinov3-vitl16-pretrain-lvd1689m",
              "DINOv3 ViT-L/16 + 4 registers (gated)",
              ModelFamily.DINOV3,
              CheckpointLayout.HF_DINOV3,
              4,
              1210 * MB),
          hf(
              "openai/clip-vit-base-patch16",
              "CLIP ViT-B/16 (vision tower of the full CLIP)",
              ModelFamily.CLIP,
              CheckpointLayout.HF_CLIP_VISION,
              0,
              600 * MB),
          hf(
              "openai/clip-vit-large-patch14",
              "CLIP ViT-L/14 (vision tower of the full CLIP)",
              ModelFamily.CLIP,
              CheckpointLayout.HF_CLIP_VISION,
              0,
              1710 * MB),
          // full SigLIP models: the download includes the text tower, which the loader skips
          hf(
              "google/siglip-base-patch16-224",
              "SigLIP ViT-B/16 (vision tower of the full SigLIP)",
              ModelFamily.SIGLIP,
              CheckpointLayout.HF_SIGLIP_VISION,
              0,
              813 * MB),
          hf(
              "google/siglip2-base-patch16-224",
              "SigLIP 2 ViT-B/16 (vision tower; Gemma-vocabulary text tower skipped)",
              ModelFamily.SIGLIP,
              CheckpointLayout.HF_SIGLIP_VISION,
              0,
              1500 * MB),
          hf(
              "google/vit-base-patch16-224",
              "ViT-B/16 (ImageNet-21k → 1k)",
              ModelFamily.VIT,
              CheckpointLayout.HF_VIT,
              0,
              346 * MB),
          hf(
              "facebook/deit-base-distilled-patch16-224",
              "DeiT-B/16 distilled",
              ModelFamily.DEIT,
              CheckpointLayout.HF_DEIT,
              0,
              349 * MB),
          hf(
              "timm/deit3_base_patch16_224.fb_in22k_ft_in1k",
              "DeiT III-B/16 (timm)",
              ModelFamily.DEIT,
              CheckpointLayout.TIMM,
              0,
              347 * MB),
          hf(
              "timm/vit_small_patch14_dinov2.lvd142m",
              "DINOv2 ViT-S/14 (timm)",
              ModelFamily.DINOV2,
              CheckpointLayout.TIMM,
              0,
              88 * MB),
          hf(
              "timm/vit_base_patch14_dinov2.lvd142m",
              "DINOv2 ViT-B/14 (timm)",
              ModelFamily.DINOV2,
              CheckpointLayout.TIMM,
              0,
              346 * MB),
          hf(
              "timm/vit_small_patch14_reg4_dinov2.lvd142m",
              "DINOv2 ViT-S/14 + 4 registers (timm)",
              ModelFamily.DINOV2,
              CheckpointLayout.TIMM,
              4,
              88 * MB),
          hf(
              "timm/vit_base_patch14_reg4_dinov2.lvd142m",
              "DINOv2 ViT-B/14 + 4 registers (timm)",
              ModelFamily.DINOV2,
              CheckpointLayout.TIMM,
              4,
              347 * MB));

  private CuratedModels() {}

  /** All curated repos, smallest family members first within each family. */
  public static List<CuratedModel> all() {
    return ALL;
  }

  public static Optional<CuratedModel> find(String repoId) {
    return ALL.stream().filter(m -> m.repoId().equals(repoId)).findFirst();
  }

  private static CuratedModel hf(
      String repoId,
      String title,
      ModelFamily family,
      CheckpointLayout layout,
      int registers,
      long bytes) {
    return new CuratedModel(repoId, title, family, layout, registers, bytes);
  }
}
