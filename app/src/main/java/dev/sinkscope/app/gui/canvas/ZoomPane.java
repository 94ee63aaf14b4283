package dev.sinkscope.app.gui.canvas;

import java.util.function.BiConsumer;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.geometry.Point2D;
import javafx.scene.Cursor;
import javafx.scene.image.Image;
import javafx.scene.image.ImageView;
import javafx.scene.input.MouseButton;
import javafx.scene.input.MouseEvent;
import javafx.scene.input.ScrollEvent;
import javafx.scene.layout.Region;
import javafx.scene.shape.Rectangle;

/**
 * Shows one picture fitted to the pane, zoomed and panned through a (possibly shared) {@link
 * Viewport}: the wheel zooms around the cursor, dragging pans, a double click fits again. Mouse
 * positions are reported in picture pixels. Pixels stay crisp (no smoothing), so patches remain
 * blocks when zoomed in.
 */
public final class ZoomPane extends Region {
  private static final double DRAG_THRESHOLD = 4;

  private final ImageView view = new ImageView();
  private final Viewport viewport;
  private final ObjectProperty<Image> image = new SimpleObjectProperty<>(this, "image");
  private BiConsumer<Point2D, MouseEvent> onHover = (p, e) -> {};
  private BiConsumer<Point2D, MouseEvent> onClick = (p, e) -> {};
  private double pressX;
  private double pressY;
  private double lastX;
  private double lastY;
  private boolean dragging;

  public ZoomPane(Viewport viewport) {
    this.viewport = viewport;
    getStyleClass().add("zoom-pane");
    view.setSmooth(false);
    view.setPreserveRatio(false);
    view.imageProperty().bind(image);
    getChildren().add(view);
    Rectangle clip = new Rectangle();
    clip.widthProperty().bind(widthProperty());
    clip.heightProperty().bind(heightProperty());
    setClip(clip);
    setMinSize(120, 120);
    image.addListener(x -> requestLayout());
    viewport.zoomProperty().addListener(x -> requestLayout());
    viewport.centerXProperty().addListener(x -> requestLayout());
    viewport.centerYProperty().addListener(x -> requestLayout());

    addEventHandler(ScrollEvent.SCROLL, this::onScroll);
    addEventHandler(MouseEvent.MOUSE_MOVED, e -> onHover.accept(toPicture(e.getX(), e.getY()), e));
    addEventHandler(MouseEvent.MOUSE_EXITED, e -> onHover.accept(null, e));
    addEventHandler(
        MouseEvent.MOUSE_PRESSED,
        e -> {
          pressX = lastX = e.getX();
          pressY = lastY = e.getY();
          dragging = false;
        });
    addEventHandler(MouseEvent.MOUSE_DRAGGED, this::onDrag);
    addEventHandler(MouseEvent.MOUSE_RELEASED, e -> setCursor(Cursor.DEFAULT));
    addEventHandler(
        MouseEvent.MOUSE_CLICKED,
        e -> {
          if (e.getButton() != MouseButton.PRIMARY || dragging) {
            return;
          }
          if (e.getClickCount() == 2) {
            viewport.reset();
          } else {
            onClick.accept(toPicture(e.getX(), e.getY()), e);
          }
        });
  }

  public ObjectProperty<Image> imageProperty() {
    return image;
  }

  public Viewport viewport() {
    return viewport;
  }

  /** Called with the picture pixel under the mouse, or null when it leaves the picture. */
  public void setOnHover(BiConsumer<Point2D, MouseEvent> handler) {
    onHover = handler;
  }

  /** Called on a click that was not a drag, with the picture pixel (null outside the picture). */
  public void setOnPictureClicked(BiConsumer<Point2D, MouseEvent> handler) {
    onClick = handler;
  }

  /** Scale from picture pixels to pane pixels. */
  public double scale() {
    Image img = image.get();
    if (img == null || getWidth() <= 0 || getHeight() <= 0) {
      return 1;
    }
    double fit = Math.min(getWidth() / img.getWidth(), getHeight() / img.getHeight());
    return fit * viewport.zoomProperty().get();
  }

  /** Pane coordinates of picture pixel position ({@code x}, {@code y}). */
  public Point2D toPane(double x, double y) {
    Image img = image.get();
    if (img == null) {
      return new Point2D(x, y);
    }
    double s = scale();
    return new Point2D(view.getLayoutX() + x * s, view.getLayoutY() + y * s);
  }

  /** Picture pixel under a pane position, or null outside the picture. */
  public Point2D toPicture(double paneX, double paneY) {
    Image img = image.get();
    if (img == null) {
      return null;
    }
    double s = scale();
    double x = (paneX - view.getLayoutX()) / s;
    double y = (paneY - view.getLayoutY()) / s;
    if (x < 0 || y < 0 || x >= img.getWidth() || y >= img.getHeight()) {
      return null;
    }
    return new Point2D(x, y);
  }

  @Override
  protected void layoutChildren() {
    Image img = image.get();
    if (img == null) {
      return;
    }
    double s = scale();
    double w = img.getWidth() * s;
    double h = img.getHeight() * s;
    view.setFitWidth(w);
    view.setFitHeight(h);
    double x = getWidth() / 2 - viewport.centerXProperty().get() * w;
    double y = getHeight() / 2 - viewport.centerYProperty().get() * h;
    view.relocate(Math.round(x), Math.round(y));
  }

  @Override
  protected double computePrefWidth(double height) {
    return 640;
  }

  @Override
  protected double computePrefHeight(double width) {
    return 480;
  }

  private void onScroll(ScrollEvent e) {
    Image img = image.get();
    if (img == null || e.getDeltaY() == 0) {
      return;
    }
    double s = scale();
    double fx = (e.getX() - view.getLayoutX()) / (img.getWidth() * s);
    double fy = (e.getY() - view.getLayoutY()) / (img.getHeight() * s);
    viewport.zoomAt(
        e.getDeltaY() > 0 ? 1.25 : 0.8, Math.max(0, Math.min(1, fx)), Math.max(0, Math.min(1, fy)));
    e.consume();
  }

  private void onDrag(MouseEvent e) {
    Image img = image.get();
    if (img == null || e.getButton() != MouseButton.PRIMARY) {
      return;
    }
    if (!dragging && Math.hypot(e.getX() - pressX, e.getY() - pressY) < DRAG_THRESHOLD) {
      return;
    }
    dragging = true;
    setCursor(Cursor.MOVE);
    double s = scale();
    viewport.panBy(
        -(e.getX() - lastX) / (img.getWidth() * s), -(e.getY() - lastY) / (img.getHeight() * s));
    lastX = e.getX();
    lastY = e.getY();
  }
}
