package dev.sinkscope.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Rectangle;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("cross-machine")
class LegendRendererTest {

  private static final LegendStyle STYLE = LegendStyle.LIGHT;

  @Test
  void aDarkLegendRestyledForAWhitePageHasNoDarkBoxAndKeepsItsBar() {
    LegendRenderer.Legend dark =
        LegendRenderer.colorbar(
            Colormaps.VIRIDIS,
            Scale.linear(0, 100),
            "L2 norm",
            "",
            LegendRenderer.Orientation.VERTICAL,
            200,
            LegendStyle.DARK);
    LegendRenderer.Legend light = LegendRenderer.restyle(dark, LegendStyle.DARK, LegendStyle.LIGHT);
    Raster r = light.raster();
    int darkBackground = 0;
    int whiteBackground = 0;
    int textLike = 0;
    for (int y = 0; y < r.height(); y++) {
      for (int x = 0; x < r.width(); x++) {
        if (light.bar().contains(x, y)) {
          continue;
        }
        darkBackground += r.get(x, y) == LegendStyle.DARK.backgroundArgb() ? 1 : 0;
        whiteBackground += r.get(x, y) == LegendStyle.LIGHT.backgroundArgb() ? 1 : 0;
        textLike += r.get(x, y) == LegendStyle.LIGHT.textArgb() ? 1 : 0;
      }
    }
    assertEquals(0, darkBackground, "no dark box left");
    assertTrue(whiteBackground > r.width() * r.height() / 2, "the page's white behind the legend");
    assertTrue(textLike > 50, "labels in the page's text colour: " + textLike);
    Rectangle bar = light.bar();
    assertEquals(
        Colormaps.VIRIDIS.entry(128),
        r.get(bar.x + bar.width / 2, bar.y + 99),
        "the bar keeps its colours");
    assertSame(
        light,
        LegendRenderer.restyle(light, LegendStyle.DARK, LegendStyle.LIGHT),
        "already light: as is");
  }

  @Test
  void anRgbKeyShowsEachChannelsSwatchAndWrapsItsNotesInsideTheKey() {
    List<String> channels =
        List.of("R = PC1, 41 % of variance", "G = PC2, 12 % of variance", "B = PC3, 7 %");
    List<String> notes =
        List.of(
            "Principal components of the patch features of block 5's output.",
            "Each colour spans its component's 1st–99th percentile over the patches; beyond is"
                + " clamped. Of each component's full range: PC1 4–31 %, PC2 0–88 %, PC3 2–97 %.");
    LegendRenderer.Legend key =
        LegendRenderer.rgbKey("PCA colours", channels, notes, 230, LegendStyle.DARK);
    Raster r = key.raster();
    Rectangle whole = new Rectangle(0, 0, r.width(), r.height());
    for (Rectangle part :
        List.of(key.bar(), key.titleArea(), key.tickLabelArea(), key.noteArea())) {
      assertTrue(whole.contains(part), part + " inside " + whole);
    }
    assertTrue(r.width() < 300, "notes wrap instead of widening the key: " + r.width());
    assertTrue(key.noteArea().height > 4 * 11, "the long note takes several lines");
    Rectangle bar = key.bar();
    int rowHeight = bar.height / 3;
    int[] pure = {0xFFFF0000, 0xFF00FF00, 0xFF0000FF};
    for (int c = 0; c < 3; c++) {
      int y = bar.y + c * rowHeight + rowHeight / 2;
      int bright = r.get(bar.x + bar.width - 1, y);
      int dark = r.get(bar.x, y);
      int mask = pure[c] & 0x00FFFFFF;
      assertTrue(
          (bright & mask) > (dark & mask) && (bright & ~mask & 0x00FFFFFF) == 0,
          "row " + c + " runs from black to its channel: " + Integer.toHexString(bright));
    }
    // nothing drawn in the key's right margin: the text fits
    int margin = Math.round(LegendStyle.DARK.fontSize() * 0.7f);
    for (int y = 0; y < r.height(); y++) {
      for (int x = r.width() - margin + 2; x < r.width(); x++) {
        assertEquals(LegendStyle.DARK.backgroundArgb(), r.get(x, y), "ink at " + x + "," + y);
      }
    }
  }

  @Test
  void verticalBarRunsFromLowAtTheBottomToHighAtTheTop() {
    LegendRenderer.Legend legend =
        LegendRenderer.colorbar(
            Colormaps.VIRIDIS,
            Scale.linear(0, 100),
            "L2 norm",
            "",
            LegendRenderer.Orientation.VERTICAL,
            200,
            STYLE);
    Rectangle bar = legend.bar();
    int midX = bar.x + bar.width / 2;
    // Row i shows t = 1 - (i + 0.5) / 200; rows 0 and 199 carry the outline.
    assertEquals(Colormaps.VIRIDIS.entry(254), legend.raster().get(midX, bar.y + 1));
    assertEquals(Colormaps.VIRIDIS.entry(128), legend.raster().get(midX, bar.y + 99));
    assertEquals(Colormaps.VIRIDIS.entry(127), legend.raster().get(midX, bar.y + 100));
    assertEquals(Colormaps.VIRIDIS.entry(1), legend.raster().get(midX, bar.y + 198));
  }

  @Test
  void ticksAreComputedAndPlacedAtTheirValues() {
    LegendRenderer.Legend legend =
        LegendRenderer.colorbar(
            Colormaps.VIRIDIS,
            Scale.linear(0, 100),
            "L2 norm",
            "",
            LegendRenderer.Orientation.VERTICAL,
            200,
            STYLE);
    List<String> labels = legend.ticks().stream().map(LegendRenderer.Tick::label).toList();
    assertEquals(List.of("0", "20", "40", "60", "80", "100"), labels);
    Rectangle bar = legend.bar();
    assertEquals(bar.y + bar.height - 1, legend.ticks().get(0).position(), "0 at the bottom");
    assertEquals(bar.y, legend.ticks().get(5).position(), "100 at the top");
    assertEquals(bar.y + 120, legend.ticks().get(2).position(), "40 is 60% of the way down");
  }

  @Test
  void logLegendPlacesDecadesEvenly() {
    LegendRenderer.Legend legend =
        LegendRenderer.colorbar(
            Colormaps.MAGMA,
            Scale.log(1, 1000),
            "attention",
            "",
            LegendRenderer.Orientation.VERTICAL,
            300,
            STYLE);
    assertEquals(
        List.of("1", "10", "100", "1000"),
        legend.ticks().stream().map(LegendRenderer.Tick::label).toList());
    int bottom = legend.bar().y + legend.bar().height;
    assertEquals(bottom - 100, legend.ticks().get(1).position());
    assertEquals(bottom - 200, legend.ticks().get(2).position());
  }

  @Test
  void titleTickLabelsAndNotesAreActuallyDrawn() {
    LegendRenderer.Legend legend =
        LegendRenderer.colorbar(
            Colormaps.VIRIDIS,
            Scale.linear(0, 1),
            "received attention",
            "prob",
            LegendRenderer.Orientation.VERTICAL,
            160,
            STYLE);
    assertTrue(inkIn(legend.raster(), legend.titleArea()) > 30, "title ink");
    assertTrue(inkIn(legend.raster(), legend.tickLabelArea()) > 30, "tick label ink");
    assertTrue(inkIn(legend.raster(), legend.noteArea()) > 30, "normalisation note ink");
    assertTrue(legend.titleArea().width > legend.bar().width * 3, "the title fits its text");
  }

  @Test
  void differentLabelsProduceDifferentPixelsInTheLabelArea() {
    LegendRenderer.Legend small =
        LegendRenderer.colorbar(
            Colormaps.VIRIDIS,
            Scale.linear(0, 1),
            "norm",
            "",
            LegendRenderer.Orientation.VERTICAL,
            160,
            STYLE);
    LegendRenderer.Legend large =
        LegendRenderer.colorbar(
            Colormaps.VIRIDIS,
            Scale.linear(0, 9),
            "norm",
            "",
            LegendRenderer.Orientation.VERTICAL,
            160,
            STYLE);
    assertNotEquals(small.raster(), large.raster());
    assertEquals(small.bar(), large.bar());
  }

  @Test
  void noteStatesColormapAndNormalisation() {
    Scale scale = new Normalization.Percentile(1, 99).resolve(ScalarGrid.of(1, 3, 0, 5, 10));
    assertEquals("percentile 1-99, range 0.1 to 9.9", LegendRenderer.scaleNote(scale));
  }

  @Test
  void horizontalLegendDrawsBarTicksAndText() {
    LegendRenderer.Legend legend =
        LegendRenderer.colorbar(
            Colormaps.COOLWARM,
            Scale.linear(-2, 2),
            "change",
            "",
            LegendRenderer.Orientation.HORIZONTAL,
            200,
            STYLE);
    Rectangle bar = legend.bar();
    assertEquals(200, bar.width);
    int midY = bar.y + bar.height / 2;
    // Column i shows t = (i + 0.5) / 200: low on the left.
    assertEquals(Colormaps.COOLWARM.entry(1), legend.raster().get(bar.x + 1, midY));
    assertEquals(Colormaps.COOLWARM.entry(254), legend.raster().get(bar.x + 198, midY));
    LegendRenderer.Tick zero =
        legend.ticks().stream().filter(t -> t.value() == 0).findFirst().orElseThrow();
    assertEquals(bar.x + 100, zero.position());
    assertTrue(inkIn(legend.raster(), legend.tickLabelArea()) > 30);
  }

  @Test
  void distinctUnderAndOverColoursGetCaps() {
    Colormap map = Colormaps.VIRIDIS.withOver(0xFFFF0000).withUnder(0xFF0000FF);
    LegendRenderer.Legend legend =
        LegendRenderer.colorbar(
            map, Scale.linear(0, 1), "x", "", LegendRenderer.Orientation.VERTICAL, 100, STYLE);
    Rectangle bar = legend.bar();
    int midX = bar.x + bar.width / 2;
    assertEquals(0xFFFF0000, legend.raster().get(midX, bar.y - 3), "over cap above the bar");
    assertEquals(
        0xFF0000FF, legend.raster().get(midX, bar.y + bar.height + 2), "under cap below the bar");
  }

  @Test
  void degenerateScaleGivesOneTick() {
    LegendRenderer.Legend legend =
        LegendRenderer.colorbar(
            Colormaps.VIRIDIS,
            Scale.linear(7, 7),
            "x",
            "",
            LegendRenderer.Orientation.VERTICAL,
            100,
            STYLE);
    assertEquals(1, legend.ticks().size());
    assertEquals("7", legend.ticks().get(0).label());
  }

  @Test
  void markerKeyShowsEachKind() {
    Raster key =
        LegendRenderer.markerKey(
            List.of(Marker.Kind.ARTIFACT, Marker.Kind.SINK, Marker.Kind.REGISTER), STYLE);
    assertTrue(OverlayCompositorTest.count(key, OverlayCompositor.ARTIFACT_ARGB) > 10);
    assertTrue(OverlayCompositorTest.count(key, OverlayCompositor.SINK_ARGB) > 10);
    assertTrue(OverlayCompositorTest.count(key, OverlayCompositor.REGISTER_ARGB) > 10);
  }

  /** Pixels in the rectangle that differ from the background. */
  static int inkIn(Raster raster, Rectangle area) {
    int ink = 0;
    for (int y = Math.max(0, area.y); y < Math.min(raster.height(), area.y + area.height); y++) {
      for (int x = Math.max(0, area.x); x < Math.min(raster.width(), area.x + area.width); x++) {
        if (raster.get(x, y) != STYLE.backgroundArgb()) {
          ink++;
        }
      }
    }
    return ink;
  }
}
