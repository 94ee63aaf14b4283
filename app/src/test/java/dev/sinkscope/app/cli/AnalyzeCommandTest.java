package dev.sinkscope.app.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sinkscope.inference.safetensors.SafetensorsFile;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code analyze} reproduces every shared fixture through the command line. */
@Tag("cross-machine")
class AnalyzeCommandTest {
  private static final Path FIXTURES = Path.of("..", "testdata", "fixtures");

  @TempDir Path tmp;

  static Stream<Arguments> cases() throws Exception {
    List<Arguments> cases = new ArrayList<>();
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
            Arguments.of(fixture, c.get("input").asText(), c.get("expected").asText(), List.of()));
      }
    }
    cases.add(
        Arguments.of(
            "dinov2-ttr",
            "input.safetensors",
            "expected.safetensors",
            List.of(
                "--mitigation",
                "ttr",
                "--neurons",
                FIXTURES.resolve("dinov2-ttr/ttr.json").toString())));
    return cases.stream();
  }

  private int run(StringWriter out, StringWriter err, List<String> args) {
    return SinkscopeCommand.execute(
        new PrintWriter(out, true), new PrintWriter(err, true), args.toArray(String[]::new));
  }

  @ParameterizedTest(name = "{0} {1} {3}")
  @MethodSource("cases")
  void dumpMatchesFixture(String fixture, String input, String expected, List<String> extra)
      throws Exception {
    Path dir = FIXTURES.resolve(fixture);
    Path dump = tmp.resolve("dump.safetensors");
    Path json = tmp.resolve("report.json");
    List<String> args =
        new ArrayList<>(
            List.of(
                "analyze",
                "--model",
                dir.toString(),
                "--pixels",
                dir.resolve(input).toString(),
                "--dump",
                dump.toString(),
                "--json",
                json.toString(),
                "--device",
                "cpu"));
    args.addAll(extra);
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    assertEquals(0, run(out, err, args), err.toString());
    try (SafetensorsFile want = SafetensorsFile.open(dir.resolve(expected));
        SafetensorsFile got = SafetensorsFile.open(dump)) {
      for (String name : want.tensors().keySet()) {
        assertTrue(got.contains(name), "dump lacks " + name);
        assertArrayEquals(want.info(name).intShape(), got.info(name).intShape(), name);
        float[] w = want.readFloats(name);
        float[] g = got.readFloats(name);
        for (int i = 0; i < w.length; i++) {
          assertEquals(w[i], g[i], 1e-4, name + "[" + i + "]");
        }
      }
    }
    JsonNode report = new ObjectMapper().readTree(json.toFile());
    assertTrue(report.get("device").asText().startsWith("cpu"));
    assertEquals(report.get("model").get("numLayers").asInt(), report.get("layers").size());
    JsonNode first = report.get("layers").get(0);
    assertTrue(first.get("min").asDouble() <= first.get("median").asDouble());
    assertTrue(first.get("median").asDouble() <= first.get("max").asDouble());
    assertEquals(1.0, first.get("rowSumMean").asDouble(), 1e-4, "softmax rows sum to 1");
  }

  @Test
  void rowSumReadoutShowsWhatASigmoidSwapDoes() throws Exception {
    Path dir = FIXTURES.resolve("dinov2-hf");
    Path json = tmp.resolve("sigmoid.json");
    StringWriter err = new StringWriter();
    assertEquals(
        0,
        run(
            new StringWriter(),
            err,
            List.of(
                "analyze",
                "--model",
                dir.toString(),
                "--pixels",
                dir.resolve("input.safetensors").toString(),
                "--json",
                json.toString(),
                "--device",
                "cpu",
                "--mitigation",
                "attn:kind=sigmoid,layers=2-3")),
        err.toString());
    JsonNode layers = new ObjectMapper().readTree(json.toFile()).get("layers");
    assertEquals(
        1.0, layers.get(1).get("rowSumMean").asDouble(), 1e-4, "block 2 (0-based 1) keeps softmax");
    assertTrue(
        Math.abs(layers.get(3).get("rowSumMean").asDouble() - 1.0) > 1e-3,
        "block 4 (0-based 3) is sigmoid");
  }

  @Test
  void aPixelTensorOffThePatchGridIsRefusedNamingTheFile() throws Exception {
    for (int size : new int[] {100, 7}) {
      Path pixels = tmp.resolve("pixels-" + size + ".safetensors");
      dev.sinkscope.inference.safetensors.SafetensorsWriter.write(
          pixels,
          java.util.Map.of(
              "pixel_values",
              new dev.sinkscope.inference.result.FloatTensor(
                  new int[] {1, 3, size, size}, new float[3 * size * size])),
          java.util.Map.of());
      StringWriter err = new StringWriter();
      int code =
          run(
              new StringWriter(),
              err,
              List.of(
                  "analyze",
                  "--model",
                  FIXTURES.resolve("dinov2-hf").toString(),
                  "--pixels",
                  pixels.toString(),
                  "--device",
                  "cpu"));
      assertEquals(2, code, err.toString());
      assertTrue(err.toString().contains(pixels.getFileName().toString()), err.toString());
      assertTrue(
          err.toString().contains("not a multiple of the model's patch size 14"), err.toString());
    }
  }

  @Test
  void aPhotoTooLongToResizeIsRefusedNamingTheFile() throws Exception {
    Path strip = tmp.resolve("strip-100000x1.png");
    javax.imageio.ImageIO.write(
        new java.awt.image.BufferedImage(100000, 1, java.awt.image.BufferedImage.TYPE_INT_RGB),
        "png",
        strip.toFile());
    StringWriter err = new StringWriter();
    int code =
        run(
            new StringWriter(),
            err,
            List.of(
                "analyze",
                "--model",
                FIXTURES.resolve("dinov2-hf").toString(),
                "--image",
                strip.toString(),
                "--device",
                "cpu"));
    assertEquals(2, code, err.toString());
    assertTrue(err.toString().contains("strip-100000x1.png"), err.toString());
    assertTrue(err.toString().contains("would make"), err.toString());
  }

  @Test
  void pickleIsRefusedWithAHint() throws Exception {
    Path model = tmp.resolve("m");
    java.nio.file.Files.createDirectories(model);
    java.nio.file.Files.writeString(model.resolve("config.json"), "{\"model_type\": \"dinov2\"}");
    java.nio.file.Files.write(model.resolve("pytorch_model.bin"), new byte[] {(byte) 0x80, 2, 'c'});
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code =
        run(
            out,
            err,
            List.of(
                "analyze",
                "--model",
                model.toString(),
                "--pixels",
                FIXTURES.resolve("dinov2-hf/input.safetensors").toString()));
    assertEquals(2, code);
    assertTrue(err.toString().contains("pytorch_model.bin"), err.toString());
    assertTrue(err.toString().contains("safetensors"), err.toString());
    assertTrue(err.toString().contains("never unpickles"), err.toString());
  }

  @Test
  void nonFiniteActivationsAreReportedAndNeverDrawn() throws Exception {
    Path source = FIXTURES.resolve("dinov2-hf");
    Path model = java.nio.file.Files.createDirectories(tmp.resolve("inf-model"));
    java.nio.file.Files.copy(source.resolve("config.json"), model.resolve("config.json"));
    java.util.Map<String, dev.sinkscope.inference.result.FloatTensor> tensors =
        new java.util.LinkedHashMap<>();
    try (SafetensorsFile f = SafetensorsFile.open(source.resolve("model.safetensors"))) {
      for (String name : f.tensors().keySet()) {
        float[] values = f.readFloats(name);
        if (name.equals("encoder.layer.1.attention.attention.query.weight")) {
          values[0] = Float.POSITIVE_INFINITY;
        }
        tensors.put(
            name, new dev.sinkscope.inference.result.FloatTensor(f.info(name).intShape(), values));
      }
    }
    dev.sinkscope.inference.safetensors.SafetensorsWriter.write(
        model.resolve("model.safetensors"), tensors, java.util.Map.of());
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    Path png = tmp.resolve("inf.png");
    int code =
        run(
            out,
            err,
            List.of(
                "analyze",
                "--model",
                model.toString(),
                "--pixels",
                source.resolve("input.safetensors").toString(),
                "--png",
                png.toString(),
                "--device",
                "cpu"));
    assertEquals(2, code, out + "\n" + err);
    assertTrue(err.toString().contains("no heatmap written"), err.toString());
    assertTrue(out.toString().contains("warning:"), out.toString());
    assertTrue(!java.nio.file.Files.exists(png), "no picture drawn from garbage");
  }
}
