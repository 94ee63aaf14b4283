package dev.sinkscope.inference.mitigation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import dev.sinkscope.inference.engine.CancellationToken;
import dev.sinkscope.inference.engine.CaptureOptions;
import dev.sinkscope.inference.engine.ProgressListener;
import dev.sinkscope.inference.engine.VitForward;
import dev.sinkscope.inference.engine.VitModel;
import dev.sinkscope.inference.model.Checkpoint;
import dev.sinkscope.inference.model.CheckpointReader;
import dev.sinkscope.inference.result.FloatTensor;
import dev.sinkscope.inference.result.ForwardResult;
import dev.sinkscope.inference.result.ResultDump;
import dev.sinkscope.inference.result.TokenKind;
import dev.sinkscope.inference.safetensors.SafetensorsFile;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Fixture dinov2-ttr: the test-time-registers reference code's numbers, debug tensors included. */
@Tag("cross-machine")
class TestTimeRegistersFixtureTest {
  private static final Path DIR = Path.of("..", "testdata", "fixtures", "dinov2-ttr");

  @Test
  void reproducesReferenceInterventionAtEveryLayer() throws Exception {
    NeuronMap map = NeuronMap.read(DIR.resolve("ttr.json"));
    assertEquals(3, map.neurons().size());
    TestTimeRegisters ttr = TestTimeRegisters.reference(map);
    assertEquals(Provenance.REFERENCE_CODE, ttr.provenance());
    try (Checkpoint checkpoint = CheckpointReader.open(DIR);
        VitModel model = VitModel.load(checkpoint, Device.cpu());
        SafetensorsFile in = SafetensorsFile.open(DIR.resolve("input.safetensors"));
        SafetensorsFile want = SafetensorsFile.open(DIR.resolve("expected.safetensors"))) {
      FloatTensor pixels =
          new FloatTensor(in.info("pixel_values").intShape(), in.readFloats("pixel_values"));
      ForwardResult result =
          new VitForward(model)
              .run(
                  pixels,
                  ttr.hooks(model.spec()),
                  CaptureOptions.DEFAULT,
                  CancellationToken.NONE,
                  ProgressListener.NONE);
      assertEquals(66, result.layout().totalTokens());
      assertEquals(TokenKind.TEST_TIME_REGISTER, result.layout().kindOf(65));
      Map<String, FloatTensor> got = ResultDump.tensors(result);
      for (String name : want.tensors().keySet()) {
        FloatTensor actual = got.get(name);
        assertTrue(actual != null, "missing " + name);
        assertArrayEquals(want.info(name).intShape(), actual.shape(), name);
        float[] w = want.readFloats(name);
        double worst = 0;
        for (int i = 0; i < w.length; i++) {
          worst = Math.max(worst, Math.abs(w[i] - actual.data()[i]));
        }
        assertTrue(worst <= 1e-4, name + ": max |diff| " + worst);
      }
      assertEquals(4.069482f, got.get("debug.ttr_register_value.layer1").data()[0], 1e-5);
      assertEquals(2.100104f, got.get("debug.ttr_register_value.layer2").data()[0], 1e-5);
    }
  }
}
