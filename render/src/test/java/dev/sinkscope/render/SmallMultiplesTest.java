package dev.sinkscope.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Rectangle;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("cross-machine")
class SmallMultiplesTest {

  private static final LegendStyle STYLE = LegendStyle.LIGHT;

  @Test
  void panelsFillRowsLeftToRightThenTopToBottom() {
    int[] colors = {0xFFFF0000, 0xFF00FF00, 0xFF0000FF, 0xFFFF00FF, 0xFF00FFFF};
    List<SmallMultiples.Panel> panels = new ArrayList<>();
    for (int i = 0; i < colors.length; i++) {
      panels.add(new SmallMultiples.Panel("head " + i, Raster.filled(12, 10, colors[i])));
    }
    Raster out = SmallMultiples.arrange("layer 3", panels, 3, STYLE);
    List<ComparisonTest.Bounds> bounds = new ArrayList<>();
    for (int color : colors) {
      ComparisonTest.Bounds b = ComparisonTest.Bounds.of(out, color);
      assertEquals(120, b.count(), "each panel is pasted whole and not overdrawn");
      assertEquals(11, b.maxX() - b.minX());
      bounds.add(b);
    }
    assertTrue(bounds.get(0).maxX() < bounds.get(1).minX());
    assertTrue(bounds.get(1).maxX() < bounds.get(2).minX());
    assertEquals(bounds.get(0).minY(), bounds.get(2).minY());
    assertTrue(bounds.get(3).minY() > bounds.get(0).maxY(), "fourth panel starts a new row");
    assertEquals(bounds.get(0).minX(), bounds.get(3).minX());
  }

  @Test
  void titlesAreDrawnAbovePanels() {
    Raster titled =
        SmallMultiples.arrange(
            "",
            List.of(new SmallMultiples.Panel("layer 11", Raster.filled(60, 20, 0xFF0000FF))),
            1,
            STYLE);
    Raster untitled =
        SmallMultiples.arrange(
            "", List.of(new SmallMultiples.Panel("", Raster.filled(60, 20, 0xFF0000FF))), 1, STYLE);
    ComparisonTest.Bounds panel = ComparisonTest.Bounds.of(titled, 0xFF0000FF);
    Rectangle above = new Rectangle(0, 0, titled.width(), panel.minY());
    assertTrue(LegendRendererTest.inkIn(titled, above) > 20, "title ink above the panel");
    assertEquals(0, LegendRendererTest.inkIn(untitled, above));
  }

  @Test
  void longTitlesAreShortenedToThePanelWidth() {
    LegendRenderer.Fonts fonts = new LegendRenderer.Fonts(STYLE);
    String fitted =
        SmallMultiples.fitted("received attention, layer 23, all heads", fonts.label, 60);
    assertTrue(fitted.endsWith("..."), fitted);
    assertTrue(fonts.label.stringWidth(fitted) <= 60);
    assertEquals("ok", SmallMultiples.fitted("ok", fonts.label, 60));
  }

  @Test
  void atTheSmallestPanelEveryTitleAndTheWholeRangeFitInsideThePicture() {
    // The window's smallest panels (80 px, dark style, 13 px) and a long colour-bar text.
    LegendStyle window = LegendStyle.DARK;
    List<ScalarGrid> grids = new ArrayList<>();
    List<String> titles = new ArrayList<>();
    for (int b = 1; b <= 24; b++) {
      grids.add(ScalarGrid.of(2, 2, 0.000123f * b, 0.0345f, 0.01f * b, 0.002f));
      titles.add("block " + b);
    }
    Scale scale =
        Scale.shared(grids.toArray(new ScalarGrid[0]))
            .withMethod("percentile 1-99, shared by 24 grids, all blocks");
    int legendWidth = 220;
    SmallMultiples.Layout layout =
        new SmallMultiples.Layout(80, 80, 3, Upsampling.NEAREST, window, legendWidth);
    Raster out =
        SmallMultiples.ofGrids(
            "Attention received (sinks) · every block, mean of heads, a long heading",
            titles,
            grids,
            Colormaps.VIRIDIS,
            scale,
            "share of attention received from every query",
            "",
            layout);
    int gap = Math.round(window.fontSize() * 0.6f);
    assertTrue(
        out.width() <= 2 * gap + 3 * 80 + 2 * gap + gap + legendWidth,
        "grid and colour bar within the width given: " + out.width());

    LegendRenderer.Legend legend =
        LegendRenderer.colorbar(
            Colormaps.VIRIDIS,
            scale,
            "share of attention received from every query",
            "",
            LegendRenderer.Orientation.VERTICAL,
            400,
            legendWidth,
            window);
    Rectangle whole = new Rectangle(0, 0, legend.raster().width(), legend.raster().height());
    assertTrue(legend.raster().width() <= legendWidth, "" + legend.raster().width());
    for (Rectangle part :
        List.of(legend.titleArea(), legend.noteArea(), legend.tickLabelArea(), legend.bar())) {
      assertTrue(whole.contains(part), part + " inside " + whole);
    }
    assertTrue(
        legend.noteArea().height > 2 * new LegendRenderer.Fonts(window).note.getHeight(),
        "the range note wrapped onto more lines");

    LegendRenderer.Fonts fonts = new LegendRenderer.Fonts(window);
    for (String title : List.of("block 24", "head 15", "layer 23")) {
      var font = SmallMultiples.titleFont(title, fonts.label, 80);
      assertEquals(title, SmallMultiples.fitted(title, font, 80), "not shortened");
      assertTrue(font.stringWidth(title) <= 80);
    }
    // too long even in the smallest font: shortened, and still inside the panel
    var small =
        SmallMultiples.titleFont("received attention, layer 23, all heads", fonts.label, 80);
    assertEquals(
        Math.round(fonts.label.getFont().getSize2D() * SmallMultiples.MIN_TITLE_SCALE),
        Math.round(small.getFont().getSize2D()));
  }

  @Test
  void layerStripSharesOneScaleAcrossLayers() {
    List<ScalarGrid> layers =
        List.of(ScalarGrid.of(1, 1, 0), ScalarGrid.of(1, 1, 5), ScalarGrid.of(1, 1, 10));
    Scale shared = Scale.shared(layers.toArray(new ScalarGrid[0]));
    SmallMultiples.Layout layout = new SmallMultiples.Layout(20, 20, 3, Upsampling.NEAREST, STYLE);
    Raster strip =
        SmallMultiples.layerStrip(
            "norms", layers, Colormaps.VIRIDIS, shared, "L2 norm", "", layout);
    ComparisonTest.Bounds low = ComparisonTest.Bounds.of(strip, Colormaps.VIRIDIS.entry(0));
    ComparisonTest.Bounds middle = ComparisonTest.Bounds.of(strip, Colormaps.VIRIDIS.entry(128));
    ComparisonTest.Bounds high = ComparisonTest.Bounds.of(strip, Colormaps.VIRIDIS.entry(255));
    assertTrue(
        low.count() >= 400 && middle.count() >= 400 && high.count() >= 400,
        "each layer panel is one flat colour from the shared scale");
    assertTrue(low.minX() < middle.minX() && middle.minX() < high.minX());
    assertEquals(List.of("layer 0", "layer 1"), SmallMultiples.numbered("layer", 2));
  }

  @Test
  void mismatchedTitlesAreRejected() {
    SmallMultiples.Layout layout = new SmallMultiples.Layout(8, 8, 2, Upsampling.NEAREST, STYLE);
    assertThrows(
        IllegalArgumentException.class,
        () ->
            SmallMultiples.ofGrids(
                "",
                List.of("a"),
                List.of(ScalarGrid.of(1, 1, 0), ScalarGrid.of(1, 1, 1)),
                Colormaps.VIRIDIS,
                Scale.linear(0, 1),
                "x",
                "",
                layout));
    assertThrows(
        IllegalArgumentException.class, () -> SmallMultiples.arrange("", List.of(), 2, STYLE));
  }
}
