package dev.sinkscope.inference.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sinkscope.inference.result.TokenLayout;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EmergenceLayerTest {

  @Test
  void firstBlockWhereRatioAndBimodalSplitHoldAndPersist() {
    double[] ratios = {1.2, 5.0, 1.3, 2.9, 4.0, 6.0, 6.5};
    boolean[] bimodal = {false, true, false, true, true, true, true};
    // block 2 is a one-block fluke, block 4 has a split but a ratio below 3
    EmergenceLayer e = EmergenceLayer.find(ratios, bimodal, 3, 2);
    assertTrue(e.found());
    assertEquals(5, e.block());
    assertEquals(4.0, e.ratio());
    assertEquals(2.9, e.previousRatio());
    // without persistence the fluke counts
    assertEquals(2, EmergenceLayer.find(ratios, bimodal, 3, 1).block());
  }

  @Test
  void persistenceIsCutShortByTheLastBlock() {
    EmergenceLayer e =
        EmergenceLayer.find(new double[] {1, 1, 8}, new boolean[] {false, false, true}, 3, 2);
    assertEquals(3, e.block());
  }

  @Test
  void largestJumpIsReportedAsADiagnostic() {
    EmergenceLayer e = EmergenceLayer.find(new double[] {1.0, 1.1, 4.4, 5.0}, new boolean[4], 3, 2);
    assertFalse(e.found());
    assertEquals(-1, e.block());
    assertEquals(3, e.largestJumpBlock());
    assertEquals(4.0, e.largestJump(), 1e-12);
  }

  @Test
  void emergenceFromNormMapsAcrossBlocks() {
    TokenLayout layout = SyntheticCaptures.layout(true, 0, 8, 8, 0);
    List<LayerNormAnalysis> norms = new ArrayList<>();
    for (int block = 1; block <= 6; block++) {
      double[] patches = SyntheticCaptures.gaussian(64, 10, 1, 100 + block);
      if (block >= 4) {
        patches[10] = 80; // artifacts from block 4 on
        patches[50] = 90;
      }
      float[] all = new float[65];
      all[0] = 12;
      for (int p = 0; p < 64; p++) {
        all[1 + p] = (float) patches[p];
      }
      norms.add(
          PatchNormAnalyzer.analyze(block, all, layout, DetectionOptions.defaults(), Double.NaN));
    }
    EmergenceLayer e = EmergenceLayer.fromNorms(norms, DetectionOptions.defaults());
    assertEquals(4, e.block());
    assertEquals(4, e.largestJumpBlock());
    assertEquals(6, e.ratioProfile().length);
  }
}
