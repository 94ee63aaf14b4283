package dev.sinkscope.app.gui.layers;

import dev.sinkscope.app.gui.canvas.LayerProfile;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.scene.canvas.Canvas;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.layout.Pane;
import javafx.scene.paint.Color;

/**
 * Two per-block curves over the layer slider, each on its own axis (ratio from 1, share from 0):
 * the patch-norm max/median ratio (orange) and the share of attention taken by the strongest sink
 * (cyan). A dashed line marks the emergence block; a white bar marks the current block.
 */
public final class SparklineView extends Pane {
  static final Color RATIO = Color.web("#ff9f43");
  static final Color SINK = Color.web("#48dbfb");

  /** Horizontal inset matching the slider thumb, so points sit above their ticks. */
  static final double INSET = 9;

  private final Canvas canvas = new Canvas();
  private final ObjectProperty<LayerProfile> profile = new SimpleObjectProperty<>(this, "profile");
  private final IntegerProperty current = new SimpleIntegerProperty(this, "current", 1);

  public SparklineView() {
    getStyleClass().add("sparkline");
    getChildren().add(canvas);
    setMinHeight(38);
    setPrefHeight(38);
    profile.addListener(x -> draw());
    current.addListener(x -> draw());
    widthProperty().addListener(x -> draw());
    heightProperty().addListener(x -> draw());
  }

  public ObjectProperty<LayerProfile> profileProperty() {
    return profile;
  }

  public IntegerProperty currentProperty() {
    return current;
  }

  @Override
  protected void layoutChildren() {
    canvas.setWidth(getWidth());
    canvas.setHeight(getHeight());
    draw();
  }

  private void draw() {
    double w = canvas.getWidth();
    double h = canvas.getHeight();
    GraphicsContext g = canvas.getGraphicsContext2D();
    g.clearRect(0, 0, w, h);
    LayerProfile p = profile.get();
    if (p == null || p.blocks() == 0 || w <= 2 * INSET) {
      return;
    }
    int n = p.blocks();
    if (p.emergenceBlock() > 0) {
      double x = xOf(p.emergenceBlock() - 1, n, w);
      g.setStroke(Color.web("#ff6b6b"));
      g.setLineDashes(3, 3);
      g.setLineWidth(1);
      g.strokeLine(x, 2, x, h - 2);
      g.setLineDashes();
    }
    double cx = xOf(current.get() - 1, n, w);
    g.setFill(Color.rgb(255, 255, 255, 0.18));
    g.fillRect(cx - Math.max(3, (w - 2 * INSET) / n / 2), 0, Math.max(6, (w - 2 * INSET) / n), h);
    curve(
        g,
        p.maxOverMedian(),
        RATIO,
        w,
        h,
        RATIO_FLOOR,
        Math.max(RATIO_FLOOR + 1, max(p.maxOverMedian())));
    curve(g, p.topSinkShare(), SINK, w, h, 0, Math.max(MIN_SHARE_TOP, max(p.topSinkShare())));
  }

  /**
   * The ratio axis starts at 1 (no contrast) and reaches at least 2, so a flat 1.33 after a fix
   * sits low instead of at the top; the share axis reaches at least 5 %. The printed ranges beside
   * the sparkline give the numbers.
   */
  static final double RATIO_FLOOR = 1;

  static final double MIN_SHARE_TOP = 0.05;

  static double max(double[] values) {
    double max = Double.NEGATIVE_INFINITY;
    for (double v : values) {
      if (Double.isFinite(v)) {
        max = Math.max(max, v);
      }
    }
    return max;
  }

  /** Where {@code v} sits between {@code lo} (0) and {@code hi} (1) on a curve's axis, clamped. */
  static double heightFraction(double v, double lo, double hi) {
    return hi <= lo ? 0 : Math.max(0, Math.min(1, (v - lo) / (hi - lo)));
  }

  private static void curve(
      GraphicsContext g, double[] values, Color color, double w, double h, double lo, double hi) {
    if (!(max(values) > Double.NEGATIVE_INFINITY)) {
      return;
    }
    g.setStroke(color);
    g.setFill(color);
    g.setLineWidth(1.8);
    g.beginPath();
    boolean started = false;
    for (int i = 0; i < values.length; i++) {
      if (!Double.isFinite(values[i])) {
        continue;
      }
      double x = xOf(i, values.length, w);
      double y = h - 3 - (h - 6) * heightFraction(values[i], lo, hi);
      if (started) {
        g.lineTo(x, y);
      } else {
        g.moveTo(x, y);
        started = true;
      }
      g.fillOval(x - 2, y - 2, 4, 4);
    }
    g.stroke();
  }

  private static double xOf(int index, int count, double width) {
    return count == 1 ? width / 2 : INSET + index * (width - 2 * INSET) / (count - 1);
  }
}
