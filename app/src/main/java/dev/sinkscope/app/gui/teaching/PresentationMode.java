package dev.sinkscope.app.gui.teaching;

import javafx.beans.property.BooleanProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.scene.Node;
import javafx.scene.Parent;
import javafx.beans.value.ChangeListener;
import javafx.scene.image.Image;
import javafx.scene.image.ImageView;
import javafx.scene.input.KeyCombination;
import javafx.scene.layout.BorderPane;
import javafx.stage.Stage;
import javafx.stage.Window;

/**
 * Presentation mode (F11, View > Presentation): the side panels, menus, block bar and status bar step
 * aside so the canvas and its colorbar fill the screen, the window goes full screen, and text is set
 * larger (the {@value #STYLE_CLASS} style class) so it reads from the back of a room. Keys keep
 * working (they are handled on the scene); F11 or Esc leaves.
 */
public final class PresentationMode {
  public static final String STYLE_CLASS = "presentation";
  /** How much larger the colorbar is drawn. */
  static final double LEGEND_ZOOM = 2.0;

  private final BorderPane main;
  private final Parent root;
  private final Window owner;
  private final BooleanProperty on = new SimpleBooleanProperty(this, "on", false);
  private Node top;
  private Node left;
  private Node right;
  private Node bottom;
  private ImageView zoomed;
  private final ChangeListener<Image> legendZoom = (obs, old, image) -> zoom(image);

  public PresentationMode(BorderPane main, Parent root, Window owner) {
    this.main = main;
    this.root = root;
    this.owner = owner;
    on.addListener((obs, was, now) -> apply(now));
  }

  /** The colorbar drawn {@link #LEGEND_ZOOM} times larger (its raster is re-made on every redraw). */
  private void zoom(Image image) {
    if (zoomed != null) {
      zoomed.setPreserveRatio(true);
      zoomed.setFitHeight(image == null ? 0 : image.getHeight() * LEGEND_ZOOM);
    }
  }

  public BooleanProperty onProperty() {
    return on;
  }

  public void toggle() {
    on.set(!on.get());
  }

  private void apply(boolean presenting) {
    ImageView legend = root.lookup("#legend") instanceof ImageView v ? v : null;
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
      if (legend != null) {
        zoomed = legend;
        legend.imageProperty().addListener(legendZoom);
        zoom(legend.getImage());
      }
    } else {
      main.setTop(top);
      main.setLeft(left);
      main.setRight(right);
      main.setBottom(bottom);
      root.getStyleClass().remove(STYLE_CLASS);
      if (zoomed != null) {
        zoomed.imageProperty().removeListener(legendZoom);
        zoomed.setFitHeight(0);
        zoomed.setPreserveRatio(false);
        zoomed = null;
      }
    }
    if (owner instanceof Stage stage) {
      stage.setFullScreenExitHint("");
      stage.setFullScreenExitKeyCombination(KeyCombination.NO_MATCH);
      stage.setFullScreen(presenting);
    }
  }
}
