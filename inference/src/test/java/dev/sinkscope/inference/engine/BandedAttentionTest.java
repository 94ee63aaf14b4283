package dev.sinkscope.inference.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.sinkscope.inference.mitigation.AttentionNormalizer;
import dev.sinkscope.inference.mitigation.BlockRange;
import dev.sinkscope.inference.mitigation.MitigationStack;
import dev.sinkscope.inference.model.Checkpoint;
import dev.sinkscope.inference.model.CheckpointReader;
import dev.sinkscope.inference.model.PositionInterpolation;
import dev.sinkscope.inference.result.AttentionSummary;
import dev.sinkscope.inference.result.FloatTensor;
import dev.sinkscope.inference.result.ForwardResult;
import dev.sinkscope.inference.safetensors.SafetensorsFile;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Attention computed in bands of query rows (ADR 0025) gives what the whole matrix gives: the same
 * residual stream, maps, summaries and recomputed maps, under hooks and in batches. Bands of 7 rows
 * split the fixtures' prefix from their patches and leave a short last band.
 */
class BandedAttentionTest {
  private static final Path FIXTURES = Path.of("..", "testdata", "fixtures");
  private static final int WHOLE = Integer.MAX_VALUE;
  private static final int BAND = 7;

  /**
   * A band's products can take other kernels than the whole matrix's, so sums round differently: a
   * few float32 ulps per block, grown to ~3e-6 by block 4 of the random fixtures; the fixtures'
   * reference tolerance is 1e-5.
   */
  private static final float TOLERANCE = 1e-5f;

  private static FloatTensor pixels(String fixture) throws Exception {
    try (SafetensorsFile in =
        SafetensorsFile.open(FIXTURES.resolve(fixture).resolve("input.safetensors"))) {
      return new FloatTensor(in.info("pixel_values").intShape(), in.readFloats("pixel_values"));
    }
  }

  private static ForwardResult run(
      VitForward forward, FloatTensor pixels, ForwardHooks hooks, CaptureOptions capture) {
    return forward.run(pixels, hooks, capture, CancellationToken.NONE, ProgressListener.NONE);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "dinov2-hf",
        "dinov2-reg-hf",
        "vit-hf",
        "clip-vision-hf",
        "dinov3-hf",
        "siglip-vision-hf"
      })
  void bandsGiveTheWholeMatrixsStreamMapsAndSummaries(String fixture) throws Exception {
    try (Checkpoint checkpoint = CheckpointReader.open(FIXTURES.resolve(fixture));
        VitModel model = VitModel.load(checkpoint, Device.cpu())) {
      FloatTensor pixels = pixels(fixture);
      VitForward whole = new VitForward(model).withAttentionBandRows(WHOLE);
      VitForward banded = new VitForward(model).withAttentionBandRows(BAND);
      ForwardHooks sigmoidInBlockTwo =
          MitigationStack.of(AttentionNormalizer.sigmoid(new BlockRange(1, 2))).hooks(model.spec());
      CaptureOptions full = CaptureOptions.DEFAULT.withAttention(AttentionCapture.FULL);
      CaptureOptions summary =
          CaptureOptions.DEFAULT.withAttention(AttentionCapture.SUMMARY).withHeadMean(true);
      for (ForwardHooks hooks : List.of(ForwardHooks.NONE, sigmoidInBlockTwo)) {
        ForwardResult wantFull = run(whole, pixels, hooks, full);
        ForwardResult gotFull = run(banded, pixels, hooks, full);
        ForwardResult gotSummary = run(banded, pixels, hooks, summary);
        ForwardResult wantSummary = run(whole, pixels, hooks, summary);
        assertEquals(wantFull.blocks(), gotFull.blocks());
        for (int b = 1; b <= wantFull.blocks(); b++) {
          String where = fixture + " block " + b + (hooks == ForwardHooks.NONE ? "" : " sigmoid");
          close(wantFull.block(b).hidden(), gotFull.block(b).hidden(), where + " hidden");
          close(wantFull.block(b).hidden(), gotSummary.block(b).hidden(), where + " hidden (s)");
          close(wantFull.block(b).attention(), gotFull.block(b).attention(), where + " map");
          assertNull(gotSummary.block(b).attention(), where + " summary pass keeps no map");
          AttentionSummary want = AttentionSummary.of(wantSummary, b).orElseThrow();
          AttentionSummary got = AttentionSummary.of(gotSummary, b).orElseThrow();
          close(want.columnSums(), got.columnSums(), where + " column sums");
          close(want.patchColumnSums(), got.patchColumnSums(), where + " patch column sums");
          close(want.self(), got.self(), where + " diagonal");
          if (want.clsRow() == null) {
            assertNull(got.clsRow(), where + " no CLS row");
          } else {
            close(want.clsRow(), got.clsRow(), where + " CLS row");
          }
          close(want.rowSums(), got.rowSums(), where + " row sums");
          assertNotNull(got.headMean(), where + " head mean kept");
          close(want.headMean(), got.headMean(), where + " head mean");
          // a dropped map comes back as the banded pass itself computed it, to the bit
          assertEquals(
              gotFull.block(b).attention(),
              banded.recomputeAttention(gotSummary, hooks, b),
              where + " recomputed map");
        }
        close(wantFull.lastHiddenState(), gotFull.lastHiddenState(), fixture + " last hidden");
        if (wantFull.pooled() != null) {
          close(wantFull.pooled(), gotFull.pooled(), fixture + " pooled");
        }
      }
    }
  }

  @Test
  void batchedPassesAreBandedPerImageAlike() throws Exception {
    String fixture = "dinov2-reg-hf";
    try (Checkpoint checkpoint = CheckpointReader.open(FIXTURES.resolve(fixture));
        VitModel model = VitModel.load(checkpoint, Device.cpu())) {
      FloatTensor pixels = pixels(fixture);
      float[] flipped = pixels.data().clone();
      for (int i = 0; i < flipped.length; i++) {
        flipped[i] = -0.5f * flipped[i];
      }
      List<FloatTensor> images = List.of(pixels, new FloatTensor(pixels.shape(), flipped));
      for (AttentionCapture mode : List.of(AttentionCapture.FULL, AttentionCapture.SUMMARY)) {
        CaptureOptions capture = CaptureOptions.DEFAULT.withAttention(mode);
        List<ForwardResult> want =
            new VitForward(model)
                .withAttentionBandRows(WHOLE)
                .runBatch(images, capture, CancellationToken.NONE, ProgressListener.NONE);
        List<ForwardResult> got =
            new VitForward(model)
                .withAttentionBandRows(BAND)
                .runBatch(images, capture, CancellationToken.NONE, ProgressListener.NONE);
        for (int n = 0; n < images.size(); n++) {
          for (int b = 1; b <= want.get(n).blocks(); b++) {
            String where = mode + " image " + n + " block " + b;
            close(want.get(n).block(b).hidden(), got.get(n).block(b).hidden(), where);
            if (mode == AttentionCapture.FULL) {
              close(want.get(n).block(b).attention(), got.get(n).block(b).attention(), where);
            } else {
              AttentionSummary w = AttentionSummary.of(want.get(n), b).orElseThrow();
              AttentionSummary g = AttentionSummary.of(got.get(n), b).orElseThrow();
              close(w.columnSums(), g.columnSums(), where + " column sums");
              close(w.self(), g.self(), where + " diagonal");
              close(w.clsRow(), g.clsRow(), where + " CLS row");
              close(w.rowSums(), g.rowSums(), where + " row sums");
            }
          }
        }
      }
    }
  }

  @Test
  void aTrainingPassInBandsHasTheWholeMatrixsGradients() throws Exception {
    String fixture = "dinov2-hf";
    try (Checkpoint checkpoint = CheckpointReader.open(FIXTURES.resolve(fixture));
        VitModel model = VitModel.load(checkpoint, Device.cpu());
        NDManager root = NDManager.newBaseManager(Device.cpu())) {
      FloatTensor pixels = pixels(fixture);
      int width = model.spec().hiddenSize();
      float[][] gradients = new float[2][];
      float[][] outputs = new float[2][];
      int[] bands = {WHOLE, BAND};
      for (int k = 0; k < bands.length; k++) {
        try (NDManager scope = root.newSubManager()) {
          NDArray registers = scope.create(seeded(2 * width), new Shape(1, 2, width)); // [1, 2, D]
          registers.setRequiresGradient(true);
          NDArray input = scope.create(pixels.data(), new Shape(toLong(pixels.shape())));
          try (GradientCollector collector = scope.getEngine().newGradientCollector()) {
            NDArray out =
                new VitForward(model)
                    .withAttentionBandRows(bands[k])
                    .trainingPass(
                        scope,
                        input,
                        new TrainableWeights(
                            java.util.Map.of(), registers, PositionInterpolation.BICUBIC));
            outputs[k] = out.toFloatArray();
            collector.backward(out.pow(2).mean());
          }
          gradients[k] = registers.getGradient().toFloatArray();
        }
      }
      close(outputs[0], outputs[1], "training pass output");
      close(gradients[0], gradients[1], "gradient of the appended registers");
      assertTrue(
          java.util.Arrays.stream(toDouble(gradients[0])).anyMatch(g -> Math.abs(g) > 1e-6),
          "the registers get a gradient at all");
    }
  }

  private static float[] seeded(int n) {
    java.util.Random random = new java.util.Random(11);
    float[] out = new float[n];
    for (int i = 0; i < n; i++) {
      out[i] = (float) (0.5 * random.nextGaussian());
    }
    return out;
  }

  private static long[] toLong(int[] shape) {
    return java.util.Arrays.stream(shape).asLongStream().toArray();
  }

  private static double[] toDouble(float[] values) {
    double[] out = new double[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = values[i];
    }
    return out;
  }

  @Test
  void defaultBandsAreForLongSequencesOnTheCpu() throws Exception {
    try (Checkpoint checkpoint = CheckpointReader.open(FIXTURES.resolve("dinov2-hf"));
        VitModel model = VitModel.load(checkpoint, Device.cpu())) {
      VitForward forward = new VitForward(model);
      assertEquals(257, forward.bandRows(257), "224 px: one band");
      assertEquals(512, forward.bandRows(512));
      int rows = forward.bandRows(1370); // 518 px: six bands of at most 229 rows
      assertEquals(229, rows);
      assertEquals(6, (1370 + rows - 1) / rows);
      assertEquals(7, forward.withAttentionBandRows(7).bandRows(1370));
      assertThrows(IllegalArgumentException.class, () -> forward.withAttentionBandRows(-1));
    }
  }

  private static void close(FloatTensor want, FloatTensor got, String what) {
    assertNotNull(got, what);
    assertArrayEquals(want.shape(), got.shape(), what + " shape");
    close(want.data(), got.data(), what);
  }

  private static void close(float[] want, float[] got, String what) {
    assertNotNull(got, what);
    assertEquals(want.length, got.length, what + " length");
    for (int i = 0; i < want.length; i++) {
      assertEquals(
          want[i], got[i], TOLERANCE * Math.max(1f, Math.abs(want[i])), what + " [" + i + "]");
    }
  }
}
