package dev.sinkscope.inference.distill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sinkscope.inference.model.CheckpointLayout;
import dev.sinkscope.inference.model.MlpActivation;
import dev.sinkscope.inference.model.ModelFamily;
import dev.sinkscope.inference.model.ModelSpec;
import dev.sinkscope.inference.model.Pooling;
import dev.sinkscope.inference.model.PositionInterpolation;
import org.junit.jupiter.api.Test;

/**
 * The default batch follows the model and token count: the activation estimate written out by hand
 * for ViT-S/14 and ViT-B/14 at 224 and 518 px, the budget and the cap.
 */
class DistillBatchTest {
  static ModelSpec dinov2(int hidden, int heads, int registers) {
    return new ModelSpec(
        "test",
        ModelFamily.DINOV2,
        CheckpointLayout.HF_DINOV2,
        hidden,
        12,
        heads,
        4 * hidden,
        14,
        518,
        1e-6,
        MlpActivation.GELU,
        true,
        true,
        true,
        true,
        false,
        registers,
        true,
        PositionInterpolation.BICUBIC,
        true,
        Pooling.NONE);
  }

  static final ModelSpec VIT_S = dinov2(384, 6, 0);
  static final ModelSpec VIT_B = dinov2(768, 12, 0);

  @Test
  void estimateIsTheStatedFormula() {
    // ViT-S/14 at 518 px with 16 new registers: T = 1 + 16 + 37·37 = 1386.
    assertEquals(1386, DistillBatch.studentTokens(VIT_S, 518, 16));
    long t = 1386;
    long perBlock = 11 * t * 384 + 2 * t * 1536 + 2 * 6 * t * t;
    assertEquals(4 * 12 * perBlock, DistillBatch.bytesPerImage(VIT_S, 518, 16));
    assertEquals(1_591_881_984L, DistillBatch.bytesPerImage(VIT_S, 0, 16)); // 0 = its own 518
    // Old registers count as tokens too.
    assertEquals(1390, DistillBatch.studentTokens(dinov2(384, 6, 4), 518, 16));
  }

  @Test
  void defaultBatchFollowsModelAndResolution() {
    // 224 px: T = 273; ViT-S needs 0.13 GiB per image, ViT-B 0.26 GiB: both capped at 8.
    assertEquals(8, DistillBatch.defaultBatch(VIT_S, 224, 16));
    assertEquals(8, DistillBatch.defaultBatch(VIT_B, 224, 16));
    // 518 px: ViT-S 1.48 GiB per image -> 4 in 6 GiB; ViT-B 2.96 GiB -> 2.
    assertEquals(4, DistillBatch.defaultBatch(VIT_S, 518, 16));
    assertEquals(2, DistillBatch.defaultBatch(VIT_B, 518, 16));
    // Larger still: never below one image.
    assertEquals(1, DistillBatch.defaultBatch(VIT_B, 1036, 16));
    assertTrue(
        DistillBatch.rule(VIT_S, 518, 16).contains("1.48 GiB"), DistillBatch.rule(VIT_S, 518, 16));
  }

  @Test
  void budgetAndCap() {
    assertEquals(8, DistillBatch.forBudget(1, DistillBatch.ACTIVATION_BUDGET_BYTES));
    assertEquals(3, DistillBatch.forBudget(2L << 30, (6L << 30) + 1));
    assertEquals(1, DistillBatch.forBudget(7L << 30, 6L << 30));
  }

  @Test
  void givenBatchWinsAndZeroMeansTheDefault() {
    assertEquals(5, DistillBatch.resolve(5, VIT_B, 518, 16));
    assertEquals(2, DistillBatch.resolve(0, VIT_B, 518, 16));
    assertEquals(0, DistillSettings.defaults().batch());
    assertThrows(IllegalArgumentException.class, () -> DistillSettings.defaults().withBatch(-1));
  }
}
