package dev.sinkscope.inference.analysis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sinkscope.inference.result.FloatTensor;
import dev.sinkscope.inference.result.TokenKind;
import dev.sinkscope.inference.result.TokenLayout;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class SinkAnalyzerTest {

  private static final TokenLayout LAYOUT = LayerAttentionSummaryTest.LAYOUT;

  /**
   * Norm analysis of a 3-token pass whose patch (0, 1) = token 2 is an artifact under rule A at τ =
   * 50.
   */
  private static LayerNormAnalysis norms(int block) {
    return PatchNormAnalyzer.analyze(
        block,
        new float[] {20, 10, 80},
        LAYOUT,
        DetectionOptions.defaults().withRule(DetectionRule.ABSOLUTE),
        50);
  }

  private static LayerAttentionSummary summary(int block, FloatTensor attention) {
    return LayerAttentionSummary.fromAttention(block, attention, LAYOUT, QuerySet.ALL, false);
  }

  @Test
  void handBuiltThreeTokenTwoHeadPass() {
    LayerAttentionSummary s = summary(1, LayerAttentionSummaryTest.ATTENTION);
    SinkAnalysis result =
        SinkAnalyzer.analyze(
            LAYOUT, List.of(s), List.of(s), List.of(norms(1)), SinkOptions.defaults());
    SinkScores scores = result.scores();
    // s = mean over heads of [0.6 0.2 0.2] and [0.2 0.2 0.6]
    assertArrayEquals(new float[] {0.4f, 0.2f, 0.4f}, scores.score(), 1e-6f);
    assertArrayEquals(new float[] {1.2f, 0.6f, 1.2f}, scores.ratio(), 1e-6f);
    // Gu, ε = 0.3: token 0 in head 0 only, token 2 in head 1 only
    assertArrayEquals(new float[] {50f, 0f, 50f}, scores.guPercent(), 1e-6f);

    LayerSinkAnalysis layer = result.layers().get(0);
    assertArrayEquals(new float[] {0.35f, 0.25f, 0.4f}, layer.clsCapture(), 1e-6f);
    assertEquals(0.4, layer.sinkMassOnArtifacts(), 1e-6);
    assertEquals(0.4, layer.clsCaptureOnArtifacts(), 1e-6);
    assertEquals(0.0, layer.clsCaptureOnRegisters(), 1e-12);
    assertEquals(0.4, layer.maxClsOnPatches(), 1e-6);
    assertTrue(Double.isNaN(layer.maxClsOnTestTimeRegisters()));
    assertEquals(0, layer.topSinkToken()); // ties go to the earlier token
    // norms [20, 10, 80] vs received [0.4, 0.2, 0.4]: ranks [2, 1, 3] vs [2.5, 1, 2.5]
    assertEquals(
        RobustStatistics.pearson(new double[] {2, 1, 3}, new double[] {2.5, 1, 2.5}),
        layer.spearmanNormVsLayerSink(),
        1e-9);
  }

  @Test
  void headSelectionAndGuFractionOverBlocks() {
    // block 2: head 0 uniform, head 1 all queries on token 1
    FloatTensor second =
        SyntheticCaptures.attention(
            new double[][] {
              {1 / 3.0, 1 / 3.0, 1 / 3.0, 1 / 3.0, 1 / 3.0, 1 / 3.0, 1 / 3.0, 1 / 3.0, 1 / 3.0},
              {0, 1, 0, 0, 1, 0, 0, 1, 0}
            },
            3);
    List<LayerAttentionSummary> summaries =
        List.of(summary(1, LayerAttentionSummaryTest.ATTENTION), summary(2, second));
    SinkAnalysis all =
        SinkAnalyzer.analyze(
            LAYOUT, summaries, summaries, List.of(norms(1), norms(2)), SinkOptions.defaults());
    // 4 (block, head) pairs: token 0 > 0.3 in (1,0) and (2,0); token 1 in (2,0), (2,1); token 2 in
    // (1,1), (2,0)
    assertArrayEquals(new float[] {50f, 50f, 50f}, all.scores().guPercent(), 1e-6f);

    SinkAnalysis head1 =
        SinkAnalyzer.analyze(
            LAYOUT,
            summaries,
            summaries,
            List.of(norms(1), norms(2)),
            SinkOptions.defaults().withHeads(1).withBlocks(2));
    assertArrayEquals(new float[] {0f, 1f, 0f}, head1.scores().score(), 1e-6f);
    assertArrayEquals(new float[] {0f, 100f, 0f}, head1.scores().guPercent(), 1e-6f);
    assertArrayEquals(new int[] {2}, head1.scores().blocks());
    assertEquals(1, head1.scores().top().get(0).token());
    assertEquals(TokenKind.PATCH, head1.scores().top().get(0).kind());
    assertEquals(0, head1.scores().top().get(0).row());
    assertEquals(0, head1.scores().top().get(0).col());
  }

  @Test
  void aStrongSinkIsFlaggedOnTheLogRatio() {
    // CLS + 4x4 grid; token 0 and patch (1, 2) take 60% of every query's mass, noise elsewhere
    TokenLayout layout = SyntheticCaptures.layout(true, 0, 4, 4, 0);
    int t = layout.totalTokens();
    double[] noise = SyntheticCaptures.gaussian(t, 1, 0.1, 5);
    double[] row = new double[t];
    double rest = 0;
    for (int j = 0; j < t; j++) {
      row[j] = j == 0 || j == 7 ? 0 : noise[j];
      rest += row[j];
    }
    for (int j = 0; j < t; j++) {
      row[j] = j == 0 || j == 7 ? 0.3 : 0.4 * row[j] / rest;
    }
    double[] head = new double[t * t];
    for (int i = 0; i < t; i++) {
      System.arraycopy(row, 0, head, i * t, t);
    }
    LayerAttentionSummary s =
        LayerAttentionSummary.fromAttention(
            1, SyntheticCaptures.attention(new double[][] {head}, t), layout, QuerySet.ALL, false);
    float[] tokenNorms = new float[t];
    Arrays.fill(tokenNorms, 10);
    LayerNormAnalysis n =
        PatchNormAnalyzer.analyze(1, tokenNorms, layout, DetectionOptions.defaults(), Double.NaN);
    SinkScores scores =
        SinkAnalyzer.analyze(layout, List.of(s), List.of(s), List.of(n), SinkOptions.defaults())
            .scores();
    assertArrayEquals(new int[] {0, 7}, scores.flaggedTokens());
    assertFalse(scores.flagFellBack());
    assertEquals(0.3 * t, scores.ratio()[0], 1e-4);
    assertTrue(scores.top().get(0).flagged());
    // token 7 is patch 6 of the 4x4 grid
    assertEquals(7, scores.top().get(1).token());
    assertEquals(1, scores.top().get(1).row());
    assertEquals(2, scores.top().get(1).col());
    assertFalse(scores.top().get(2).flagged());
  }

  @Test
  void uniformAttentionFallsBackAndFlagsNothing() {
    TokenLayout layout = SyntheticCaptures.layout(true, 0, 3, 3, 0);
    FloatTensor uniform = SyntheticCaptures.sinkAttention(2, 10, new int[0], 0);
    LayerAttentionSummary s =
        LayerAttentionSummary.fromAttention(1, uniform, layout, QuerySet.ALL, false);
    float[] tokenNorms = new float[10];
    Arrays.fill(tokenNorms, 1);
    LayerNormAnalysis n =
        PatchNormAnalyzer.analyze(1, tokenNorms, layout, DetectionOptions.defaults(), Double.NaN);
    SinkScores scores =
        SinkAnalyzer.analyze(layout, List.of(s), null, List.of(n), SinkOptions.defaults()).scores();
    assertTrue(scores.flagFellBack());
    assertEquals(0, scores.flaggedTokens().length);
    assertArrayEquals(new float[] {1, 1, 1, 1, 1, 1, 1, 1, 1, 1}, scores.ratio(), 1e-5f);
    assertNull(scores.guPercent());
  }

  @Test
  void registerAndTestTimeRegisterShares() {
    // CLS, 1 register, 2x2 grid, 1 test-time register; the register takes 50%, the TTR 30%
    TokenLayout layout = SyntheticCaptures.layout(true, 1, 2, 2, 1);
    int t = layout.totalTokens();
    double[] head = new double[t * t];
    for (int i = 0; i < t; i++) {
      for (int j = 0; j < t; j++) {
        head[i * t + j] = j == 1 ? 0.5 : j == 6 ? 0.3 : 0.2 / 5;
      }
    }
    FloatTensor attention = SyntheticCaptures.attention(new double[][] {head}, t);
    LayerAttentionSummary s =
        LayerAttentionSummary.fromAttention(3, attention, layout, QuerySet.ALL, false);
    float[] tokenNorms = {5, 50, 5, 5, 5, 5, 40};
    LayerNormAnalysis n =
        PatchNormAnalyzer.analyze(3, tokenNorms, layout, DetectionOptions.defaults(), Double.NaN);
    LayerSinkAnalysis layer =
        SinkAnalyzer.analyze(layout, List.of(s), List.of(s), List.of(n), SinkOptions.defaults())
            .layers()
            .get(0);
    assertEquals(0.5, layer.sinkMassOnRegisters(), 1e-6);
    assertEquals(0.3, layer.sinkMassOnTestTimeRegisters(), 1e-6);
    assertEquals(0.5, layer.clsCaptureOnRegisters(), 1e-6);
    assertEquals(0.3, layer.clsCaptureOnTestTimeRegisters(), 1e-6);
    assertEquals(0.3, layer.maxClsOnTestTimeRegisters(), 1e-6);
    assertEquals(0.04, layer.maxClsOnPatches(), 1e-6);
    assertEquals(1, layer.topSinkToken());
    assertEquals(0.0, layer.sinkMassOnArtifacts(), 1e-12);
  }

  @Test
  void tokensAtOrBelowUniformAttentionAreNeverSinks() {
    // a tight spread around uniform: rule C alone would flag the slightly-above-median tokens
    double[] ratio = new double[64];
    for (int j = 0; j < ratio.length; j++) {
      ratio[j] = 0.9 + 0.001 * (j % 8);
    }
    ratio[5] = 0.95;
    OutlierSplit split = SinkAnalyzer.flagSinks(ratio, SinkOptions.defaults());
    assertEquals(0, split.count(), "no token receives more than uniform attention");
    assertEquals(1.0, split.threshold());
  }
}
