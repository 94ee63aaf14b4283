package dev.sinkscope.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("cross-machine")
class NormalizationTest {

  private static final float NAN = Float.NaN;

  @Test
  void minMaxSpansTheFiniteValues() {
    Scale scale =
        new Normalization.MinMax()
            .resolve(ScalarGrid.of(1, 5, 2, NAN, 6, Float.POSITIVE_INFINITY, 4));
    assertEquals(2, scale.lo());
    assertEquals(6, scale.hi());
    assertEquals(Scale.Kind.LINEAR, scale.kind());
    assertEquals(0.5, scale.normalize(4), 1e-12);
    assertTrue(Double.isNaN(scale.normalize(Double.NaN)));
    assertEquals(
        1.5, scale.normalize(8), 1e-12, "values beyond the range leave [0, 1] (over colour)");
  }

  @Test
  void constantGridGivesDegenerateScaleDrawnWithTheFirstColour() {
    ScalarGrid constant = ScalarGrid.of(2, 2, 7, 7, 7, 7);
    Scale scale = new Normalization.MinMax().resolve(constant);
    assertTrue(scale.isDegenerate());
    assertEquals(7, scale.lo());
    assertEquals(0, scale.normalize(7));
    Raster cells = HeatmapRenderer.renderCells(constant, Colormaps.VIRIDIS, scale);
    for (int pixel : cells.argb()) {
      assertEquals(Colormaps.VIRIDIS.entry(0), pixel);
    }
  }

  @Test
  void allNanGridStillResolvesAndDrawsBadColour() {
    ScalarGrid empty = ScalarGrid.of(1, 2, NAN, NAN);
    Scale scale = new Normalization.MinMax().resolve(empty);
    assertEquals(0, scale.lo());
    assertEquals(1, scale.hi());
    assertTrue(scale.method().contains("no finite values"), scale.method());
    Colormap map = Colormaps.VIRIDIS.withBad(0xFF123456);
    Raster cells = HeatmapRenderer.renderCells(empty, map, scale);
    assertEquals(0xFF123456, cells.get(0, 0));
    assertEquals(0xFF123456, cells.get(1, 0));
  }

  @Test
  void percentilesInterpolateLikeNumpy() {
    Scale quartiles = new Normalization.Percentile(25, 50).resolve(ScalarGrid.of(1, 4, 4, 1, 3, 2));
    assertEquals(1.75, quartiles.lo(), 1e-12); // numpy.percentile([1,2,3,4], 25)
    assertEquals(2.5, quartiles.hi(), 1e-12); // numpy.percentile([1,2,3,4], 50)

    float[] hundred = new float[102];
    for (int i = 0; i <= 100; i++) {
      hundred[i] = 100 - i;
    }
    hundred[101] = NAN;
    Scale clipped = new Normalization.Percentile(1, 99).resolve(new ScalarGrid(1, 102, hundred));
    assertEquals(1, clipped.lo(), 1e-12);
    assertEquals(99, clipped.hi(), 1e-12);
    assertEquals("percentile 1-99", clipped.method());
    assertThrows(IllegalArgumentException.class, () -> new Normalization.Percentile(50, 50));
    assertThrows(IllegalArgumentException.class, () -> new Normalization.Percentile(-1, 50));
  }

  @Test
  void fixedIgnoresTheData() {
    Scale scale = new Normalization.Fixed(0, 1).resolve(ScalarGrid.of(1, 2, 5, 9));
    assertEquals(0, scale.lo());
    assertEquals(1, scale.hi());
    assertThrows(IllegalArgumentException.class, () -> new Normalization.Fixed(2, 1));
    assertThrows(IllegalArgumentException.class, () -> new Normalization.Fixed(0, Double.NaN));
  }

  @Test
  void logUsesPositiveValuesAndMarksTheRestBad() {
    ScalarGrid grid = ScalarGrid.of(1, 5, -1, 0, 1, 10, 100);
    Scale scale = new Normalization.Log().resolve(grid);
    assertEquals(Scale.Kind.LOG, scale.kind());
    assertEquals(1, scale.lo());
    assertEquals(100, scale.hi());
    assertEquals(0.5, scale.normalize(10), 1e-12);
    assertTrue(Double.isNaN(scale.normalize(0)));
    assertTrue(Double.isNaN(scale.normalize(-1)));
    assertEquals(10, scale.valueAt(0.5), 1e-9);

    Colormap map = Colormaps.GRAY.withBad(0xFFFF00FF);
    Raster cells = HeatmapRenderer.renderCells(grid, map, scale);
    assertEquals(0xFFFF00FF, cells.get(0, 0), "negative value on a log scale is bad");
    assertEquals(0xFFFF00FF, cells.get(1, 0), "zero on a log scale is bad");
    assertEquals(0xFF000000, cells.get(2, 0));
    assertEquals(0xFF808080, cells.get(3, 0));
    assertEquals(0xFFFFFFFF, cells.get(4, 0));
  }

  @Test
  void logWithoutPositiveValuesDrawsEverythingBad() {
    Scale scale = new Normalization.Log().resolve(ScalarGrid.of(1, 2, 0, -3));
    assertTrue(scale.method().contains("no positive values"), scale.method());
    assertTrue(Double.isNaN(scale.normalize(0)));
    assertThrows(IllegalArgumentException.class, () -> Scale.log(0, 1));
  }

  @Test
  void symmetricScaleCentresZero() {
    Scale scale = new Normalization.SymmetricAroundZero().resolve(ScalarGrid.of(1, 3, -1, 3, NAN));
    assertEquals(-3, scale.lo());
    assertEquals(3, scale.hi());
    assertTrue(scale.isSymmetric());
    assertEquals(0.5, scale.normalize(0), 1e-12);

    Scale allZero = new Normalization.SymmetricAroundZero().resolve(ScalarGrid.of(1, 2, 0, 0));
    assertEquals(-1, allZero.lo());
    assertEquals(1, allZero.hi());
    assertEquals(0.5, allZero.normalize(0), 1e-12);
  }

  @Test
  void sharedScaleCoversAllGridsAndSaysSo() {
    ScalarGrid a = ScalarGrid.of(1, 2, 1, 2);
    ScalarGrid b = ScalarGrid.of(1, 2, 5, NAN);
    Scale shared = Scale.shared(a, b);
    assertEquals(1, shared.lo());
    assertEquals(5, shared.hi());
    assertEquals("min-max, shared by 2 grids", shared.method());
    assertEquals(shared, Scale.shared(new Normalization.MinMax(), a, b));

    // The same value gets the same colour in both panels only with the shared scale.
    Raster left = HeatmapRenderer.renderCells(a, Colormaps.VIRIDIS, shared);
    Raster right =
        HeatmapRenderer.renderCells(ScalarGrid.of(1, 2, 2, 2), Colormaps.VIRIDIS, shared);
    assertEquals(left.get(1, 0), right.get(0, 0));
  }

  @Test
  void resolvingNeedsAGrid() {
    assertThrows(IllegalArgumentException.class, () -> new Normalization.MinMax().resolve());
  }
}
