package dev.sinkscope.render;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.geom.AffineTransform;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.geom.Path2D;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Per-layer line charts for reports (e.g. max/median norm ratio and sink mass per layer), with
 * axes, ticks and a legend. Quantities with different units can use a right-hand axis; those series
 * are dashed so it is clear which axis they belong to.
 */
public final class LineChartRenderer {

  public enum Axis {
    LEFT,
    RIGHT
  }

  /** One line; NaN y values leave a gap. */
  public record Series(String name, double[] x, double[] y, int argb, Axis axis) {
    public Series {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(axis, "axis");
      if (x.length != y.length || x.length == 0) {
        throw new IllegalArgumentException(
            name + ": need equally many x and y values, at least one");
      }
    }

    /** A series over layers 0..n-1. */
    public static Series perLayer(String name, double[] y, int argb, Axis axis) {
      double[] x = new double[y.length];
      for (int i = 0; i < x.length; i++) {
        x[i] = i;
      }
      return new Series(name, x, y, argb, axis);
    }
  }

  /**
   * @param rightAxisLabel label of the right axis; used only when some series is on it
   */
  public record LineChart(
      String title,
      String xLabel,
      String leftAxisLabel,
      String rightAxisLabel,
      List<Series> series) {
    public LineChart {
      Objects.requireNonNull(title, "title");
      Objects.requireNonNull(xLabel, "xLabel");
      Objects.requireNonNull(leftAxisLabel, "leftAxisLabel");
      Objects.requireNonNull(rightAxisLabel, "rightAxisLabel");
      series = List.copyOf(series);
      if (series.isEmpty()) {
        throw new IllegalArgumentException("a chart needs at least one series");
      }
    }
  }

  /** A rendered chart and its plot area, for tests and hit-testing. */
  public record Chart(
      Raster raster,
      Rectangle plotArea,
      List<Double> xTicks,
      List<Double> leftTicks,
      List<Double> rightTicks) {}

  /** Distinct colours for series, colour-blind friendly (Okabe-Ito). */
  public static final int[] SERIES_COLORS = {
    0xFF0072B2, 0xFFD55E00, 0xFF009E73, 0xFFCC79A7, 0xFFE69F00, 0xFF56B4E9, 0xFF000000
  };

  private LineChartRenderer() {}

  public static Chart render(LineChart chart, int width, int height, LegendStyle style) {
    if (width < 160 || height < 120) {
      throw new IllegalArgumentException(
          "chart must be at least 160x120, got " + width + "x" + height);
    }
    LegendRenderer.Fonts fonts = new LegendRenderer.Fonts(style);
    boolean hasRight = chart.series().stream().anyMatch(s -> s.axis() == Axis.RIGHT);
    boolean hasLeft = chart.series().stream().anyMatch(s -> s.axis() == Axis.LEFT);

    Range xRange = Range.of(chart.series(), null, true);
    Range leftRange = hasLeft ? Range.of(chart.series(), Axis.LEFT, false) : null;
    Range rightRange = hasRight ? Range.of(chart.series(), Axis.RIGHT, false) : null;
    int maxYTicks = Math.max(2, Math.min(8, height / (int) (style.fontSize() * 3)));
    List<Double> xTicks =
        integerTicksIfIntegral(xRange, chart.series(), Math.max(2, Math.min(12, width / 60)));
    leftRange = leftRange == null ? null : leftRange.roundedOut(maxYTicks);
    rightRange = rightRange == null ? null : rightRange.roundedOut(maxYTicks);
    List<Double> leftTicks = leftRange == null ? List.of() : leftRange.ticks();
    List<Double> rightTicks = rightRange == null ? List.of() : rightRange.ticks();
    List<String> leftLabels = Ticks.labels(leftTicks, Scale.Kind.LINEAR);
    List<String> rightLabels = Ticks.labels(rightTicks, Scale.Kind.LINEAR);
    List<String> xLabels = Ticks.labels(xTicks, Scale.Kind.LINEAR);

    int margin = Math.round(style.fontSize() * 0.8f);
    int axisTitle = fonts.label.getHeight();
    int left = margin + axisTitle + LegendRenderer.maxWidth(fonts.label, leftLabels) + 8;
    int right =
        width
            - margin
            - (hasRight ? axisTitle + LegendRenderer.maxWidth(fonts.label, rightLabels) + 8 : 0);
    int top = margin + fonts.title.getHeight() + margin / 2;
    int bottom = height - margin - 2 * fonts.label.getHeight() - 6;
    if (right - left < 40 || bottom - top < 40) {
      throw new IllegalArgumentException(
          "chart " + width + "x" + height + " is too small for its labels");
    }
    Rectangle plot = new Rectangle(left, top, right - left, bottom - top);

    Raster raster = Raster.filled(width, height, style.backgroundArgb());
    Graphics2D g = Drawing.graphics(raster);
    try {
      Color text = Drawing.color(style.textArgb());
      Color grid = Drawing.color((style.textArgb() & 0x00FFFFFF) | 0x22000000);
      g.setColor(text);
      g.setFont(fonts.title.getFont());
      Drawing.centred(g, chart.title(), width / 2f, margin + fonts.title.getAscent());

      g.setFont(fonts.label.getFont());
      float labelBaselineOffset = (fonts.label.getAscent() - fonts.label.getDescent()) / 2f;
      for (int i = 0; i < xTicks.size(); i++) {
        double px = map(xTicks.get(i), xRange, plot.x, plot.x + plot.width);
        g.setColor(grid);
        g.draw(new Line2D.Double(px, plot.y, px, plot.y + plot.height));
        g.setColor(text);
        g.draw(new Line2D.Double(px, plot.y + plot.height, px, plot.y + plot.height + 4));
        Drawing.centred(
            g, xLabels.get(i), (float) px, plot.y + plot.height + 6 + fonts.label.getAscent());
      }
      for (int i = 0; i < leftTicks.size(); i++) {
        double py = map(leftTicks.get(i), leftRange, plot.y + plot.height, plot.y);
        g.setColor(grid);
        g.draw(new Line2D.Double(plot.x, py, plot.x + plot.width, py));
        g.setColor(text);
        g.draw(new Line2D.Double(plot.x - 4, py, plot.x, py));
        g.drawString(
            leftLabels.get(i),
            plot.x - 6 - fonts.label.stringWidth(leftLabels.get(i)),
            (float) py + labelBaselineOffset);
      }
      for (int i = 0; i < rightTicks.size(); i++) {
        double py = map(rightTicks.get(i), rightRange, plot.y + plot.height, plot.y);
        g.draw(new Line2D.Double(plot.x + plot.width, py, plot.x + plot.width + 4, py));
        g.drawString(rightLabels.get(i), plot.x + plot.width + 6, (float) py + labelBaselineOffset);
      }
      g.setColor(text);
      Drawing.pixelRect(g, new Rectangle(plot.x, plot.y, plot.width + 1, plot.height + 1));
      Drawing.centred(
          g, chart.xLabel(), plot.x + plot.width / 2f, height - margin - fonts.label.getDescent());
      drawRotated(
          g,
          chart.leftAxisLabel(),
          margin + fonts.label.getAscent(),
          plot.y + plot.height / 2f,
          -90);
      if (hasRight) {
        drawRotated(
            g,
            chart.rightAxisLabel(),
            width - margin - fonts.label.getDescent(),
            plot.y + plot.height / 2f,
            90);
      }

      java.awt.Shape oldClip = g.getClip();
      g.clip(plot);
      for (Series series : chart.series()) {
        Range yRange = series.axis() == Axis.LEFT ? leftRange : rightRange;
        drawSeries(g, series, xRange, yRange, plot);
      }
      g.setClip(oldClip);
      drawKey(g, chart.series(), plot, fonts, style);
    } finally {
      g.dispose();
    }
    return new Chart(raster, plot, xTicks, leftTicks, rightTicks);
  }

  private static void drawSeries(
      Graphics2D g, Series series, Range xRange, Range yRange, Rectangle plot) {
    Color color = Drawing.color(series.argb());
    g.setColor(color);
    g.setStroke(strokeFor(series.axis()));
    Path2D.Double path = new Path2D.Double();
    boolean penDown = false;
    for (int i = 0; i < series.x().length; i++) {
      double y = series.y()[i];
      if (!Double.isFinite(y)) {
        penDown = false;
        continue;
      }
      double px = map(series.x()[i], xRange, plot.x, plot.x + plot.width);
      double py = map(y, yRange, plot.y + plot.height, plot.y);
      if (penDown) {
        path.lineTo(px, py);
      } else {
        path.moveTo(px, py);
        penDown = true;
      }
    }
    g.draw(path);
    for (int i = 0; i < series.x().length; i++) {
      double y = series.y()[i];
      if (Double.isFinite(y)) {
        double px = map(series.x()[i], xRange, plot.x, plot.x + plot.width);
        double py = map(y, yRange, plot.y + plot.height, plot.y);
        g.fill(new Ellipse2D.Double(px - 2.5, py - 2.5, 5, 5));
      }
    }
  }

  private static BasicStroke strokeFor(Axis axis) {
    return axis == Axis.LEFT
        ? new BasicStroke(2f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND)
        : new BasicStroke(
            2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f, new float[] {6f, 4f}, 0f);
  }

  /** Key in the plot's top-left corner on a translucent box, so lines under it stay visible. */
  private static void drawKey(
      Graphics2D g,
      List<Series> series,
      Rectangle plot,
      LegendRenderer.Fonts fonts,
      LegendStyle style) {
    boolean twoAxes = series.stream().map(Series::axis).distinct().count() > 1;
    List<String> names = new ArrayList<>();
    for (Series s : series) {
      names.add(twoAxes ? s.name() + (s.axis() == Axis.LEFT ? " (left)" : " (right)") : s.name());
    }
    int lineHeight = fonts.label.getHeight();
    int sample = 22;
    int boxWidth = 8 + sample + 6 + LegendRenderer.maxWidth(fonts.label, names) + 8;
    int boxHeight = 6 + names.size() * lineHeight + 4;
    int x = plot.x + 8;
    int y = plot.y + 8;
    g.setColor(Drawing.color((style.backgroundArgb() & 0x00FFFFFF) | 0xDD000000));
    g.fillRect(x, y, boxWidth, boxHeight);
    g.setColor(Drawing.color(style.textArgb()));
    Drawing.pixelRect(g, new Rectangle(x, y, boxWidth + 1, boxHeight + 1));
    g.setFont(fonts.label.getFont());
    for (int i = 0; i < series.size(); i++) {
      float mid = y + 6 + i * lineHeight + lineHeight / 2f;
      g.setColor(Drawing.color(series.get(i).argb()));
      g.setStroke(strokeFor(series.get(i).axis()));
      g.draw(new Line2D.Float(x + 8, mid, x + 8 + sample, mid));
      g.setColor(Drawing.color(style.textArgb()));
      g.drawString(
          names.get(i),
          x + 8 + sample + 6,
          mid + (fonts.label.getAscent() - fonts.label.getDescent()) / 2f);
    }
  }

  private static void drawRotated(Graphics2D g, String text, float x, float y, double degrees) {
    AffineTransform saved = g.getTransform();
    g.translate(x, y);
    g.rotate(Math.toRadians(degrees));
    Drawing.centred(g, text, 0, 0);
    g.setTransform(saved);
  }

  private static double map(double value, Range range, double from, double to) {
    double t = range.hi == range.lo ? 0.5 : (value - range.lo) / (range.hi - range.lo);
    return from + t * (to - from);
  }

  /** Layers are integers: no "2.5" ticks on a layer axis. */
  private static List<Double> integerTicksIfIntegral(
      Range range, List<Series> series, int maxTicks) {
    boolean integral =
        series.stream()
            .allMatch(
                s -> {
                  for (double x : s.x()) {
                    if (x != Math.rint(x)) {
                      return false;
                    }
                  }
                  return true;
                });
    List<Double> ticks = Ticks.linear(range.lo, range.hi, maxTicks);
    if (!integral) {
      return ticks;
    }
    List<Double> whole = ticks.stream().filter(t -> t == Math.rint(t)).toList();
    return whole.isEmpty() ? List.of(range.lo) : whole;
  }

  /** Data range of an axis; a flat series gets a unit-wide range so it is drawn mid-plot. */
  private record Range(double lo, double hi, double step) {
    static Range of(List<Series> series, Axis axis, boolean xAxis) {
      double lo = Double.POSITIVE_INFINITY;
      double hi = Double.NEGATIVE_INFINITY;
      for (Series s : series) {
        if (!xAxis && s.axis() != axis) {
          continue;
        }
        for (int i = 0; i < s.x().length; i++) {
          double v = xAxis ? s.x()[i] : s.y()[i];
          if (Double.isFinite(v) && (xAxis || Double.isFinite(s.y()[i]))) {
            lo = Math.min(lo, v);
            hi = Math.max(hi, v);
          }
        }
      }
      if (lo > hi) {
        return new Range(0, 1, 0);
      }
      if (lo == hi) {
        double pad = lo == 0 ? 1 : Math.abs(lo) * 0.5;
        return new Range(lo - pad, hi + pad, 0);
      }
      return new Range(lo, hi, 0);
    }

    /**
     * Widened to whole tick steps around the data, so lines do not touch the frame and the axis
     * ends on labelled values.
     */
    Range roundedOut(int maxTicks) {
      // A small margin keeps a line at the data maximum off the frame; non-negative data
      // (ratios, masses) keeps a non-negative axis.
      double margin = 0.04 * (hi - lo);
      double paddedLo = lo >= 0 ? Math.max(0, lo - margin) : lo - margin;
      double paddedHi = hi + margin;
      double step = Ticks.linearStep(paddedLo, paddedHi, maxTicks);
      return new Range(
          Math.floor(paddedLo / step + 1e-9) * step,
          Math.ceil(paddedHi / step - 1e-9) * step,
          step);
    }

    /** Ticks at the step chosen by {@link #roundedOut}, ending on both range ends. */
    List<Double> ticks() {
      return Ticks.multiples(lo, hi, step);
    }
  }
}
