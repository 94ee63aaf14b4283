package dev.sinkscope.app.gui;

import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Label;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;

/** The shortcut sheet shown over the window (F1 or ?); a click or Esc closes it. */
public final class HelpOverlay extends StackPane {

  public HelpOverlay() {
    setId("helpOverlay");
    getStyleClass().add("help-overlay");
    GridPane grid = new GridPane();
    grid.setHgap(18);
    grid.setVgap(6);
    int row = 0;
    for (Shortcuts.Shortcut s : Shortcuts.ALL) {
      Label keys = new Label(s.keys());
      keys.getStyleClass().add("help-keys");
      Label action = new Label(s.action());
      action.getStyleClass().add("help-action");
      grid.addRow(row++, keys, action);
    }
    Label title = new Label("Keyboard shortcuts");
    title.getStyleClass().add("help-title");
    Label hint =
        new Label(
            "Hover a patch for its norm, rank and sink ratio. The layer slider never re-runs the"
                + " model; mitigation switches re-run only the blocks they change.");
    hint.setWrapText(true);
    hint.setMaxWidth(560);
    hint.getStyleClass().add("help-hint");
    VBox card = new VBox(14, title, grid, hint);
    card.getStyleClass().add("help-card");
    card.setPadding(new Insets(22, 28, 22, 28));
    card.setMaxSize(VBox.USE_PREF_SIZE, VBox.USE_PREF_SIZE);
    setAlignment(Pos.CENTER);
    getChildren().add(card);
    setVisible(false);
    setOnMouseClicked(e -> setVisible(false));
  }

  public void toggle() {
    setVisible(!isVisible());
  }
}
