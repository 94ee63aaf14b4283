package dev.sinkscope.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Rectangle;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("cross-machine")
class LineChartRendererTest {

  private static final int BLUE = LineChartRenderer.SERIES_COLORS[0];
  private static final int ORANGE = LineChartRenderer.SERIES_COLORS[1];

  @Test
  void twoQuantitiesOnTwoAxesWithLegend() {
    double[] ratio = new double[24];
    double[] sinkMass = new double[24];
    for (int layer = 0; layer < 24; layer++) {
      ratio[layer] = layer < 10 ? 1.5 : 40 + layer;
      sinkMass[layer] = layer < 10 ? 0.05 : 0.8;
    }
    LineChartRenderer.LineChart chart =
        new LineChartRenderer.LineChart(
            "dinov2-small",
            "layer",
            "max/median norm",
            "sink mass",
            List.of(
                LineChartRenderer.Series.perLayer(
                    "max/median norm", ratio, BLUE, LineChartRenderer.Axis.LEFT),
                LineChartRenderer.Series.perLayer(
                    "sink mass", sinkMass, ORANGE, LineChartRenderer.Axis.RIGHT)));
    LineChartRenderer.Chart rendered = LineChartRenderer.render(chart, 640, 360, LegendStyle.LIGHT);

    Rectangle plot = rendered.plotArea();
    assertTrue(OverlayCompositorTest.count(rendered.raster(), BLUE) > 100, "left series drawn");
    assertTrue(
        OverlayCompositorTest.count(rendered.raster(), ORANGE) > 60, "right series drawn (dashed)");
    assertEquals(0.0, rendered.leftTicks().get(0));
    assertTrue(
        rendered.leftTicks().get(rendered.leftTicks().size() - 1) >= 63,
        "left axis covers the data");
    assertTrue(
        rendered.rightTicks().get(rendered.rightTicks().size() - 1) >= 0.8,
        "right axis covers the data");
    for (double x : rendered.xTicks()) {
      assertEquals(Math.rint(x), x, "layer ticks are whole numbers");
    }
    assertTrue(rendered.xTicks().contains(0.0));
    Rectangle leftMargin = new Rectangle(0, plot.y, plot.x - 5, plot.height);
    Rectangle rightMargin =
        new Rectangle(plot.x + plot.width + 5, plot.y, 640 - plot.x - plot.width - 5, plot.height);
    Rectangle belowPlot =
        new Rectangle(plot.x, plot.y + plot.height + 5, plot.width, 360 - plot.y - plot.height - 5);
    assertTrue(inkIn(rendered.raster(), leftMargin) > 100, "left tick labels and axis title");
    assertTrue(inkIn(rendered.raster(), rightMargin) > 100, "right tick labels and axis title");
    assertTrue(inkIn(rendered.raster(), belowPlot) > 100, "layer tick labels and x title");
  }

  @Test
  void highValuesAreDrawnHigher() {
    LineChartRenderer.LineChart chart =
        new LineChartRenderer.LineChart(
            "t",
            "layer",
            "v",
            "",
            List.of(
                LineChartRenderer.Series.perLayer(
                    "v", new double[] {0, 10}, BLUE, LineChartRenderer.Axis.LEFT)));
    LineChartRenderer.Chart rendered = LineChartRenderer.render(chart, 300, 200, LegendStyle.LIGHT);
    Rectangle plot = rendered.plotArea();
    List<Double> ticks = rendered.leftTicks();
    double lo = ticks.get(0);
    double hi = ticks.get(ticks.size() - 1);
    assertTrue(hi > 10, "a margin keeps the maximum off the frame: " + ticks);
    int expectedTopY = (int) Math.round(plot.y + plot.height * (1 - (10 - lo) / (hi - lo)));
    int expectedBottomY = (int) Math.round(plot.y + plot.height * (1 - (0 - lo) / (hi - lo)));
    // The line's right end (layer 1, value 10) is high, its left end (layer 0, value 0) low.
    ComparisonTest.Bounds rightEnd =
        bounds(rendered.raster(), BLUE, plot.x + plot.width - 3, plot.x + plot.width);
    assertTrue(Math.abs(rightEnd.minY() - expectedTopY) <= 4, rightEnd + " vs y " + expectedTopY);
    ComparisonTest.Bounds leftEnd = bounds(rendered.raster(), BLUE, plot.x + 1, plot.x + 4);
    assertTrue(
        Math.abs(leftEnd.maxY() - expectedBottomY) <= 4, leftEnd + " vs y " + expectedBottomY);
    assertEquals(List.of(0.0, 1.0), rendered.xTicks(), "no half layers");
  }

  @Test
  void nanValuesLeaveGapsAndFlatSeriesStillRender() {
    LineChartRenderer.LineChart chart =
        new LineChartRenderer.LineChart(
            "t",
            "layer",
            "v",
            "",
            List.of(
                LineChartRenderer.Series.perLayer(
                    "v", new double[] {2, Double.NaN, 2, 2}, BLUE, LineChartRenderer.Axis.LEFT)));
    LineChartRenderer.Chart rendered = LineChartRenderer.render(chart, 300, 200, LegendStyle.DARK);
    assertTrue(OverlayCompositorTest.count(rendered.raster(), BLUE) > 20);
    assertThrows(
        IllegalArgumentException.class,
        () -> LineChartRenderer.render(chart, 100, 50, LegendStyle.DARK));
  }

  private static ComparisonTest.Bounds bounds(Raster raster, int argb, int fromX, int toX) {
    Raster region = raster.region(fromX, 0, toX - fromX, raster.height());
    return ComparisonTest.Bounds.of(region, argb);
  }

  private static int inkIn(Raster raster, Rectangle area) {
    int ink = 0;
    for (int y = area.y; y < area.y + area.height; y++) {
      for (int x = area.x; x < area.x + area.width; x++) {
        if (raster.get(x, y) != LegendStyle.LIGHT.backgroundArgb()) {
          ink++;
        }
      }
    }
    return ink;
  }
}
