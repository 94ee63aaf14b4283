package dev.sinkscope.inference.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import dev.sinkscope.inference.engine.CancellationToken;
import dev.sinkscope.inference.engine.CaptureOptions;
import dev.sinkscope.inference.engine.ForwardHooks;
import dev.sinkscope.inference.engine.ProgressListener;
import dev.sinkscope.inference.engine.VitForward;
import dev.sinkscope.inference.engine.VitModel;
import dev.sinkscope.inference.model.Checkpoint;
import dev.sinkscope.inference.model.CheckpointReader;
import dev.sinkscope.inference.result.ClsLikeQuery;
import dev.sinkscope.inference.result.FloatTensor;
import dev.sinkscope.inference.result.ForwardResult;
import dev.sinkscope.inference.result.TokenLayout;
import dev.sinkscope.inference.safetensors.SafetensorsFile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A model without CLS (SigLIP): every CLS-attention quantity comes from the attention-pooling
 * probe's row, the one transformers computes ({@code debug.head_attention} of the fixture); a model
 * with CLS (DINOv3) keeps token 0.
 */
class ProbeAsClsQueryTest {
  private static final Path FIXTURES = Path.of("..", "testdata", "fixtures");

  private static ForwardResult run(String fixture, String input) throws Exception {
    Path dir = FIXTURES.resolve(fixture);
    try (Checkpoint checkpoint = CheckpointReader.open(dir);
        VitModel model = VitModel.load(checkpoint, Device.cpu());
        SafetensorsFile in = SafetensorsFile.open(dir.resolve(input))) {
      FloatTensor pixels =
          new FloatTensor(in.info("pixel_values").intShape(), in.readFloats("pixel_values"));
      return new VitForward(model)
          .run(
              pixels,
              ForwardHooks.NONE,
              CaptureOptions.DEFAULT,
              CancellationToken.NONE,
              ProgressListener.NONE);
    }
  }

  private static float[] expectedProbe(String input) throws Exception {
    String expected = input.replace("input", "expected");
    try (SafetensorsFile want =
        SafetensorsFile.open(FIXTURES.resolve("siglip-vision-hf").resolve(expected))) {
      return want.readFloats("debug.head_attention"); // [1, H, 1, T]
    }
  }

  @Test
  void siglipsClsLikeQueryIsTheProbeAfterTheLastBlock() throws Exception {
    ForwardResult result = run("siglip-vision-hf", "input-interp.safetensors");
    ClsLikeQuery query = result.clsLikeQuery();

    assertTrue(query.isProbe());
    assertEquals("pooling-probe attention", query.label());
    assertEquals(-1, query.token());
    assertNull(query.rows(1), "the probe reads only the last block's output");
    float[] rows = query.rows(4);
    float[] want = expectedProbe("input-interp.safetensors");
    assertEquals(want.length, rows.length);
    for (int i = 0; i < want.length; i++) {
      assertEquals(want[i], rows[i], 1e-5, "probe attention [" + i + "]");
    }
  }

  @Test
  void clsMapsCaptureMetricsAndRolloutComeFromTheProbeRow() throws Exception {
    ForwardResult result = run("siglip-vision-hf", "input.safetensors");
    TokenLayout layout = result.layout();
    int t = layout.totalTokens();
    int heads = result.spec().numHeads();
    float[] probe = expectedProbe("input.safetensors"); // [H, T]
    AnalysisOptions options = AnalysisOptions.defaults().withRollout(RolloutOptions.paper());

    AnalysisReport report = Analyzer.analyze(result, options);

    // CLS attention map = the probe's row over the patches (there is no other token)
    ClsAttentionMaps maps = report.clsAttention();
    assertNotNull(maps);
    assertEquals(4, maps.block());
    for (int h = 0; h < heads; h++) {
      for (int p = 0; p < layout.patchCount(); p++) {
        assertEquals(probe[h * t + p], maps.perHead()[h * layout.patchCount() + p], 1e-5);
      }
    }
    // CLS capture on artifacts = probe mass on the artifacts at the last block, NaN elsewhere
    LayerSinkAnalysis last = report.sinkLayers().get(3);
    int[] artifacts = report.norms().get(3).artifacts().tokenIndices();
    double mass = 0;
    for (int j : artifacts) {
      for (int h = 0; h < heads; h++) {
        mass += probe[h * t + j] / heads;
      }
    }
    assertEquals(mass, last.clsCaptureOnArtifacts(), 1e-5);
    double maxOnPatches = 0;
    for (int j = 0; j < t; j++) {
      double mean = 0;
      for (int h = 0; h < heads; h++) {
        mean += probe[h * t + j] / heads;
      }
      assertEquals(mean, last.clsCapture()[j], 1e-6, "head-mean probe row at token " + j);
      maxOnPatches = Math.max(maxOnPatches, mean);
    }
    assertEquals(maxOnPatches, last.maxClsOnPatches(), 1e-6);
    assertNull(report.sinkLayers().get(2).clsCapture());
    assertTrue(
        Double.isNaN(report.sinkLayers().get(0).clsCaptureOnArtifacts()),
        "no CLS-like row before block 4");
    assertTrue(
        report.notes().stream().anyMatch(n -> n.contains("pooling-probe attention")),
        report.notes().toString());

    // rollout: probe head mean times the paper matrices of blocks 4..1
    double[] v = new double[t];
    for (int j = 0; j < t; j++) {
      for (int h = 0; h < heads; h++) {
        v[j] += probe[h * t + j] / heads;
      }
    }
    List<double[]> matrices = new ArrayList<>();
    for (int b = 1; b <= 4; b++) {
      matrices.add(
          AttentionRollout.paperLayerMatrix(
              AttentionRollout.fuseHeads(result.block(b).attention(), HeadFusion.MEAN), t));
    }
    for (int l = 3; l >= 0; l--) {
      double[] next = new double[t];
      for (int i = 0; i < t; i++) {
        for (int j = 0; j < t; j++) {
          next[j] += v[i] * matrices.get(l)[i * t + j];
        }
      }
      v = next;
    }
    RolloutMap rollout = report.rollout();
    assertNotNull(rollout);
    for (int p = 0; p < layout.patchCount(); p++) {
      assertEquals(v[p], rollout.raw()[p], 1e-5);
    }
  }

  @Test
  void dinov3KeepsTokenZero() throws Exception {
    ForwardResult result = run("dinov3-hf", "input-nonsquare.safetensors");
    ClsLikeQuery query = result.clsLikeQuery();

    assertFalse(query.isProbe());
    assertEquals("CLS attention", query.label());
    float[] rows = query.rows(2);
    FloatTensor attention = result.block(2).attention();
    int t = attention.dim(1);
    assertEquals(attention.data()[t * t + 5], rows[t + 5]); // head 1, row 0, key 5
    assertNull(result.debug().get(ClsLikeQuery.PROBE_ATTENTION));
  }
}
