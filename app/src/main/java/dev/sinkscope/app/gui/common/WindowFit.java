package dev.sinkscope.app.gui.common;

import java.util.List;
import javafx.geometry.Rectangle2D;
import javafx.scene.control.Dialog;
import javafx.scene.control.DialogPane;
import javafx.stage.Screen;
import javafx.stage.Window;

/**
 * Keeps dialogs and secondary windows readable and on the screen they open on: a dialog gets a
 * fixed preferred width so its header and texts wrap instead of stretching it, and every window is
 * shrunk to the screen's visual bounds and moved inside them whenever it is shown or resized.
 */
public final class WindowFit {
  /** The width dialogs wrap their text at. */
  public static final double DIALOG_WIDTH = 600;

  private WindowFit() {}

  /**
   * Wraps the dialog's texts at {@code width} (or the screen, when narrower) and keeps it on
   * screen.
   */
  public static void dialog(Dialog<?> dialog, double width) {
    DialogPane pane = dialog.getDialogPane();
    pane.setPrefWidth(width);
    pane.setMaxWidth(width);
    pane.setMinWidth(javafx.scene.layout.Region.USE_PREF_SIZE);
    dialog.setResizable(true);
    dialog
        .showingProperty()
        .addListener(
            (obs, was, now) -> {
              if (now && pane.getScene() != null) {
                keepOnScreen(pane.getScene().getWindow());
              }
            });
  }

  /** The same at {@link #DIALOG_WIDTH}. */
  public static void dialog(Dialog<?> dialog) {
    dialog(dialog, DIALOG_WIDTH);
  }

  /**
   * Keeps a window inside the screen it is on, now and after every move or resize that leaves it.
   */
  public static void keepOnScreen(Window window) {
    if (window.getProperties().putIfAbsent(WindowFit.class, Boolean.TRUE) == null) {
      window.widthProperty().addListener(x -> clamp(window));
      window.heightProperty().addListener(x -> clamp(window));
      window.xProperty().addListener(x -> clamp(window));
      window.yProperty().addListener(x -> clamp(window));
    }
    clamp(window);
  }

  /**
   * The visual bounds of the screen showing most of the window (its owner's screen, else the
   * primary).
   */
  public static Rectangle2D screenOf(Window window) {
    Window probe = window;
    if (Double.isNaN(window.getX()) || window.getWidth() <= 0) {
      if (window instanceof javafx.stage.Stage stage && stage.getOwner() != null) {
        probe = stage.getOwner();
      }
    }
    double w = Math.max(1, probe.getWidth());
    double h = Math.max(1, probe.getHeight());
    double x = Double.isNaN(probe.getX()) ? 0 : probe.getX();
    double y = Double.isNaN(probe.getY()) ? 0 : probe.getY();
    List<Screen> screens = Screen.getScreensForRectangle(x, y, w, h);
    Screen best = Screen.getPrimary();
    double bestArea = -1;
    for (Screen s : screens) {
      Rectangle2D b = s.getVisualBounds();
      double iw = Math.min(b.getMaxX(), x + w) - Math.max(b.getMinX(), x);
      double ih = Math.min(b.getMaxY(), y + h) - Math.max(b.getMinY(), y);
      double area = Math.max(0, iw) * Math.max(0, ih);
      if (area > bestArea) {
        bestArea = area;
        best = s;
      }
    }
    return best.getVisualBounds();
  }

  private static void clamp(Window window) {
    if (!window.isShowing()
        || Double.isNaN(window.getX())
        || Boolean.TRUE.equals(window.getProperties().get(CLAMPING))) {
      return;
    }
    window.getProperties().put(CLAMPING, Boolean.TRUE);
    try {
      Rectangle2D screen = screenOf(window);
      if (window.getWidth() > screen.getWidth()) {
        window.setWidth(screen.getWidth());
      }
      if (window.getHeight() > screen.getHeight()) {
        window.setHeight(screen.getHeight());
      }
      double x =
          Math.max(screen.getMinX(), Math.min(window.getX(), screen.getMaxX() - window.getWidth()));
      double y =
          Math.max(
              screen.getMinY(), Math.min(window.getY(), screen.getMaxY() - window.getHeight()));
      if (x != window.getX()) {
        window.setX(x);
      }
      if (y != window.getY()) {
        window.setY(y);
      }
    } finally {
      window.getProperties().remove(CLAMPING);
    }
  }

  private static final Object CLAMPING = new Object();
}
