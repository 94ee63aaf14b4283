package dev.sinkscope.app.gui.teaching;

import javafx.beans.property.BooleanProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.value.ChangeListener;
import javafx.scene.Node;
import javafx.scene.Parent;
import javafx.scene.image.Image;
import javafx.scene.image.ImageView;
import javafx.scene.input.KeyCombination;
import javafx.scene.layout.BorderPane;
import javafx.stage.Stage;
import javafx.stage.Window;

/**
 * Presentation mode (F11, View > Presentation): the side panels, menus, block bar and status bar
 * step aside so the canvas and its colorbar fill the screen, the window goes full screen, and text
 * is set larger (the {@value #STYLE_CLASS} style class) so it reads from the back of a room. Keys
 * keep working (they are handled on the scene); F11 or Esc leaves.
 */
public final class PresentationMode {
  public static final String STYLE_CLASS = "presentation";

  /** How much larger the colorbar is drawn. */
  static final double LEGEND_ZOOM = 2.0;

  /** The colorbars of the view and of the comparison. */
  private static final java.util.List<String> LEGENDS =
      java.util.List.of("#legend", "#compareLegend", "#differenceLegend");

  private final BorderPane main;
  private final Parent root;
  private final Window owner;
  private final BooleanProperty on = new SimpleBooleanProperty(this, "on", false);
  private Node top;
  private Node left;
  private Node right;
  private Node bottom;

  /** The colorbars shown larger, with the listener that re-fits each when its raster is re-made. */
  private final java.util.Map<ImageView, ChangeListener<Image>> zoomed =
      new java.util.LinkedHashMap<>();

  public PresentationMode(BorderPane main, Parent root, Window owner) {
    this.main = main;
    this.root = root;
    this.owner = owner;
    on.addListener((obs, was, now) -> apply(now));
  }

  /**
   * A colorbar drawn up to {@link #LEGEND_ZOOM} times larger, as room allows (its raster is re-made
   * on redraws).
   */
  private void zoom(ImageView legend, Image image) {
    double room = root.getScene() == null ? Double.MAX_VALUE : root.getScene().getHeight() * 0.7;
    legend.setPreserveRatio(true);
    legend.setFitHeight(
        image == null
            ? 0
            : Math.min(image.getHeight() * LEGEND_ZOOM, Math.max(image.getHeight(), room)));
  }

  public BooleanProperty onProperty() {
    return on;
  }

  public void toggle() {
    on.set(!on.get());
  }

  private void apply(boolean presenting) {
    if (presenting) {
      top = main.getTop();
      left = main.getLeft();
      right = main.getRight();
      bottom = main.getBottom();
      main.setTop(null);
      main.setLeft(null);
      main.setRight(null);
      main.setBottom(null);
      root.getStyleClass().add(STYLE_CLASS);
      for (String id : LEGENDS) {
        if (root.lookup(id) instanceof ImageView legend) {
          ChangeListener<Image> refit = (obs, old, image) -> zoom(legend, image);
          legend.imageProperty().addListener(refit);
          zoomed.put(legend, refit);
          zoom(legend, legend.getImage());
        }
      }
    } else {
      main.setTop(top);
      main.setLeft(left);
      main.setRight(right);
      main.setBottom(bottom);
      root.getStyleClass().remove(STYLE_CLASS);
      zoomed.forEach(
          (legend, refit) -> {
            legend.imageProperty().removeListener(refit);
            legend.setFitHeight(0);
            legend.setPreserveRatio(false);
          });
      zoomed.clear();
    }
    if (owner instanceof Stage stage) {
      stage.setFullScreenExitHint("");
      stage.setFullScreenExitKeyCombination(KeyCombination.NO_MATCH);
      stage.setFullScreen(presenting);
    }
  }
}
