package dev.sinkscope.app.gui.common;

import javafx.scene.control.Alert;
import javafx.scene.control.Label;
import javafx.scene.control.TextArea;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import javafx.stage.Window;

/**
 * The one place failures reach the user: an owned dialog with a title, a plain message naming the
 * file and cause, and the technical details folded under "Show Details". One dialog at a time: a
 * new failure replaces the open one.
 */
public final class ErrorDialogs {
  private final Window owner;
  private Alert open;

  public ErrorDialogs(Window owner) {
    this.owner = owner;
  }

  public void show(UserError error) {
    if (open != null) {
      open.close();
    }
    Alert alert = new Alert(Alert.AlertType.ERROR);
    alert.initOwner(owner);
    alert.setTitle("Sinkscope");
    alert.setHeaderText(error.title());
    Label message = new Label(error.message());
    message.setId("errorMessage");
    message.setWrapText(true);
    message.setMaxWidth(560);
    alert.getDialogPane().setContent(message);
    alert.getDialogPane().setId("errorDialog");
    // Fixed width: long stack-trace lines must not stretch the dialog off the screen.
    WindowFit.dialog(alert, 620);
    if (!error.details().isBlank()) {
      TextArea details = new TextArea(error.details());
      details.setId("errorDetails");
      details.setEditable(false);
      details.setWrapText(false);
      details.setPrefRowCount(14);
      details.setPrefColumnCount(70);
      VBox box = new VBox(details);
      VBox.setVgrow(details, Priority.ALWAYS);
      alert.getDialogPane().setExpandableContent(box);
      alert.getDialogPane().setExpanded(false);
    }
    alert.setResizable(true);
    alert.setOnHidden(
        e -> {
          if (open == alert) {
            open = null;
          }
        });
    open = alert;
    alert.show();
  }

  /** The dialog on screen, if any (for tests). */
  public Alert current() {
    return open;
  }
}
