package dev.sinkscope.inference.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.Device;
import dev.sinkscope.inference.mitigation.AttentionNormalizer;
import dev.sinkscope.inference.mitigation.BlockRange;
import dev.sinkscope.inference.mitigation.MitigationStack;
import dev.sinkscope.inference.mitigation.NeuronMap;
import dev.sinkscope.inference.mitigation.TestTimeRegisters;
import dev.sinkscope.inference.model.Checkpoint;
import dev.sinkscope.inference.model.CheckpointReader;
import dev.sinkscope.inference.result.FloatTensor;
import dev.sinkscope.inference.result.ForwardResult;
import dev.sinkscope.inference.safetensors.SafetensorsFile;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Passes free every native array they make: the model's array count does not move. */
@Tag("slow")
class NativeMemoryTest {
  private static final Path FIXTURES = Path.of("..", "testdata", "fixtures");
  private static final int PASSES = 50;

  @Test
  void fiftyPassesInEveryCaptureModeKeepTheArrayCountConstant() throws Exception {
    Path dir = FIXTURES.resolve("dinov2-hf");
    NeuronMap neurons = NeuronMap.read(FIXTURES.resolve("dinov2-ttr").resolve("ttr.json"));
    try (Checkpoint checkpoint = CheckpointReader.open(dir);
        VitModel model = VitModel.load(checkpoint, Device.cpu());
        SafetensorsFile in = SafetensorsFile.open(dir.resolve("input-interp.safetensors"))) {
      // the interpolated input also exercises the resized position-table cache
      FloatTensor pixels =
          new FloatTensor(in.info("pixel_values").intShape(), in.readFloats("pixel_values"));
      VitForward forward = new VitForward(model);
      ForwardHooks ttr =
          MitigationStack.of(TestTimeRegisters.reference(neurons)).hooks(model.spec());
      ForwardHooks sigmoid =
          MitigationStack.of(AttentionNormalizer.sigmoid(new BlockRange(2, 3))).hooks(model.spec());
      CaptureOptions summary = CaptureOptions.DEFAULT.withAttention(AttentionCapture.SUMMARY);

      ForwardResult first =
          forward.run(
              pixels,
              ForwardHooks.NONE,
              CaptureOptions.DEFAULT,
              CancellationToken.NONE,
              ProgressListener.NONE);
      int before = model.managedArrayCount();
      for (int i = 0; i < PASSES; i++) {
        forward.run(
            pixels,
            ForwardHooks.NONE,
            CaptureOptions.DEFAULT,
            CancellationToken.NONE,
            ProgressListener.NONE);
        ForwardResult s =
            forward.run(pixels, ttr, summary, CancellationToken.NONE, ProgressListener.NONE);
        forward.run(
            pixels,
            sigmoid,
            CaptureOptions.EVERYTHING,
            CancellationToken.NONE,
            ProgressListener.NONE,
            first,
            2);
        forward.recomputeAttention(s, ttr, 1 + i % s.blocks());
        forward.recomputeAttention(s, ttr, 1, 0);
        assertEquals(before, model.managedArrayCount(), "native arrays after pass " + (i + 1));
      }
    }
  }
}
