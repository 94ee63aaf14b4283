package dev.sinkscope.inference.analysis;

import dev.sinkscope.inference.model.ModelFamily;
import dev.sinkscope.inference.model.ModelSpec;
import java.util.List;
import java.util.Optional;

/**
 * Rule-A presets from methods §1.3 and §2.1. Reference layers there are 0-indexed from the end (−1
 * = last block, −2 = second-to-last); here they are 1-based block numbers.
 */
public final class ThresholdPresets {

  public static final List<ThresholdPreset> ALL =
      List.of(
          new ThresholdPreset(
              "DINOv2 ViT-g/14",
              ModelFamily.DINOV2,
              1536,
              40,
              14,
              40,
              150,
              "Darcet et al. 2023: output tokens, hand-placed cut in the bimodal histogram"),
          new ThresholdPreset(
              "DINOv2 ViT-L/14",
              ModelFamily.DINOV2,
              1024,
              24,
              14,
              23,
              150,
              "test-time registers config: detect layer -2 (0-indexed 22, block 23 of 24)"),
          new ThresholdPreset(
              "CLIP/OpenCLIP ViT-B/16",
              ModelFamily.CLIP,
              768,
              12,
              16,
              12,
              30,
              "test-time registers configs (openai and laion2b_s34b_b88k): detect layer -1"),
          new ThresholdPreset(
              "OpenCLIP ViT-L/14",
              ModelFamily.CLIP,
              1024,
              24,
              14,
              23,
              150,
              "test-time registers config for laion2b_s32b_b82k, later removed from the reference repository"));

  private ThresholdPresets() {}

  /** The preset for this model's geometry, or empty when none is published ("no preset"). */
  public static Optional<ThresholdPreset> forModel(ModelSpec spec) {
    return ALL.stream().filter(p -> p.matches(spec)).findFirst();
  }
}
