package dev.sinkscope.inference.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import dev.sinkscope.inference.mitigation.MitigationStack;
import dev.sinkscope.inference.mitigation.NeuronMap;
import dev.sinkscope.inference.mitigation.TestTimeRegisters;
import dev.sinkscope.inference.model.Checkpoint;
import dev.sinkscope.inference.model.CheckpointReader;
import dev.sinkscope.inference.result.FloatTensor;
import dev.sinkscope.inference.result.ForwardResult;
import dev.sinkscope.inference.result.ResultDump;
import dev.sinkscope.inference.safetensors.SafetensorsFile;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The half-precision path (meant for GPUs) runs on the CPU engine too, which lets the build check
 * it: every captured tensor is float32 and close to the float32 pass.
 */
@Tag("cross-machine")
class HalfPrecisionTest {
  private static final Path FIXTURES = Path.of("..", "testdata", "fixtures");

  /** fp16 has an 11-bit significand; values here are O(1) after 4 blocks. */
  private static final double TOLERANCE = 2e-2;

  static java.util.List<Device> devices() {
    return GoldenFixtureTest.devices();
  }

  /** On the CPU, and on each GPU the engine sees (a -Pcuda build on a CUDA machine). */
  @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
  @org.junit.jupiter.params.provider.MethodSource("devices")
  void halfPrecisionPassStaysCloseToFloat32WithAndWithoutHooks(Device device) throws Exception {
    Path dir = FIXTURES.resolve("dinov2-hf");
    NeuronMap neurons = NeuronMap.read(FIXTURES.resolve("dinov2-ttr").resolve("ttr.json"));
    FloatTensor pixels;
    try (SafetensorsFile in = SafetensorsFile.open(dir.resolve("input.safetensors"))) {
      pixels = new FloatTensor(in.info("pixel_values").intShape(), in.readFloats("pixel_values"));
    }
    try (Checkpoint checkpoint = CheckpointReader.open(dir);
        VitModel fp32 = VitModel.load(checkpoint, Device.cpu(), Precision.FP32);
        VitModel fp16 = VitModel.load(checkpoint, device, Precision.FP16)) {
      assertEquals(Precision.FP16, fp16.precision());
      for (ForwardHooks hooks :
          new ForwardHooks[] {
            ForwardHooks.NONE,
            MitigationStack.of(TestTimeRegisters.reference(neurons)).hooks(fp32.spec())
          }) {
        ForwardResult want =
            new VitForward(fp32)
                .run(
                    pixels,
                    hooks,
                    CaptureOptions.DEFAULT,
                    CancellationToken.NONE,
                    ProgressListener.NONE);
        ForwardResult got =
            new VitForward(fp16)
                .run(
                    pixels,
                    hooks,
                    CaptureOptions.DEFAULT,
                    CancellationToken.NONE,
                    ProgressListener.NONE);
        Map<String, FloatTensor> w = ResultDump.tensors(want);
        Map<String, FloatTensor> g = ResultDump.tensors(got);
        assertEquals(w.keySet(), g.keySet());
        assertNotEquals(
            w.get("last_hidden_state"), g.get("last_hidden_state"), "the products ran in fp16");
        for (String name : w.keySet()) {
          float[] a = w.get(name).data();
          float[] b = g.get(name).data();
          double worst = 0;
          for (int i = 0; i < a.length; i++) {
            worst = Math.max(worst, Math.abs(a[i] - b[i]));
          }
          assertTrue(worst <= TOLERANCE, name + ": max |fp16 - fp32| " + worst);
        }
      }
    }
  }

  @Test
  void precisionOptionsParse() {
    assertEquals(Precision.FP16, Precision.parse("fp16"));
    assertEquals(Precision.FP16, Precision.parse("half"));
    assertEquals(Precision.FP32, Precision.parse("FP32"));
  }
}
