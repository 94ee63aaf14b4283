package dev.sinkscope.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("cross-machine")
class ComparisonTest {

  private static final int RED = 0xFFFF0000;
  private static final int BLUE = 0xFF0000FF;

  @Test
  void differenceUsesASymmetricScaleSoNoChangeIsNeutral() {
    ScalarGrid before = ScalarGrid.of(2, 2, 1, 2, 3, 4);
    ScalarGrid after = ScalarGrid.of(2, 2, 1, 5, 0, 4);
    Comparison.Difference diff = Comparison.difference(before, after);
    assertEquals(ScalarGrid.of(2, 2, 0, 3, -3, 0), diff.delta());
    assertEquals(-3, diff.scale().lo());
    assertEquals(3, diff.scale().hi());
    assertTrue(diff.scale().isSymmetric());

    Raster cells = diff.render(2, 2, Upsampling.NEAREST);
    Colormap coolwarm = Colormaps.COOLWARM;
    assertEquals(coolwarm.entry(128), cells.get(0, 0), "no change -> neutral middle");
    assertEquals(coolwarm.entry(255), cells.get(1, 0), "largest increase -> top colour");
    assertEquals(coolwarm.entry(0), cells.get(0, 1), "largest decrease -> bottom colour");
  }

  @Test
  void lopsidedChangesStillGetASymmetricScale() {
    Comparison.Difference diff =
        Comparison.difference(ScalarGrid.of(1, 2, 0, 0), ScalarGrid.of(1, 2, 1, -0.5f));
    assertEquals(-1, diff.scale().lo());
    assertEquals(1, diff.scale().hi());
    Raster cells = diff.render(2, 1, Upsampling.NEAREST);
    assertEquals(Colormaps.COOLWARM.entry(64), cells.get(1, 0), "-0.5 sits a quarter up the scale");
  }

  @Test
  void differenceRejectsSequentialColormapsAndMismatchedGrids() {
    ScalarGrid a = ScalarGrid.of(1, 2, 0, 1);
    assertThrows(
        IllegalArgumentException.class, () -> Comparison.difference(a, a, Colormaps.VIRIDIS));
    assertThrows(
        IllegalArgumentException.class, () -> Comparison.difference(a, ScalarGrid.of(2, 1, 0, 1)));
    assertEquals(Colormaps.RDBU, Comparison.difference(a, a, Colormaps.RDBU).colormap());
  }

  @Test
  void wipeSplitsAtTheGivenColumn() {
    Raster before = Raster.filled(10, 2, RED);
    Raster after = Raster.filled(10, 2, BLUE);
    Raster wiped = Comparison.wipe(before, after, 4);
    for (int y = 0; y < 2; y++) {
      for (int x = 0; x < 10; x++) {
        assertEquals(x < 4 ? RED : BLUE, wiped.get(x, y), "x=" + x);
      }
    }
    assertEquals(before, Comparison.wipe(before, after, 10));
    assertEquals(after, Comparison.wipe(before, after, -3));

    Raster divided = Comparison.wipe(before, after, 4, 0xFFFFFFFF);
    assertEquals(0xFFFFFFFF, divided.get(4, 1));
    assertEquals(RED, divided.get(3, 1));
    assertEquals(BLUE, divided.get(5, 1));
  }

  @Test
  void sideBySidePutsBeforeLeftOfAfter() {
    Raster out =
        Comparison.sideBySide(
            new SmallMultiples.Panel("before", Raster.filled(10, 10, RED)),
            new SmallMultiples.Panel("after", Raster.filled(10, 10, BLUE)),
            null,
            LegendStyle.LIGHT);
    Bounds red = Bounds.of(out, RED);
    Bounds blue = Bounds.of(out, BLUE);
    assertEquals(100, red.count());
    assertEquals(100, blue.count());
    assertTrue(red.maxX() < blue.minX());
    assertEquals(red.minY(), blue.minY());
  }

  @Test
  void beforeAfterSharesOneScaleAndExportsAsOnePng(@TempDir Path dir) throws Exception {
    Raster photo = Raster.filled(40, 20, 0xFF808080);
    PreprocessGeometry geometry =
        PreprocessGeometry.resizeShorterSideCenterCrop(40, 20, 10, 10, 10);
    ScalarGrid before = ScalarGrid.of(2, 2, 1, 1, 1, 400);
    ScalarGrid after = ScalarGrid.of(2, 2, 1, 2, 1, 3);
    Comparison.Rendered rendered =
        Comparison.beforeAfter(
            Comparison.BeforeAfter.of(photo, geometry, before, after, "L2 norm"));
    assertEquals(1, rendered.sharedScale().lo());
    assertEquals(400, rendered.sharedScale().hi());
    assertEquals(-397, rendered.difference().scale().lo());
    assertTrue(rendered.raster().width() > 3 * 40, "three panels plus legends");

    Path file = dir.resolve("comparison.png");
    ExportMetadata metadata =
        new ExportMetadata(
            "vit",
            "11",
            "mean",
            "L2 norm",
            List.of("registers"),
            ExportMetadata.describe(Colormaps.VIRIDIS, rendered.sharedScale()));
    PngExport.write(rendered.raster(), metadata.toMap(), file);
    // Exact: a lossless round trip of pixels drawn in this process, text included (ADR 0019).
    assertEquals(rendered.raster(), PngExport.read(file));
    Map<String, String> read = PngExport.readMetadata(file);
    assertEquals("registers", read.get(ExportMetadata.MITIGATIONS));
  }

  @Test
  void beforeAfterExportDrawsEachPassesRingsAndColourBarsWithSeveralTicks() {
    Raster photo = Raster.filled(224, 224, 0xFF808080);
    PreprocessGeometry geometry = PreprocessGeometry.identity(224, 224);
    ScalarGrid before = ScalarGrid.of(2, 2, 1, 1, 1, 400);
    ScalarGrid after = ScalarGrid.of(2, 2, 1, 2, 1, 3);
    Comparison.BeforeAfter plain =
        Comparison.BeforeAfter.of(photo, geometry, before, after, "L2 norm");
    Comparison.BeforeAfter ringed =
        plain.withMarkers(
            new OverlayLayer.Markers(2, 2, List.of(Marker.artifact(1, 1, 0))),
            new OverlayLayer.Markers(2, 2, List.of(Marker.sink(0, 0, 1))));
    Raster without = Comparison.beforeAfter(plain).raster();
    Raster with = Comparison.beforeAfter(ringed).raster();
    assertEquals(0, Bounds.of(without, OverlayCompositor.ARTIFACT_ARGB).count());
    assertTrue(
        Bounds.of(with, OverlayCompositor.ARTIFACT_ARGB).count() > 40,
        "the before panel's artifact ring");
    assertTrue(
        Bounds.of(with, OverlayCompositor.SINK_ARGB).count() > 40, "the after panel's sink ring");

    // the export's panels are 224 px high; each colour bar gets at least three labelled ticks
    int barLength = Comparison.legendBarLength(224, plain.style().fontSize());
    assertTrue(
        LegendRenderer.tickValues(Scale.linear(1, 400), barLength, plain.style().fontSize()).size()
            >= 3,
        "ticks on a " + barLength + " px bar");
    assertTrue(
        LegendRenderer.tickValues(Scale.linear(-397, 397), barLength, plain.style().fontSize())
                .size()
            >= 3);
  }

  /** Bounding box and count of the pixels of one colour. */
  record Bounds(int minX, int minY, int maxX, int maxY, int count) {
    static Bounds of(Raster raster, int argb) {
      int minX = Integer.MAX_VALUE;
      int minY = Integer.MAX_VALUE;
      int maxX = -1;
      int maxY = -1;
      int count = 0;
      for (int y = 0; y < raster.height(); y++) {
        for (int x = 0; x < raster.width(); x++) {
          if (raster.get(x, y) == argb) {
            minX = Math.min(minX, x);
            minY = Math.min(minY, y);
            maxX = Math.max(maxX, x);
            maxY = Math.max(maxY, y);
            count++;
          }
        }
      }
      return new Bounds(minX, minY, maxX, maxY, count);
    }
  }
}
