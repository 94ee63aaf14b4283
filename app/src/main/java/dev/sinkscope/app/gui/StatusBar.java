package dev.sinkscope.app.gui;

import dev.sinkscope.app.gui.main.MainViewModel;
import dev.sinkscope.app.gui.session.ModelInfo;
import dev.sinkscope.app.gui.tasks.TaskStatus;
import javafx.beans.binding.Bindings;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;

/**
 * The status bar: model and device, timings, and whatever runs (the pass, an export, a discovery, a
 * download) with its progress and Cancel, all bound to the one task status; then the last message.
 */
final class StatusBar {
  private StatusBar() {}

  static HBox create(MainViewModel vm) {
    TaskStatus tasks = vm.tasks().status();
    Label model = new Label();
    model.setId("statusModel");
    model
        .textProperty()
        .bind(
            Bindings.createStringBinding(
                () -> {
                  ModelInfo m = vm.modelProperty().get();
                  return m == null
                      ? "No model"
                      : m.displayName()
                          + (m.synthetic() ? " (synthetic)" : "")
                          + " · "
                          + m.device();
                },
                vm.modelProperty()));
    ProgressBar progress = new ProgressBar();
    progress.setId("progress");
    progress.setPrefWidth(140);
    progress.progressProperty().bind(tasks.progressProperty());
    Label activity = new Label();
    activity.setId("activity");
    activity.textProperty().bind(tasks.messageProperty());
    Button cancel = new Button("Cancel");
    cancel.setId("cancelButton");
    cancel.setOnAction(e -> vm.cancel());
    cancel.setMinWidth(Region.USE_PREF_SIZE); // the message shortens, never the button
    progress.setMinWidth(60);
    HBox running = new HBox(8, progress, activity, cancel);
    running.setAlignment(Pos.CENTER_LEFT);
    cancel.disableProperty().bind(tasks.cancellableProperty().not());
    running.visibleProperty().bind(tasks.runningProperty());
    running.managedProperty().bind(running.visibleProperty());
    Label timings = new Label();
    timings.setId("timings");
    timings.textProperty().bind(vm.timingsProperty());
    Label message = new Label();
    message.setId("statusMessage");
    message.textProperty().bind(vm.statusProperty());
    message.setMinWidth(0);
    // Messages such as what a saved session leaves out must be read whole: they wrap, and the
    // tooltip
    // holds them too.
    message.setWrapText(true);
    Tooltip whole = new Tooltip();
    whole.setWrapText(true);
    whole.setMaxWidth(600);
    whole.textProperty().bind(vm.statusProperty());
    message
        .tooltipProperty()
        .bind(Bindings.when(vm.statusProperty().isEmpty()).then((Tooltip) null).otherwise(whole));
    HBox.setHgrow(message, Priority.ALWAYS);
    message.setMaxWidth(Double.MAX_VALUE);
    Region gap = new Region();
    HBox bar = new HBox(14, model, sep(), timings, sep(), running, message, gap);
    bar.setId("statusBar");
    bar.getStyleClass().add("status-bar");
    bar.setAlignment(Pos.CENTER_LEFT);
    bar.setPadding(new Insets(4, 10, 4, 10));
    return bar;
  }

  private static Label sep() {
    Label l = new Label("│");
    l.getStyleClass().add("status-separator");
    return l;
  }
}
