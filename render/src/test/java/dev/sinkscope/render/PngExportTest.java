package dev.sinkscope.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("cross-machine")
class PngExportTest {

  @TempDir Path dir;

  @Test
  void pixelsAndTextChunksRoundTrip() throws Exception {
    Raster raster =
        new Raster(
            3,
            2,
            new int[] {
              0xFFFF0000, 0x8000FF00, 0x00000000,
              0xFF0000FF, 0xFF123456, 0x40FFFFFF
            });
    Map<String, String> metadata = new LinkedHashMap<>();
    metadata.put("Model", "dinov2-small");
    metadata.put("Layer", "11");
    metadata.put("Head", "mean");
    metadata.put("Quantity", "L2 norm");
    metadata.put("Mitigations", "registers, attention bias");
    metadata.put("Normalization", "viridis, min-max [0.5, 412], linear");
    Path file = dir.resolve("norms.png");
    PngExport.write(raster, metadata, file);

    // Exact: a lossless round trip of pixels drawn in this process, text included (ADR 0019).
    assertEquals(raster, PngExport.read(file));
    Map<String, String> read = PngExport.readMetadata(file);
    assertEquals(metadata, read);
    assertEquals(List.copyOf(metadata.keySet()), List.copyOf(read.keySet()), "order is kept");
    assertTrue(
        containsBytes(java.nio.file.Files.readAllBytes(file), "tEXtModel\0dinov2-small"),
        "stored as a plain tEXt chunk any PNG tool can read");
  }

  @Test
  void opaqueRastersAreStoredWithoutAlpha() throws Exception {
    Raster raster = new Raster(2, 1, new int[] {0xFFFF0000, 0xFF00FF00});
    byte[] png = PngExport.encode(raster, Map.of());
    assertEquals(2, png[25], "IHDR colour type 2 = truecolour without alpha");
    BufferedImage decoded = ImageIO.read(new java.io.ByteArrayInputStream(png));
    assertEquals(0xFFFF0000, decoded.getRGB(0, 0));
    assertEquals(0xFF00FF00, decoded.getRGB(1, 0));

    Raster translucent = new Raster(1, 1, new int[] {0x80FF0000});
    assertEquals(
        6, PngExport.encode(translucent, Map.of())[25], "colour type 6 = truecolour with alpha");
  }

  @Test
  void nonLatinTextGoesIntoUtf8Chunks() throws Exception {
    Map<String, String> metadata = Map.of("Quantity", "Δ attention → sink", "Model", "vit-b/16");
    byte[] png = PngExport.encode(Raster.filled(1, 1, 0xFF000000), metadata);
    assertEquals(metadata, PngExport.readMetadata(png));
    assertTrue(containsBytes(png, "iTXtQuantity"));
    assertTrue(containsBytes(png, "tEXtModel"));
  }

  @Test
  void invalidKeywordsAreRejected() {
    Raster pixel = Raster.filled(1, 1, 0xFF000000);
    assertThrows(IllegalArgumentException.class, () -> PngExport.encode(pixel, Map.of("", "x")));
    assertThrows(
        IllegalArgumentException.class, () -> PngExport.encode(pixel, Map.of(" Model", "x")));
    assertThrows(
        IllegalArgumentException.class, () -> PngExport.encode(pixel, Map.of("a".repeat(80), "x")));
    assertThrows(
        IllegalArgumentException.class, () -> PngExport.encode(pixel, Map.of("Schlüssel→", "x")));
    assertThrows(
        IllegalArgumentException.class, () -> PngExport.encode(pixel, Map.of("Model", "a\0b")));
  }

  @Test
  void exportMetadataRecordRoundTripsThroughAFile() throws Exception {
    Scale scale = Scale.shared(ScalarGrid.of(1, 2, 0.5f, 412f));
    ExportMetadata metadata =
        new ExportMetadata(
            "dinov2-small",
            "11",
            "mean",
            "L2 norm",
            List.of("registers", "attention bias"),
            ExportMetadata.describe(Colormaps.VIRIDIS, scale));
    Path file = dir.resolve("comparison.png");
    PngExport.write(Raster.filled(4, 4, 0xFF336699), metadata.toMap(), file);

    Map<String, String> read = PngExport.readMetadata(file);
    assertEquals("Sinkscope", read.get(ExportMetadata.SOFTWARE));
    assertEquals("registers, attention bias", read.get(ExportMetadata.MITIGATIONS));
    assertEquals("viridis, min-max [0.5, 412], linear", read.get(ExportMetadata.NORMALIZATION));
    assertEquals(metadata, ExportMetadata.fromMap(read));

    ExportMetadata none = new ExportMetadata("m", null, null, "q", List.of(), null);
    assertEquals("none", none.toMap().get(ExportMetadata.MITIGATIONS));
    assertEquals(none, ExportMetadata.fromMap(none.toMap()));
  }

  @Test
  void pngWithoutTextHasEmptyMetadata() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(new BufferedImage(2, 2, BufferedImage.TYPE_INT_RGB), "png", out);
    assertEquals(Map.of(), PngExport.readMetadata(out.toByteArray()));
  }

  private static boolean containsBytes(byte[] haystack, String needle) {
    byte[] n = needle.getBytes(StandardCharsets.ISO_8859_1);
    outer:
    for (int i = 0; i + n.length <= haystack.length; i++) {
      for (int j = 0; j < n.length; j++) {
        if (haystack[i + j] != n[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }
}
