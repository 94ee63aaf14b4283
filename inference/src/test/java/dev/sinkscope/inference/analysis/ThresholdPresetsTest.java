package dev.sinkscope.inference.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sinkscope.inference.model.ModelFamily;
import org.junit.jupiter.api.Test;

class ThresholdPresetsTest {

  @Test
  void dinov2GiantUsesTheOutputCut() {
    ThresholdPreset p =
        ThresholdPresets.forModel(SyntheticCaptures.spec(ModelFamily.DINOV2, 1536, 40, 24, 14, 0))
            .orElseThrow();
    assertEquals(150, p.threshold());
    assertEquals(40, p.referenceBlock());
  }

  @Test
  void dinov2LargeUsesTheSecondToLastBlock() {
    ThresholdPreset p =
        ThresholdPresets.forModel(SyntheticCaptures.spec(ModelFamily.DINOV2, 1024, 24, 16, 14, 0))
            .orElseThrow();
    assertEquals(150, p.threshold());
    assertEquals(23, p.referenceBlock());
  }

  @Test
  void clipBase16UsesTheLastBlock() {
    ThresholdPreset p =
        ThresholdPresets.forModel(SyntheticCaptures.spec(ModelFamily.CLIP, 768, 12, 12, 16, 0))
            .orElseThrow();
    assertEquals(30, p.threshold());
    assertEquals(12, p.referenceBlock());
  }

  @Test
  void registersDoNotChangeTheMatch() {
    assertTrue(
        ThresholdPresets.forModel(SyntheticCaptures.spec(ModelFamily.DINOV2, 1024, 24, 16, 14, 4))
            .isPresent());
  }

  @Test
  void otherModelsHaveNoPreset() {
    assertTrue(
        ThresholdPresets.forModel(SyntheticCaptures.spec(ModelFamily.DINOV2, 768, 12, 12, 14, 0))
            .isEmpty());
    assertTrue(
        ThresholdPresets.forModel(SyntheticCaptures.spec(ModelFamily.VIT, 768, 12, 12, 16, 0))
            .isEmpty());
    assertTrue(
        ThresholdPresets.forModel(SyntheticCaptures.spec(ModelFamily.CLIP, 768, 12, 12, 32, 0))
            .isEmpty());
  }
}
