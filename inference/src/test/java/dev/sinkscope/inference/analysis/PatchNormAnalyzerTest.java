package dev.sinkscope.inference.analysis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sinkscope.inference.result.TokenKind;
import dev.sinkscope.inference.result.TokenLayout;
import java.util.List;
import org.junit.jupiter.api.Test;

class PatchNormAnalyzerTest {

  // CLS + 4 registers + 8x8 grid + 1 test-time register = 70 tokens
  private static final TokenLayout LAYOUT = SyntheticCaptures.layout(true, 4, 8, 8, 1);

  private static float[] norms() {
    double[] patches = SyntheticCaptures.gaussian(64, 10, 1, 3);
    patches[2 * 8 + 3] = 60; // (2, 3)
    patches[5 * 8 + 0] = 60; // (5, 0)
    patches[7 * 8 + 7] = 60; // (7, 7)
    float[] all = new float[LAYOUT.totalTokens()];
    all[0] = 40; // CLS
    for (int r = 1; r <= 4; r++) {
      all[r] = 500; // registers carry the high norms in register models
    }
    for (int p = 0; p < 64; p++) {
      all[5 + p] = (float) patches[p];
    }
    all[69] = 900; // test-time register
    return all;
  }

  @Test
  void nonPatchTokensAreExcludedFromStatisticsAndReportedApart() {
    LayerNormAnalysis layer =
        PatchNormAnalyzer.analyze(7, norms(), LAYOUT, DetectionOptions.defaults(), Double.NaN);
    assertEquals(64, layer.patchNorms().patchCount());
    assertEquals(60.0, layer.patchNorms().max(), 1e-4);
    assertTrue(layer.patchNorms().median() > 9 && layer.patchNorms().median() < 11);
    assertEquals(
        layer.patchNorms().max() / layer.patchNorms().median(),
        layer.patchNorms().maxOverMedian(),
        1e-12);
    List<TokenNorm> others = layer.nonPatchTokens();
    assertEquals(6, others.size());
    assertEquals(new TokenNorm(0, TokenKind.CLS, 40), others.get(0));
    assertEquals(TokenKind.REGISTER, others.get(1).kind());
    assertEquals(new TokenNorm(69, TokenKind.TEST_TIME_REGISTER, 900), others.get(5));
    assertEquals(70, layer.tokenNorms().length);
  }

  @Test
  void everyRuleReportsGridPositionsAndTokenIndices() {
    DetectionOptions options = DetectionOptions.defaults().withAbsoluteThreshold(30);
    LayerNormAnalysis layer = PatchNormAnalyzer.analyze(7, norms(), LAYOUT, options, 30);
    List<GridPosition> expected =
        List.of(new GridPosition(2, 3), new GridPosition(5, 0), new GridPosition(7, 7));
    assertEquals(4, layer.allRules().size());
    for (ArtifactDetection detection : layer.allRules()) {
      assertEquals(expected, detection.positions(), detection.requestedRule().name());
      assertArrayEquals(new int[] {19, 40, 63}, detection.patchIndices());
      assertArrayEquals(new int[] {24, 45, 68}, detection.tokenIndices());
      assertEquals(3, detection.count());
      assertEquals(3.0 / 64, detection.fraction(), 1e-12);
    }
    assertEquals(DetectionRule.BIMODAL_SPLIT, layer.artifacts().requestedRule());
    assertEquals(30.0, layer.allRules().get(0).threshold());
    assertTrue(layer.bimodal().accepted());
  }

  @Test
  void chosenRuleFollowsTheOptions() {
    DetectionOptions options = DetectionOptions.defaults().withRule(DetectionRule.ABSOLUTE);
    LayerNormAnalysis layer = PatchNormAnalyzer.analyze(1, norms(), LAYOUT, options, Double.NaN);
    assertEquals(DetectionVerdict.NO_THRESHOLD, layer.artifacts().verdict());
    assertEquals(0, layer.artifacts().count());
  }
}
