package dev.sinkscope.inference.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sinkscope.inference.model.Checkpoint;
import dev.sinkscope.inference.model.CheckpointReader;
import dev.sinkscope.inference.result.FloatTensor;
import dev.sinkscope.inference.result.ForwardResult;
import dev.sinkscope.inference.result.ResultDump;
import dev.sinkscope.inference.safetensors.SafetensorsFile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every case of every golden fixture (what transformers / timm compute for small random ViTs in the
 * hub layouts) reproduced within 1e-4 absolute at every layer, on the CPU and, where the engine
 * sees one (a {@code -Pcuda} build on a CUDA machine), on every GPU.
 */
@Tag("cross-machine")
@Tag("slow")
class GoldenFixtureTest {
  static final Path FIXTURES = Path.of("..", "testdata", "fixtures");
  private static final double TOLERANCE = 1e-4;

  /** The CPU, and each GPU the engine sees. */
  static List<Device> devices() {
    List<Device> devices = new ArrayList<>(List.of(Device.cpu()));
    for (int i = 0; i < ai.djl.engine.Engine.getInstance().getGpuCount(); i++) {
      devices.add(Device.gpu(i));
    }
    return devices;
  }

  static Stream<Arguments> cases() throws Exception {
    List<Arguments> cases = new ArrayList<>();
    for (Device device : devices()) {
      for (String fixture :
          List.of(
              "dinov2-hf",
              "dinov2-reg-hf",
              "vit-hf",
              "clip-vision-hf",
              "dinov2-timm",
              "dinov3-hf",
              "siglip-vision-hf")) {
        JsonNode json =
            new ObjectMapper().readTree(FIXTURES.resolve(fixture).resolve("fixture.json").toFile());
        for (JsonNode c : json.get("cases")) {
          cases.add(
              Arguments.of(
                  fixture,
                  c.get("label").asText(),
                  c.get("input").asText(),
                  c.get("expected").asText(),
                  device));
        }
      }
    }
    return cases.stream();
  }

  @ParameterizedTest(name = "{0} {1} on {4}")
  @MethodSource("cases")
  void matchesReferenceAtEveryLayer(
      String fixture, String label, String input, String expected, Device device) throws Exception {
    Path dir = FIXTURES.resolve(fixture);
    try (Checkpoint checkpoint = CheckpointReader.open(dir);
        VitModel model = VitModel.load(checkpoint, device);
        SafetensorsFile in = SafetensorsFile.open(dir.resolve(input));
        SafetensorsFile want = SafetensorsFile.open(dir.resolve(expected))) {
      FloatTensor pixels =
          new FloatTensor(in.info("pixel_values").intShape(), in.readFloats("pixel_values"));
      ForwardResult result =
          new VitForward(model)
              .run(
                  pixels,
                  ForwardHooks.NONE,
                  CaptureOptions.DEFAULT,
                  CancellationToken.NONE,
                  ProgressListener.NONE);
      Map<String, FloatTensor> got = ResultDump.tensors(result);
      int compared = 0;
      for (String name : want.tensors().keySet()) {
        FloatTensor actual = got.get(name);
        assertTrue(actual != null, fixture + " " + label + ": missing " + name);
        assertArrayEquals(want.info(name).intShape(), actual.shape(), name + " shape");
        float[] w = want.readFloats(name);
        double worst = 0;
        for (int i = 0; i < w.length; i++) {
          worst = Math.max(worst, Math.abs(w[i] - actual.data()[i]));
        }
        assertTrue(
            worst <= TOLERANCE, fixture + " " + label + " " + name + ": max |diff| " + worst);
        compared++;
      }
      assertTrue(compared >= 11, "compared " + compared + " tensors");
      assertEquals(model.spec().numLayers(), result.blocks());
      assertEquals(device.toString(), result.device(), "the pass ran where it was asked to");
    }
  }
}
