package dev.sinkscope.inference.analysis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sinkscope.inference.model.ModelFamily;
import dev.sinkscope.inference.model.ModelSpec;
import dev.sinkscope.inference.result.FloatTensor;
import dev.sinkscope.inference.result.ForwardResult;
import dev.sinkscope.inference.result.LayerCapture;
import dev.sinkscope.inference.result.TokenLayout;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class AnalyzerTest {

  // CLS + 4 registers + 6x6 grid = 41 tokens; 4 blocks, 2 heads, D = 16
  private static final TokenLayout LAYOUT = SyntheticCaptures.layout(true, 4, 6, 6, 0);
  private static final ModelSpec SPEC = SyntheticCaptures.spec(ModelFamily.DINOV2, 16, 4, 2, 14, 4);
  private static final int T = 41;
  // artifact patches (1, 1) and (4, 2): patch 7 -> token 12, patch 26 -> token 31
  private static final int[] ARTIFACT_TOKENS = {12, 31};

  /**
   * Blocks 1–2: CLS is the sink, no artifacts. Blocks 3–4: two high-norm patches that are also the
   * sinks.
   */
  private static ForwardResult pass(boolean withAttention) {
    List<LayerCapture> layers = new ArrayList<>();
    for (int block = 1; block <= 4; block++) {
      double[] norms = SyntheticCaptures.gaussian(T, 10, 1, 50 + block);
      norms[0] = 25;
      for (int r = 1; r <= 4; r++) {
        norms[r] = 30;
      }
      boolean late = block >= 3;
      if (late) {
        norms[12] = 80;
        norms[31] = 85;
      }
      FloatTensor attention =
          late
              ? SyntheticCaptures.sinkAttention(2, T, ARTIFACT_TOKENS, 0.7)
              : SyntheticCaptures.sinkAttention(2, T, new int[] {0}, 0.5);
      layers.add(
          SyntheticCaptures.capture(
              block,
              SyntheticCaptures.hiddenWithNorms(norms, 16, block),
              withAttention ? attention : null));
    }
    return SyntheticCaptures.result(SPEC, LAYOUT, layers);
  }

  private static List<LayerAttentionSummary> summaries(boolean keepHeadMean) {
    List<LayerAttentionSummary> list = new ArrayList<>();
    for (LayerCapture c : pass(true).layers()) {
      list.add(
          LayerAttentionSummary.fromAttention(
              c.block(), c.attention(), LAYOUT, QuerySet.ALL, keepHeadMean));
    }
    return list;
  }

  @Test
  void fullPassFindsArtifactsEmergenceAndSinks() {
    AnalysisReport report = Analyzer.analyze(pass(true));
    assertEquals(4, report.summaries().size());
    LayerSummary early = report.summaries().get(1);
    LayerSummary late = report.summaries().get(2);
    assertEquals(DetectionVerdict.UNIMODAL_NO_ARTIFACTS, early.verdict());
    assertEquals(0, early.artifactCount());
    assertEquals(DetectionVerdict.ARTIFACTS_FOUND, late.verdict());
    assertEquals(2, late.artifactCount());
    assertEquals(
        List.of(new GridPosition(1, 1), new GridPosition(4, 2)),
        report.norms().get(2).artifacts().positions());
    assertTrue(late.maxOverMedian() > 7);
    assertEquals(3, report.emergence().block());

    // every query puts 0.7 on the two artifacts plus 0.3 / 41 on each token
    double expectedShare = 0.7 + 2 * 0.3 / T;
    assertEquals(expectedShare, late.sinkMassOnArtifacts(), 1e-5);
    assertEquals(expectedShare, late.clsCaptureOnArtifacts(), 1e-5);
    assertEquals(0.0, early.sinkMassOnArtifacts(), 1e-12);
    assertEquals(4 * 0.5 / T, early.clsCaptureOnRegisters(), 1e-5);
    assertEquals(0, early.topSinkToken());
    assertEquals(12, late.topSinkToken());

    SinkScores sinks = report.sinks();
    assertArrayEquals(new int[] {0, 12, 31}, sinks.flaggedTokens());
    assertEquals(50f, sinks.guPercent()[0], 1e-6f);
    assertEquals(50f, sinks.guPercent()[12], 1e-6f);
    assertEquals(0f, sinks.guPercent()[20], 1e-6f);
    assertEquals(expectedShare / 2, sinks.sinkMassOnArtifacts(), 1e-5);
    assertTrue(report.sinkLayers().get(3).spearmanNormVsLayerSink() > 0);

    assertNotNull(report.clsAttention());
    assertEquals(4, report.clsAttention().block());
    assertNotNull(report.rollout());
    assertEquals(36, report.rollout().raw().length);
    assertNotNull(report.pca());
    assertEquals(4, report.pca().block());
    assertEquals(4, report.massiveActivations().size());
    assertNull(report.thresholdPreset());
    assertTrue(report.notes().stream().anyMatch(n -> n.contains("no preset")));
  }

  @Test
  void precomputedSummariesGiveTheSameSinkMetricsAsFullMaps() {
    AnalysisReport full = Analyzer.analyze(pass(true));
    AnalysisReport summarised =
        Analyzer.analyze(pass(false), AnalysisOptions.defaults(), summaries(true));
    assertArrayEquals(full.sinks().score(), summarised.sinks().score(), 1e-7f);
    assertArrayEquals(full.sinks().guPercent(), summarised.sinks().guPercent());
    assertArrayEquals(full.clsAttention().headMean(), summarised.clsAttention().headMean());
    assertArrayEquals(full.rollout().raw(), summarised.rollout().raw(), 1e-7f);
    for (int i = 0; i < 4; i++) {
      assertEquals(full.summaries().get(i), summarised.summaries().get(i));
    }
  }

  @Test
  void summariesWithoutHeadMeansSkipRolloutOnly() {
    AnalysisReport report =
        Analyzer.analyze(pass(false), AnalysisOptions.defaults(), summaries(false));
    assertNotNull(report.sinks());
    assertNull(report.rollout());
    assertTrue(report.notes().stream().anyMatch(n -> n.contains("rollout")));
  }

  @Test
  void clsOnlyQuerySetIsDerivedFromClsRows() {
    AnalysisOptions options =
        AnalysisOptions.defaults()
            .withSinks(SinkOptions.defaults().withQuerySet(QuerySet.CLS_ONLY));
    AnalysisReport full = Analyzer.analyze(pass(true), options);
    AnalysisReport summarised = Analyzer.analyze(pass(false), options, summaries(false));
    assertArrayEquals(full.sinks().score(), summarised.sinks().score(), 1e-7f);
    assertEquals(QuerySet.CLS_ONLY, summarised.sinks().querySet());
    // the Gu metric still uses all queries
    assertArrayEquals(full.sinks().guPercent(), summarised.sinks().guPercent());
  }

  @Test
  void mismatchedQuerySetIsExplainedNotGuessed() {
    AnalysisOptions options =
        AnalysisOptions.defaults()
            .withSinks(SinkOptions.defaults().withQuerySet(QuerySet.EXCLUDE_SELF));
    AnalysisReport report = Analyzer.analyze(pass(false), options, summaries(false));
    assertNull(report.sinks());
    assertTrue(report.notes().stream().anyMatch(n -> n.contains("EXCLUDE_SELF")));
  }

  @Test
  void withoutAttentionOnlyNormPartsRemain() {
    AnalysisReport report = Analyzer.analyze(pass(false));
    assertNull(report.sinks());
    assertNull(report.sinkLayers());
    assertNull(report.clsAttention());
    assertNull(report.rollout());
    assertEquals(3, report.emergence().block());
    assertTrue(Double.isNaN(report.summaries().get(2).sinkMassOnArtifacts()));
    assertEquals(-1, report.summaries().get(2).topSinkToken());
    assertTrue(report.notes().stream().anyMatch(n -> n.contains("no attention")));
  }

  @Test
  void absoluteRuleUsesTheModelPreset() {
    ModelSpec large = SyntheticCaptures.spec(ModelFamily.DINOV2, 1024, 24, 16, 14, 0);
    ForwardResult pass = pass(true);
    ForwardResult relabelled = SyntheticCaptures.result(large, LAYOUT, pass.layers());
    AnalysisReport report =
        Analyzer.analyze(relabelled, DetectionOptions.defaults().withRule(DetectionRule.ABSOLUTE));
    assertEquals(150, report.absoluteThreshold());
    assertEquals(23, report.thresholdPreset().referenceBlock());
    assertEquals(
        DetectionVerdict.NO_ARTIFACTS, report.summaries().get(3).verdict()); // 85 is below 150

    AnalysisReport explicit =
        Analyzer.analyze(
            relabelled,
            DetectionOptions.defaults().withRule(DetectionRule.ABSOLUTE).withAbsoluteThreshold(50));
    assertEquals(2, explicit.summaries().get(3).artifactCount());
  }

  @Test
  void reportSerialisesToJsonWithPlainFieldNames() throws Exception {
    AnalysisReport report = Analyzer.analyze(pass(true));
    ObjectMapper mapper = new ObjectMapper();
    JsonNode json = mapper.readTree(mapper.writeValueAsString(report));
    JsonNode row = json.get("summaries").get(2);
    assertEquals(3, row.get("block").asInt());
    assertEquals(2, row.get("artifactCount").asInt());
    assertEquals("BIMODAL_SPLIT", row.get("rule").asText());
    assertTrue(row.has("maxOverMedian"));
    assertTrue(row.has("sinkMassOnArtifacts"));
    assertTrue(row.has("clsCaptureOnRegisters"));
    assertEquals(3, json.get("emergence").get("block").asInt());
    assertEquals(T, json.get("sinks").get("guPercent").size());
    assertEquals(
        1, json.get("norms").get(2).get("artifacts").get("positions").get(0).get("row").asInt());
    assertEquals("BIMODAL_SPLIT", json.get("options").get("detection").get("rule").asText());
    // the options read back, NaN ("use the preset") included
    DetectionOptions back =
        mapper.treeToValue(json.get("options").get("detection"), DetectionOptions.class);
    assertEquals(DetectionOptions.defaults(), back);
    assertTrue(Double.isNaN(back.absoluteThreshold()));
    // undefined metrics are written as the string "NaN"
    assertEquals("NaN", json.get("summaries").get(0).get("artifactThreshold").asText());
  }

  /** The whole report as JSON: every number and note, arrays included. */
  private static String json(AnalysisReport report) throws Exception {
    return new ObjectMapper().writeValueAsString(report);
  }

  @Test
  void firstPicturePartEqualsTheFullReportOnTheNormsAndHasNothingElse() throws Exception {
    ObjectMapper mapper = new ObjectMapper();
    for (boolean withAttention : new boolean[] {true, false}) {
      AnalysisReport full = Analyzer.analyze(pass(withAttention));
      AnalysisReport first = Analyzer.firstPicture(pass(withAttention), AnalysisOptions.defaults());
      assertEquals(
          mapper.writeValueAsString(full.norms()), mapper.writeValueAsString(first.norms()));
      assertEquals(
          mapper.writeValueAsString(full.emergence()),
          mapper.writeValueAsString(first.emergence()));
      assertEquals(full.thresholdPreset(), first.thresholdPreset());
      assertEquals(full.absoluteThreshold(), first.absoluteThreshold());
      assertEquals(
          mapper.writeValueAsString(full.options()), mapper.writeValueAsString(first.options()));
      for (int b = 0; b < full.summaries().size(); b++) {
        LayerSummary f = full.summaries().get(b);
        LayerSummary p = first.summaries().get(b);
        assertEquals(f.patchNormMedian(), p.patchNormMedian());
        assertEquals(f.maxOverMedian(), p.maxOverMedian());
        assertEquals(f.verdict(), p.verdict());
        assertEquals(f.artifactCount(), p.artifactCount());
        assertEquals(f.artifactThreshold(), p.artifactThreshold());
        assertTrue(Double.isNaN(p.sinkMassOnArtifacts()), "no sink metric yet");
        assertEquals(-1, p.topSinkToken());
      }
      assertTrue(full.notes().containsAll(first.notes()));
      assertNull(first.sinks());
      assertNull(first.sinkLayers());
      assertTrue(first.massiveActivations().isEmpty());
      assertNull(first.clsAttention());
      assertNull(first.rollout());
      assertNull(first.pca());
      if (withAttention) {
        assertNotNull(full.sinks()); // the planted sinks are there to be missed
        assertEquals(2, full.summaries().get(3).artifactCount());
      }
    }
  }

  @Test
  void completingTheFirstPartGivesTheOneShotReport() throws Exception {
    AnalysisOptions vitExplain =
        AnalysisOptions.defaults().withRollout(RolloutOptions.vitExplain(HeadFusion.MEAN, 0.9));
    for (AnalysisOptions options : List.of(AnalysisOptions.defaults(), vitExplain)) {
      ForwardResult maps = pass(true);
      assertEquals(
          json(Analyzer.analyze(maps, options)),
          json(Analyzer.complete(Analyzer.firstPicture(maps, options), maps, List.of())));
      ForwardResult bare = pass(false);
      assertEquals(
          json(Analyzer.analyze(bare, options, summaries(true))),
          json(Analyzer.complete(Analyzer.firstPicture(bare, options), bare, summaries(true))));
    }
  }

  @Test
  void aFirstPartOfAnotherPassIsRefused() {
    AnalysisReport first = Analyzer.firstPicture(pass(true), AnalysisOptions.defaults());
    ForwardResult other = SyntheticCaptures.result(SPEC, LAYOUT, pass(true).layers().subList(0, 3));
    org.junit.jupiter.api.Assertions.assertThrows(
        IllegalArgumentException.class, () -> Analyzer.complete(first, other, List.of()));
  }
}
