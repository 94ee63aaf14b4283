package dev.sinkscope.app.gui.distill;

import dev.sinkscope.inference.distill.Distiller;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;
import javafx.collections.ListChangeListener;
import javafx.geometry.Insets;
import javafx.scene.Scene;
import javafx.scene.chart.LineChart;
import javafx.scene.chart.NumberAxis;
import javafx.scene.chart.XYChart;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.Spinner;
import javafx.scene.control.TextField;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.VBox;
import javafx.stage.Stage;
import javafx.stage.Window;

/**
 * A thin window over {@link DistillViewModel}: settings, live loss chart, progress, ETA, Cancel.
 */
public final class DistillDialog {
  private DistillDialog() {}

  public static Stage show(
      Window owner,
      DistillViewModel vm,
      Supplier<Optional<Path>> browseImages,
      Supplier<Optional<Path>> browseOutput,
      Consumer<Distiller.Result> done) {
    Stage stage = new Stage();
    stage.initOwner(owner);
    stage.setTitle("Distill registers (PH-Reg student)");
    Label header =
        new Label(
            "Adds new register tokens and fine-tunes them with the position table, patch projection"
                + " and last block, so one pass gives the shift/flip-denoised features. This is a fine-tune: the weights"
                + " change. The student is written as a new model folder and opens as model B.");
    header.setWrapText(true);
    header.setMaxWidth(520);
    header.setMinHeight(javafx.scene.layout.Region.USE_PREF_SIZE); // wrapped in full, never elided
    TextField images = new TextField();
    images.setId("distillImages");
    images.textProperty().bindBidirectional(vm.imageFolderProperty());
    Button pickImages = new Button("Browse…");
    pickImages.setOnAction(
        e -> browseImages.get().ifPresent(p -> vm.imageFolderProperty().set(p.toString())));
    Button bundled = new Button("Bundled photos");
    bundled.setOnAction(e -> vm.imageFolderProperty().set(DistillViewModel.BUNDLED));
    Spinner<Integer> registers = spinner("distillRegisters", 1, 256, vm.registersProperty());
    Spinner<Integer> epochs = spinner("distillEpochs", 1, 1000, vm.epochsProperty());
    Spinner<Integer> resolution = spinner("distillResolution", 0, 1036, vm.resolutionProperty());
    ComboBox<String> device = new ComboBox<>();
    device.setId("distillDevice");
    device.getItems().addAll("auto", "cpu", "gpu");
    device.valueProperty().bindBidirectional(vm.deviceProperty());
    TextField output =
        new TextField(
            vm.outputProperty().get() == null ? "" : vm.outputProperty().get().toString());
    output.setId("distillOutput");
    output
        .textProperty()
        .addListener(
            (obs, old, now) -> vm.outputProperty().set(now.isBlank() ? null : Path.of(now.trim())));
    Button pickOutput = new Button("Browse…");
    pickOutput.setOnAction(e -> browseOutput.get().ifPresent(p -> output.setText(p.toString())));
    GridPane grid = new GridPane();
    grid.setHgap(8);
    grid.setVgap(6);
    grid.addRow(0, new Label("Image folder"), new HBox(6, images, pickImages, bundled));
    grid.addRow(1, new Label("New registers"), registers);
    grid.addRow(2, new Label("Epochs"), epochs);
    grid.addRow(3, new Label("Resolution (0: the model's)"), resolution);
    Label batch = new Label();
    batch.setId("distillBatch");
    batch.setWrapText(true);
    batch.setMaxWidth(420);
    batch.setMinHeight(javafx.scene.layout.Region.USE_PREF_SIZE);
    batch.textProperty().bind(vm.batchProperty());
    grid.addRow(4, new Label("Batch"), batch);
    grid.addRow(5, new Label("Device"), device);
    grid.addRow(6, new Label("Output folder"), new HBox(6, output, pickOutput));

    NumberAxis x = new NumberAxis();
    x.setLabel("step");
    x.setForceZeroInRange(false);
    NumberAxis y = new NumberAxis();
    y.setLabel("loss");
    y.setForceZeroInRange(false);
    LineChart<Number, Number> chart = new LineChart<>(x, y);
    chart.setId("distillChart");
    chart.setCreateSymbols(false);
    chart.setLegendVisible(false);
    chart.setAnimated(false);
    chart.setPrefHeight(220);
    XYChart.Series<Number, Number> series = new XYChart.Series<>();
    chart.getData().add(series);
    vm.losses()
        .addListener(
            (ListChangeListener<Double>)
                c -> {
                  if (vm.losses().isEmpty()) {
                    series.getData().clear();
                  }
                  while (c.next()) {
                    if (c.wasAdded()) {
                      for (int i = c.getFrom(); i < c.getTo(); i++) {
                        series.getData().add(new XYChart.Data<>(i + 1, vm.losses().get(i)));
                      }
                    }
                  }
                });

    ProgressBar bar = new ProgressBar();
    bar.setId("distillProgress");
    bar.setMaxWidth(Double.MAX_VALUE);
    bar.progressProperty().bind(vm.progressProperty());
    Label status = new Label();
    status.setId("distillStatus");
    status.setWrapText(true);
    status.setMaxWidth(560);
    status.setMinHeight(javafx.scene.layout.Region.USE_PREF_SIZE);
    status.textProperty().bind(vm.statusProperty());
    Label eta = new Label();
    eta.setId("distillEta");
    eta.textProperty().bind(vm.etaProperty());
    Label problem = new Label();
    problem.setId("distillProblem");
    problem.getStyleClass().add("mitigation-problem");
    problem.setWrapText(true);
    problem.textProperty().bind(vm.problemProperty());

    Button start = new Button("Distill");
    start.setId("distillStart");
    // Not the default button: Enter in a spinner commits its value and must not start a fine-tune.
    start.disableProperty().bind(vm.runningProperty());
    start.setOnAction(e -> vm.start(done));
    Button cancel = new Button("Cancel");
    cancel.setId("distillCancel");
    cancel.disableProperty().bind(vm.runningProperty().not());
    cancel.setOnAction(e -> vm.cancel());
    Button close = new Button("Close");
    close.setOnAction(
        e -> {
          vm.cancel();
          stage.close();
        });
    grid.disableProperty().bind(vm.runningProperty());
    VBox root =
        new VBox(
            10,
            header,
            grid,
            chart,
            bar,
            new HBox(12, status, eta),
            problem,
            new HBox(8, start, cancel, close));
    root.setPadding(new Insets(12));
    stage.setScene(new Scene(root));
    stage.setOnHidden(e -> vm.cancel());
    stage.show();
    return stage;
  }

  private static Spinner<Integer> spinner(
      String id, int min, int max, javafx.beans.property.IntegerProperty property) {
    Spinner<Integer> spinner = new Spinner<>(min, max, property.get());
    spinner.setId(id);
    spinner.setEditable(true);
    spinner.setPrefWidth(100);
    spinner.getValueFactory().valueProperty().addListener((obs, old, now) -> property.set(now));
    return spinner;
  }
}
