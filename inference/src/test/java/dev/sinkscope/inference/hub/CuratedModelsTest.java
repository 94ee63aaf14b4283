package dev.sinkscope.inference.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sinkscope.inference.model.CheckpointLayout;
import dev.sinkscope.inference.model.ModelFamily;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class CuratedModelsTest {
  @Test
  void coversTheSupportedFamiliesOnce() {
    List<CuratedModel> all = CuratedModels.all();
    Set<String> ids = all.stream().map(CuratedModel::repoId).collect(Collectors.toSet());

    assertEquals(all.size(), ids.size(), "no duplicates");
    assertTrue(
        ids.containsAll(
            Set.of(
                "facebook/dinov2-small",
                "facebook/dinov2-giant",
                "facebook/dinov2-with-registers-small",
                "facebook/dinov2-with-registers-giant",
                "openai/clip-vit-base-patch16",
                "openai/clip-vit-large-patch14",
                "google/vit-base-patch16-224",
                "facebook/deit-base-distilled-patch16-224",
                "timm/deit3_base_patch16_224.fb_in22k_ft_in1k",
                "timm/vit_small_patch14_dinov2.lvd142m",
                "facebook/dinov3-vits16-pretrain-lvd1689m",
                "facebook/dinov3-vitb16-pretrain-lvd1689m",
                "facebook/dinov3-vitl16-pretrain-lvd1689m",
                "google/siglip-base-patch16-224",
                "google/siglip2-base-patch16-224")),
        ids.toString());
    assertEquals(
        Set.of(ModelFamily.values()),
        all.stream().map(CuratedModel::family).collect(Collectors.toSet()));
  }

  @Test
  void metadataIsConsistent() {
    for (CuratedModel model : CuratedModels.all()) {
      assertTrue(
          model.approxDownloadBytes() > 50_000_000L && model.approxDownloadBytes() < 5_000_000_000L,
          model.repoId());
      assertEquals(
          model.repoId().startsWith("timm/"),
          model.layout() == CheckpointLayout.TIMM,
          model.repoId());
      // every DINOv3 ViT has 4 registers without saying so in its name
      boolean registersInName =
          model.repoId().contains("registers")
              || model.repoId().contains("reg4")
              || model.family() == ModelFamily.DINOV3;
      assertEquals(registersInName ? 4 : 0, model.registers(), model.repoId());
      assertTrue(model.approxSizeLabel().startsWith("≈ "), model.approxSizeLabel());
    }
    assertEquals(
        "≈ 88 MB", CuratedModels.find("facebook/dinov2-small").orElseThrow().approxSizeLabel());
    assertEquals(
        "≈ 4.5 GB", CuratedModels.find("facebook/dinov2-giant").orElseThrow().approxSizeLabel());
  }
}
