package dev.sinkscope.app.gui.canvas;

import javafx.beans.property.DoubleProperty;
import javafx.beans.property.SimpleDoubleProperty;

/**
 * Zoom and pan of a picture, independent of its pixel size: the point of the picture at the centre
 * of the view (as a fraction of its width and height) and a zoom factor over "fit to view". Two
 * panes sharing one viewport stay aligned, which links the panels of a comparison.
 */
public final class Viewport {
  public static final double MIN_ZOOM = 1;
  public static final double MAX_ZOOM = 40;

  private final DoubleProperty zoom = new SimpleDoubleProperty(this, "zoom", 1);
  private final DoubleProperty centerX = new SimpleDoubleProperty(this, "centerX", 0.5);
  private final DoubleProperty centerY = new SimpleDoubleProperty(this, "centerY", 0.5);

  public DoubleProperty zoomProperty() {
    return zoom;
  }

  public DoubleProperty centerXProperty() {
    return centerX;
  }

  public DoubleProperty centerYProperty() {
    return centerY;
  }

  /** Fit the whole picture. */
  public void reset() {
    zoom.set(1);
    centerX.set(0.5);
    centerY.set(0.5);
  }

  /**
   * Zooms by {@code factor} keeping the picture point ({@code fx}, {@code fy}) (fractions) where it
   * is on screen.
   */
  public void zoomAt(double factor, double fx, double fy) {
    double old = zoom.get();
    double now = Math.max(MIN_ZOOM, Math.min(MAX_ZOOM, old * factor));
    double k = old / now;
    centerX.set(clamp(fx + (centerX.get() - fx) * k));
    centerY.set(clamp(fy + (centerY.get() - fy) * k));
    zoom.set(now);
    if (now == MIN_ZOOM) {
      centerX.set(0.5);
      centerY.set(0.5);
    }
  }

  /** Moves the view by a fraction of the picture size. */
  public void panBy(double dx, double dy) {
    centerX.set(clamp(centerX.get() + dx));
    centerY.set(clamp(centerY.get() + dy));
  }

  private static double clamp(double v) {
    return Math.max(0, Math.min(1, v));
  }
}
