package dev.sinkscope.app.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sinkscope.render.PngExport;
import dev.sinkscope.render.Raster;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code analyze --png}: an annotated heatmap over the photo, or alone for a pixel tensor. */
@Tag("cross-machine")
class AnalyzePngTest {
  @TempDir Path tmp;

  @Test
  void heatmapOverThePhotoCarriesItsDescriptionInTheMetadata() throws Exception {
    Path png = tmp.resolve("a.png");

    Cli.offline(tmp)
        .run(
            "analyze",
            "--model",
            "phantom",
            "--image",
            Cli.PHOTOS.resolve("rocket.jpg"),
            "--png",
            png,
            "--device",
            "cpu")
        .assertOk();

    Map<String, String> meta = PngExport.readMetadata(png);
    assertEquals("Sinkscope", meta.get("Software"));
    assertEquals("phantom", meta.get("Model"));
    assertEquals("8 of 8 (1-based block)", meta.get("Layer"));
    assertEquals("n/a", meta.get("Head"));
    assertEquals("patch L2 norm", meta.get("Quantity"));
    assertEquals("none", meta.get("Mitigations"));
    assertTrue(meta.get("Normalization").startsWith("viridis, min-max"), meta.get("Normalization"));
    assertEquals("rocket.jpg", meta.get("Source"));
    Raster raster = PngExport.read(png);
    assertTrue(
        raster.width() > 640 && raster.height() > 427,
        "photo at display size plus legend: " + raster);
    assertTrue(distinctColours(raster) > 1000, "a photo with a heatmap, not a blank canvas");
  }

  @Test
  void pixelTensorGivesTheHeatmapAloneForTheChosenLayerAndHead() throws Exception {
    Path fixture = Cli.FIXTURES.resolve("dinov2-hf");
    Path png = tmp.resolve("b.png");

    Cli.offline(tmp)
        .run(
            "analyze",
            "--model",
            fixture,
            "--pixels",
            fixture.resolve("input.safetensors"),
            "--png",
            png,
            "--layer",
            "2",
            "--quantity",
            "attention-received",
            "--head",
            "max",
            "--normalization",
            "log",
            "--device",
            "cpu")
        .assertOk();

    Map<String, String> meta = PngExport.readMetadata(png);
    assertEquals("2 of 4 (1-based block)", meta.get("Layer"));
    assertEquals("max", meta.get("Head"));
    assertEquals("attention received", meta.get("Quantity"));
    assertTrue(meta.get("Normalization").contains("log"), meta.get("Normalization"));
    assertEquals("input.safetensors", meta.get("Source"));
  }

  @Test
  void layerOutsideTheModelIsOneClearLine() {
    Path fixture = Cli.FIXTURES.resolve("dinov2-hf");
    Cli.offline(tmp)
        .run(
            "analyze",
            "--model",
            fixture,
            "--pixels",
            fixture.resolve("input.safetensors"),
            "--png",
            tmp.resolve("x.png"),
            "--layer",
            "9",
            "--device",
            "cpu")
        .assertOneLineError("analyze", "--layer 9 does not exist: the model has blocks 1-4");
  }

  private static int distinctColours(Raster raster) {
    Set<Integer> colours = new HashSet<>();
    for (int argb : raster.argb()) {
      colours.add(argb);
    }
    return colours.size();
  }
}
