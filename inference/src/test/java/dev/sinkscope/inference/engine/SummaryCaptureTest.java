package dev.sinkscope.inference.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import ai.djl.Device;
import dev.sinkscope.inference.analysis.AnalysisOptions;
import dev.sinkscope.inference.analysis.AnalysisReport;
import dev.sinkscope.inference.analysis.Analyzer;
import dev.sinkscope.inference.analysis.LayerAttentionSummary;
import dev.sinkscope.inference.analysis.QuerySet;
import dev.sinkscope.inference.mitigation.AttentionNormalizer;
import dev.sinkscope.inference.mitigation.BlockRange;
import dev.sinkscope.inference.mitigation.MitigationStack;
import dev.sinkscope.inference.model.Checkpoint;
import dev.sinkscope.inference.model.CheckpointReader;
import dev.sinkscope.inference.result.AttentionSummary;
import dev.sinkscope.inference.result.FloatTensor;
import dev.sinkscope.inference.result.ForwardResult;
import dev.sinkscope.inference.result.LayerCapture;
import dev.sinkscope.inference.safetensors.SafetensorsFile;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A summary-mode pass keeps the same numbers the views would compute from full maps, and any full
 * map it dropped can be recomputed exactly.
 */
@Tag("cross-machine")
@Tag("slow")
class SummaryCaptureTest {
  private static final Path FIXTURES = Path.of("..", "testdata", "fixtures");
  private static final float SUM_TOLERANCE = 1e-6f;
  private static final CaptureOptions FULL =
      CaptureOptions.DEFAULT.withAttention(AttentionCapture.FULL);
  private static final CaptureOptions SUMMARY =
      CaptureOptions.DEFAULT.withAttention(AttentionCapture.SUMMARY);

  private record Pair(ForwardResult full, ForwardResult summary, VitForward forward) {}

  private static Pair run(String fixture, ForwardHooks hooks, Checkpoint checkpoint, VitModel model)
      throws Exception {
    FloatTensor pixels;
    try (SafetensorsFile in =
        SafetensorsFile.open(FIXTURES.resolve(fixture).resolve("input.safetensors"))) {
      pixels = new FloatTensor(in.info("pixel_values").intShape(), in.readFloats("pixel_values"));
    }
    VitForward forward = new VitForward(model);
    return new Pair(
        forward.run(pixels, hooks, FULL, CancellationToken.NONE, ProgressListener.NONE),
        forward.run(pixels, hooks, SUMMARY, CancellationToken.NONE, ProgressListener.NONE),
        forward);
  }

  @ParameterizedTest
  @ValueSource(strings = {"dinov2-hf", "dinov2-reg-hf", "vit-hf", "clip-vision-hf"})
  void summariesEqualWhatTheFullMapsGive(String fixture) throws Exception {
    try (Checkpoint checkpoint = CheckpointReader.open(FIXTURES.resolve(fixture));
        VitModel model = VitModel.load(checkpoint, Device.cpu())) {
      Pair p = run(fixture, ForwardHooks.NONE, checkpoint, model);
      for (int b = 1; b <= p.full().blocks(); b++) {
        LayerCapture kept = p.summary().block(b);
        assertNull(kept.attention(), "summary mode drops the full map of block " + b);
        assertEquals(p.full().block(b).hidden(), kept.hidden(), "residual stream of block " + b);
        FloatTensor map = p.full().block(b).attention();
        AttentionSummary onDevice = AttentionSummary.of(p.summary(), b).orElseThrow();
        AttentionSummary onHost = AttentionSummary.fromMap(b, map, p.full().layout(), true);
        assertRelativelyClose(onHost.columnSums(), onDevice.columnSums(), "column sums");
        assertRelativelyClose(
            onHost.patchColumnSums(), onDevice.patchColumnSums(), "patch column sums");
        assertArrayEquals(onHost.self(), onDevice.self(), "diagonal");
        assertArrayEquals(onHost.clsRow(), onDevice.clsRow(), "CLS rows");
        assertArrayEquals(onHost.rowSums(), onDevice.rowSums(), SUM_TOLERANCE, "row sums");
        assertArrayEquals(onHost.headMean(), onDevice.headMean(), SUM_TOLERANCE, "head mean");
        for (QuerySet querySet : QuerySet.values()) {
          LayerAttentionSummary want =
              LayerAttentionSummary.fromAttention(b, map, p.full().layout(), querySet, true);
          LayerAttentionSummary got = LayerAttentionSummary.fromSummary(onDevice, querySet);
          assertArrayEquals(
              want.received(), got.received(), SUM_TOLERANCE, querySet + " received, block " + b);
          assertArrayEquals(want.clsRow(), got.clsRow(), querySet + " CLS row, block " + b);
          assertArrayEquals(
              want.headMean(), got.headMean(), SUM_TOLERANCE, "head mean, block " + b);
        }
      }
    }
  }

  /**
   * Sums of up to T float32 terms: a few ulps of the sum apart (device float vs host double order).
   */
  private static void assertRelativelyClose(float[] expected, float[] actual, String what) {
    assertEquals(expected.length, actual.length, what);
    for (int i = 0; i < expected.length; i++) {
      assertEquals(
          expected[i],
          actual[i],
          SUM_TOLERANCE * Math.max(1f, Math.abs(expected[i])),
          what + " [" + i + "]");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"dinov2-hf", "dinov2-reg-hf"})
  void droppedMapsAreRecomputedBitForBit(String fixture) throws Exception {
    try (Checkpoint checkpoint = CheckpointReader.open(FIXTURES.resolve(fixture));
        VitModel model = VitModel.load(checkpoint, Device.cpu())) {
      ForwardHooks sigmoidFromBlockTwo =
          MitigationStack.of(AttentionNormalizer.sigmoid(new BlockRange(2, 3))).hooks(model.spec());
      for (ForwardHooks hooks : List.of(ForwardHooks.NONE, sigmoidFromBlockTwo)) {
        Pair p = run(fixture, hooks, checkpoint, model);
        for (int b = 1; b <= p.full().blocks(); b++) {
          FloatTensor map = p.full().block(b).attention();
          assertEquals(map, p.forward().recomputeAttention(p.summary(), hooks, b), "block " + b);
          int heads = map.dim(0);
          int t = map.dim(1);
          float[] lastHead =
              java.util.Arrays.copyOfRange(map.data(), (heads - 1) * t * t, heads * t * t);
          assertArrayEquals(
              lastHead, p.forward().recomputeAttention(p.summary(), hooks, b, heads - 1).data());
        }
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"dinov2-hf", "dinov2-reg-hf"})
  void analysisFromSummariesMatchesAnalysisFromFullMaps(String fixture) throws Exception {
    try (Checkpoint checkpoint = CheckpointReader.open(FIXTURES.resolve(fixture));
        VitModel model = VitModel.load(checkpoint, Device.cpu())) {
      Pair p = run(fixture, ForwardHooks.NONE, checkpoint, model);
      AnalysisOptions options = AnalysisOptions.defaults();
      AnalysisReport fromMaps = Analyzer.analyze(p.full(), options);
      AnalysisReport fromSummaries = Analyzer.analyze(p.summary(), options);
      assertNotNull(fromSummaries.sinks(), "sink scores from summaries");
      assertNotNull(fromSummaries.rollout(), "rollout from head means");
      assertNotNull(fromSummaries.clsAttention(), "CLS maps from CLS rows");
      assertEquals(fromMaps.summaries().size(), fromSummaries.summaries().size());
      for (int i = 0; i < fromMaps.summaries().size(); i++) {
        assertEquals(
            fromMaps.summaries().get(i).topSinkToken(),
            fromSummaries.summaries().get(i).topSinkToken());
        assertEquals(
            fromMaps.summaries().get(i).topSinkRatio(),
            fromSummaries.summaries().get(i).topSinkRatio(),
            1e-4);
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"dinov2-hf"})
  void autoKeepsFullMapsWithinTheBudgetAndSummariesAbove(String fixture) throws Exception {
    try (Checkpoint checkpoint = CheckpointReader.open(FIXTURES.resolve(fixture));
        VitModel model = VitModel.load(checkpoint, Device.cpu());
        SafetensorsFile in =
            SafetensorsFile.open(FIXTURES.resolve(fixture).resolve("input.safetensors"))) {
      FloatTensor pixels =
          new FloatTensor(in.info("pixel_values").intShape(), in.readFloats("pixel_values"));
      VitForward forward = new VitForward(model);
      ForwardResult small =
          forward.run(
              pixels,
              ForwardHooks.NONE,
              CaptureOptions.DEFAULT,
              CancellationToken.NONE,
              ProgressListener.NONE);
      assertNotNull(small.block(1).attention(), "DEFAULT keeps full maps of a small model");
      assertNull(small.block(1).summary(), "and no summaries, so dumps stay as they were");
      ForwardResult overBudget =
          forward.run(
              pixels,
              ForwardHooks.NONE,
              CaptureOptions.DEFAULT.withFullMapBudget(1024),
              CancellationToken.NONE,
              ProgressListener.NONE);
      assertNull(overBudget.block(1).attention());
      assertEquals(model.spec().numLayers(), AttentionSummary.all(overBudget).size());
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"dinov2-hf"})
  void resumingASummaryPassEqualsAFreshOneAndMismatchedPriorsAreNotReused(String fixture)
      throws Exception {
    try (Checkpoint checkpoint = CheckpointReader.open(FIXTURES.resolve(fixture));
        VitModel model = VitModel.load(checkpoint, Device.cpu())) {
      ForwardHooks sigmoid =
          MitigationStack.of(AttentionNormalizer.sigmoid(new BlockRange(2, 3))).hooks(model.spec());
      Pair base = run(fixture, ForwardHooks.NONE, checkpoint, model);
      FloatTensor pixels = base.full().pixelValues();
      ForwardResult fresh =
          base.forward()
              .run(pixels, sigmoid, SUMMARY, CancellationToken.NONE, ProgressListener.NONE);
      for (ForwardResult prior : List.of(base.summary(), base.full())) {
        ForwardResult resumed =
            base.forward()
                .run(
                    pixels,
                    sigmoid,
                    SUMMARY,
                    CancellationToken.NONE,
                    ProgressListener.NONE,
                    prior,
                    2);
        assertEquals(fresh.debug().keySet(), resumed.debug().keySet());
        fresh.debug().forEach((name, t) -> assertEquals(t, resumed.debug().get(name), name));
        for (int b = 1; b <= fresh.blocks(); b++) {
          AttentionSummary want = fresh.block(b).summary();
          AttentionSummary got = resumed.block(b).summary();
          assertArrayEquals(want.columnSums(), got.columnSums(), "column sums of block " + b);
          assertArrayEquals(want.clsRow(), got.clsRow(), "CLS row of block " + b);
          assertArrayEquals(want.rowSums(), got.rowSums(), "row sums of block " + b);
          assertArrayEquals(want.headMean(), got.headMean(), "head mean of block " + b);
        }
        for (int b = 1; b <= fresh.blocks(); b++) {
          assertEquals(fresh.block(b).hidden(), resumed.block(b).hidden(), "block " + b);
        }
      }
    }
  }
}
