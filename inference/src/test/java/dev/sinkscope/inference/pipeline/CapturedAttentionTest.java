package dev.sinkscope.inference.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import ai.djl.Device;
import dev.sinkscope.inference.analysis.QuerySet;
import dev.sinkscope.inference.engine.AttentionCapture;
import dev.sinkscope.inference.engine.CancellationToken;
import dev.sinkscope.inference.engine.CaptureOptions;
import dev.sinkscope.inference.engine.ForwardHooks;
import dev.sinkscope.inference.engine.ProgressListener;
import dev.sinkscope.inference.engine.VitForward;
import dev.sinkscope.inference.engine.VitModel;
import dev.sinkscope.inference.model.Checkpoint;
import dev.sinkscope.inference.model.CheckpointReader;
import dev.sinkscope.inference.result.FloatTensor;
import dev.sinkscope.inference.result.ForwardResult;
import dev.sinkscope.inference.safetensors.SafetensorsFile;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Rows and columns read the same from a full-map pass and from a summary pass. */
@Tag("cross-machine")
class CapturedAttentionTest {
  private static final Path DIR = Path.of("..", "testdata", "fixtures", "dinov2-reg-hf");

  @Test
  void summaryPassAnswersLikeTheFullMapsAndRecomputesOnlyOncePerBlock() throws Exception {
    try (Checkpoint checkpoint = CheckpointReader.open(DIR);
        VitModel model = VitModel.load(checkpoint, Device.cpu());
        SafetensorsFile in = SafetensorsFile.open(DIR.resolve("input.safetensors"))) {
      FloatTensor pixels =
          new FloatTensor(in.info("pixel_values").intShape(), in.readFloats("pixel_values"));
      VitForward forward = new VitForward(model);
      ForwardResult full =
          forward.run(
              pixels,
              ForwardHooks.NONE,
              CaptureOptions.DEFAULT.withAttention(AttentionCapture.FULL),
              CancellationToken.NONE,
              ProgressListener.NONE);
      ForwardResult summary =
          forward.run(
              pixels,
              ForwardHooks.NONE,
              CaptureOptions.DEFAULT.withAttention(AttentionCapture.SUMMARY),
              CancellationToken.NONE,
              ProgressListener.NONE);
      CapturedAttention want = new CapturedAttention(forward, full, ForwardHooks.NONE);
      CapturedAttention got = new CapturedAttention(forward, summary, ForwardHooks.NONE);
      assertFalse(got.hasFullMap(3));
      int t = full.layout().totalTokens();
      for (int head = 0; head < model.spec().numHeads(); head++) {
        assertArrayEquals(want.clsRow(3, head), got.clsRow(3, head));
        assertArrayEquals(
            want.received(3, head, QuerySet.PATCHES_ONLY),
            got.received(3, head, QuerySet.PATCHES_ONLY),
            1e-6f);
        assertArrayEquals(want.rowSums(3, head), got.rowSums(3, head), 1e-6f);
        assertArrayEquals(want.queryRow(3, head, t - 1), got.queryRow(3, head, t - 1));
        assertArrayEquals(want.keyColumn(3, head, 1), got.keyColumn(3, head, 1));
      }
      assertEquals(0, want.recomputations());
      assertEquals(1, got.recomputations(), "one recompute serves every head and query of block 3");
      got.queryRow(2, 0, 0);
      assertEquals(2, got.recomputations());
    }
  }
}
