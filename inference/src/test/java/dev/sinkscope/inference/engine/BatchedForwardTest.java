package dev.sinkscope.inference.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
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
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A batch of different images gives each image what it gets alone, and the reference numbers for
 * the fixture's own input: nothing leaks between batch rows.
 */
@Tag("cross-machine")
@Tag("slow")
class BatchedForwardTest {
  private static final Path FIXTURES = GoldenFixtureTest.FIXTURES;

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"dinov2-hf", "dinov2-reg-hf", "vit-hf", "clip-vision-hf", "dinov2-timm"})
  void eachRowOfABatchEqualsItsSinglePass(String fixture) throws Exception {
    Path dir = FIXTURES.resolve(fixture);
    JsonNode first =
        new ObjectMapper().readTree(dir.resolve("fixture.json").toFile()).get("cases").get(0);
    try (Checkpoint checkpoint = CheckpointReader.open(dir);
        VitModel model = VitModel.load(checkpoint, Device.cpu());
        SafetensorsFile in = SafetensorsFile.open(dir.resolve(first.get("input").asText()));
        SafetensorsFile want = SafetensorsFile.open(dir.resolve(first.get("expected").asText()))) {
      FloatTensor reference =
          new FloatTensor(in.info("pixel_values").intShape(), in.readFloats("pixel_values"));
      List<FloatTensor> images = List.of(reference, darkened(reference), mirrored(reference));
      VitForward forward = new VitForward(model);
      for (CaptureOptions capture :
          List.of(
              CaptureOptions.DEFAULT.withAttention(AttentionCapture.FULL),
              CaptureOptions.DEFAULT.withAttention(AttentionCapture.SUMMARY))) {
        List<ForwardResult> batch =
            forward.runBatch(images, capture, CancellationToken.NONE, ProgressListener.NONE);
        assertEquals(3, batch.size());
        // Row 0 against what the reference implementation computed for this input.
        Map<String, FloatTensor> row0 = ResultDump.tensors(batch.get(0));
        for (String name : want.tensors().keySet()) {
          if (row0.containsKey(name)) {
            assertClose(
                want.readFloats(name), row0.get(name).data(), 1e-4, fixture + " reference " + name);
          }
        }
        for (int n = 0; n < images.size(); n++) {
          ForwardResult alone =
              forward.run(
                  images.get(n),
                  ForwardHooks.NONE,
                  capture,
                  CancellationToken.NONE,
                  ProgressListener.NONE);
          Map<String, FloatTensor> expected = ResultDump.tensors(alone);
          Map<String, FloatTensor> got = ResultDump.tensors(batch.get(n));
          assertEquals(expected.keySet(), got.keySet(), fixture + " row " + n + " tensors");
          for (String name : expected.keySet()) {
            assertClose(
                expected.get(name).data(),
                got.get(name).data(),
                1e-5,
                fixture + " row " + n + " " + name);
          }
          assertEquals(
              alone.debug().keySet(), batch.get(n).debug().keySet(), "summaries of row " + n);
          for (String name : alone.debug().keySet()) {
            assertClose(
                alone.debug().get(name).data(),
                batch.get(n).debug().get(name).data(),
                1e-5,
                fixture + " row " + n + " " + name);
          }
        }
        // The rows really differ, so equality above is not trivially one image three times.
        assertTrue(
            maxDiff(batch.get(0).lastHiddenState().data(), batch.get(1).lastHiddenState().data())
                > 1e-3);
      }
    }
  }

  @Test
  void refusesImagesOfDifferentSizes() throws Exception {
    Path dir = FIXTURES.resolve("dinov2-hf");
    try (Checkpoint checkpoint = CheckpointReader.open(dir);
        VitModel model = VitModel.load(checkpoint, Device.cpu())) {
      int p = model.spec().patchSize();
      FloatTensor small = new FloatTensor(new int[] {1, 3, 2 * p, 2 * p}, new float[3 * 4 * p * p]);
      FloatTensor large = new FloatTensor(new int[] {1, 3, 3 * p, 3 * p}, new float[3 * 9 * p * p]);
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () ->
                  new VitForward(model)
                      .runBatch(
                          List.of(small, large),
                          CaptureOptions.DEFAULT,
                          CancellationToken.NONE,
                          ProgressListener.NONE));
      assertTrue(e.getMessage().contains("one size"), e.getMessage());
    }
  }

  private static FloatTensor darkened(FloatTensor x) {
    float[] d = x.data().clone();
    for (int i = 0; i < d.length; i++) {
      d[i] = d[i] * -0.5f + 0.3f;
    }
    return new FloatTensor(x.shape(), d);
  }

  private static FloatTensor mirrored(FloatTensor x) {
    int[] s = x.shape();
    int h = s[2];
    int w = s[3];
    float[] src = x.data();
    float[] d = new float[src.length];
    for (int c = 0; c < 3; c++) {
      for (int r = 0; r < h; r++) {
        for (int col = 0; col < w; col++) {
          d[(c * h + r) * w + col] = src[(c * h + r) * w + (w - 1 - col)];
        }
      }
    }
    return new FloatTensor(s, d);
  }

  private static double maxDiff(float[] a, float[] b) {
    double worst = 0;
    for (int i = 0; i < a.length; i++) {
      worst = Math.max(worst, Math.abs(a[i] - b[i]));
    }
    return worst;
  }

  private static void assertClose(float[] expected, float[] actual, double tolerance, String what) {
    assertEquals(expected.length, actual.length, what + " length");
    double worst = maxDiff(expected, actual);
    assertTrue(worst <= tolerance, what + ": max |diff| " + worst);
  }
}
