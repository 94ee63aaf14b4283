package dev.sinkscope.app.gui.hub;

import dev.sinkscope.app.gui.common.ErrorDialogs;
import javafx.beans.binding.Bindings;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import javafx.stage.Stage;
import javafx.stage.Window;

/**
 * The "Open from hub…" window: binds to {@link HubDialogModel} and forwards clicks. Closing it
 * cancels a running download (the partial file stays for the next try); it closes by itself once
 * the model has been handed over to the main window.
 */
public final class HubDialog {
  private final HubDialogModel model;
  private final Stage stage = new Stage();
  private final ErrorDialogs errors;

  public HubDialog(HubDialogModel model, Window owner, String stylesheet) {
    this.model = model;
    stage.initOwner(owner);
    stage.setTitle("Open from the Hugging Face hub");
    errors = new ErrorDialogs(stage);

    Label cache = new Label();
    cache.setId("hubCacheFolder");
    cache.setWrapText(true);
    cache
        .textProperty()
        .bind(
            Bindings.concat(
                "Cache: ",
                model.cacheFolderProperty(),
                "  (HF_HUB_CACHE, else HF_HOME/hub; shared with Python)"));

    TableView<HubDialogModel.Entry> table = new TableView<>(model.entries());
    table.setId("hubModels");
    TableColumn<HubDialogModel.Entry, String> title = new TableColumn<>("Model");
    title.setCellValueFactory(
        c -> new javafx.beans.property.SimpleStringProperty(c.getValue().model().title()));
    title.setPrefWidth(280);
    TableColumn<HubDialogModel.Entry, String> repo = new TableColumn<>("Repo");
    repo.setCellValueFactory(
        c -> new javafx.beans.property.SimpleStringProperty(c.getValue().model().repoId()));
    repo.setPrefWidth(290);
    TableColumn<HubDialogModel.Entry, String> size = new TableColumn<>("Download");
    size.setCellValueFactory(
        c -> new javafx.beans.property.SimpleStringProperty(c.getValue().sizeLabel()));
    size.setPrefWidth(130);
    table.getColumns().setAll(java.util.List.of(title, repo, size));
    // Long titles and repo ids wrap in their cell instead of ending in "…".
    title.setCellFactory(c -> wrappingCell());
    repo.setCellFactory(c -> wrappingCell());
    size.setCellFactory(c -> wrappingCell());
    table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
    table.setPrefHeight(360);
    table
        .getSelectionModel()
        .selectedItemProperty()
        .addListener(
            (obs, old, now) -> {
              if (now != null) {
                model.selectedProperty().set(now);
              }
            });
    table.setRowFactory(
        t -> {
          javafx.scene.control.TableRow<HubDialogModel.Entry> row =
              new javafx.scene.control.TableRow<>();
          row.setOnMouseClicked(
              e -> {
                if (e.getClickCount() == 2 && !row.isEmpty()) {
                  model.download();
                }
              });
          return row;
        });

    TextField id = new TextField();
    id.setId("hubRepoId");
    id.setPromptText("org/name, e.g. facebook/dinov2-small");
    id.textProperty().bindBidirectional(model.repoIdProperty());
    HBox.setHgrow(id, Priority.ALWAYS);
    TextField revision = new TextField();
    revision.setId("hubRevision");
    revision.setPromptText("main");
    revision.setPrefColumnCount(12);
    revision.setTooltip(new Tooltip("Branch, tag or commit (optional)."));
    revision.textProperty().bindBidirectional(model.revisionProperty());
    Button open = new Button("Download and open");
    open.setId("hubOpen");
    open.setDefaultButton(true);
    open.disableProperty().bind(model.runningProperty());
    open.setOnAction(e -> model.download());
    HBox idRow = new HBox(8, new Label("Repo id"), id, new Label("Revision"), revision, open);
    idRow.setAlignment(Pos.CENTER_LEFT);

    ProgressBar progress = new ProgressBar();
    progress.setId("hubProgress");
    progress.setPrefWidth(220);
    progress.progressProperty().bind(model.fractionProperty());
    Label progressText = new Label();
    progressText.setId("hubProgressText");
    progressText.textProperty().bind(model.progressTextProperty());
    Button cancel = new Button("Cancel");
    cancel.setId("hubCancel");
    cancel.setOnAction(e -> model.cancel());
    HBox running = new HBox(8, progress, progressText, cancel);
    running.setAlignment(Pos.CENTER_LEFT);
    running.visibleProperty().bind(model.runningProperty());
    running.managedProperty().bind(running.visibleProperty());

    Label message = new Label();
    message.setId("hubMessage");
    message.setWrapText(true);
    message.textProperty().bind(model.messageProperty());
    Button close = new Button("Close");
    close.setCancelButton(true);
    close.setOnAction(e -> stage.close());
    Region gap = new Region();
    HBox.setHgrow(gap, Priority.ALWAYS);
    HBox bottom = new HBox(8, gap, close);

    VBox root = new VBox(10, cache, table, idRow, running, message, bottom);
    root.setId("hubDialog");
    root.setPadding(new Insets(12));
    root.getStyleClass().add("sinkscope");
    Scene scene = new Scene(root, 760, 560);
    if (stylesheet != null) {
      scene.getStylesheets().add(stylesheet);
    }
    stage.setScene(scene);

    model
        .errorProperty()
        .addListener(
            (obs, old, now) -> {
              if (now != null) {
                errors.show(now);
              }
            });
    model
        .stateProperty()
        .addListener(
            (obs, old, now) -> {
              if (now == HubDialogModel.State.DONE) {
                stage.close();
              }
            });
    stage.setOnHidden(e -> model.cancel());
    stage.setOnShown(e -> dev.sinkscope.app.gui.common.WindowFit.keepOnScreen(stage));
  }

  private static javafx.scene.control.TableCell<HubDialogModel.Entry, String> wrappingCell() {
    javafx.scene.control.TableCell<HubDialogModel.Entry, String> cell =
        new javafx.scene.control.TableCell<>() {
          private final javafx.scene.text.Text text = new javafx.scene.text.Text();

          {
            text.wrappingWidthProperty().bind(widthProperty().subtract(12));
            text.getStyleClass().add("wrapping-cell-text");
            setPrefHeight(USE_COMPUTED_SIZE);
          }

          @Override
          protected void updateItem(String item, boolean empty) {
            super.updateItem(item, empty);
            text.setText(empty || item == null ? "" : item);
            setGraphic(empty || item == null ? null : text);
            setText(null);
          }
        };
    return cell;
  }

  /** Shows the window (or brings it to the front) and looks up what is cached. */
  public void show() {
    model.refresh();
    if (stage.isShowing()) {
      stage.toFront();
    } else {
      stage.show();
    }
  }

  public Stage stage() {
    return stage;
  }

  public HubDialogModel model() {
    return model;
  }

  /** The error dialog on screen, if any (for tests). */
  public ErrorDialogs errors() {
    return errors;
  }
}
