package dev.sinkscope.app.gui.compare;

import dev.sinkscope.app.gui.canvas.CanvasView;
import dev.sinkscope.app.gui.canvas.FxImages;
import dev.sinkscope.app.gui.canvas.LayerProfile;
import dev.sinkscope.app.gui.canvas.RenderedView;
import dev.sinkscope.app.gui.canvas.Viewport;
import dev.sinkscope.app.gui.canvas.ZoomPane;
import dev.sinkscope.app.gui.session.CompareTarget;
import dev.sinkscope.render.LegendRenderer;
import dev.sinkscope.render.Raster;
import java.util.List;
import java.util.function.Function;
import javafx.beans.binding.Bindings;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.chart.LineChart;
import javafx.scene.chart.NumberAxis;
import javafx.scene.chart.XYChart;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.Slider;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.Tooltip;
import javafx.scene.image.ImageView;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;
import javafx.util.StringConverter;

/**
 * The comparison tab: two linked panels (or a wipe, or the difference), the metrics table and
 * per-block charts.
 */
public final class CompareView extends BorderPane {

  /** What the buttons ask the application to do. */
  public interface Actions {
    /** Let the user pick model B's folder. */
    void chooseModelB();

    /** Use the bundled phantom twin with registers as model B; null when not available. */
    Runnable phantomTwin();
  }

  private final CompareViewModel vm;
  private final Viewport viewport = new Viewport();
  private final ZoomPane leftPane = new ZoomPane(viewport);
  private final ZoomPane rightPane = new ZoomPane(viewport);
  private final ZoomPane singlePane = new ZoomPane(viewport);
  private final Label leftTitle = new Label();
  private final Label rightTitle = new Label();
  private final javafx.scene.layout.FlowPane leftChips = new javafx.scene.layout.FlowPane(8, 4);
  private final javafx.scene.layout.FlowPane rightChips = new javafx.scene.layout.FlowPane(8, 4);
  private final ImageView legend = new ImageView();
  private final ImageView differenceLegend = new ImageView();
  private final LineChart<Number, Number> ratioChart = chart("Patch-norm max / median");
  private final LineChart<Number, Number> sinkChart = chart("Top-sink share of attention");

  public CompareView(CompareViewModel vm, Actions actions) {
    this.vm = vm;
    getStyleClass().add("compare-view");
    leftPane.setId("compareLeft");
    rightPane.setId("compareRight");
    singlePane.setId("compareSingle");
    legend.setId("compareLegend");
    differenceLegend.setId("differenceLegend");
    leftTitle.setId("compareLeftTitle");
    rightTitle.setId("compareRightTitle");
    leftTitle.getStyleClass().add("canvas-caption");
    rightTitle.getStyleClass().add("canvas-caption");

    setTop(controls(actions));
    BorderPane panels = panels();
    panels.setMinHeight(300);
    javafx.scene.layout.Pane metrics = metrics();
    VBox column = new VBox(panels, metrics);
    VBox.setVgrow(panels, Priority.ALWAYS);
    // What cannot shrink scrolls: in a small window the pictures keep a usable size and the table
    // and
    // charts stay reachable below them instead of being pushed off the window.
    javafx.scene.control.ScrollPane scroll = new javafx.scene.control.ScrollPane(column);
    scroll.setId("compareScroll");
    scroll.setFitToWidth(true);
    scroll.setFitToHeight(true);
    scroll.setHbarPolicy(javafx.scene.control.ScrollPane.ScrollBarPolicy.NEVER);
    setCenter(scroll);

    vm.leftProperty().addListener(x -> showPanels());
    vm.rightProperty().addListener(x -> showPanels());
    vm.wipedProperty().addListener(x -> showPanels());
    vm.differenceProperty().addListener(x -> showPanels());
    vm.displayProperty().addListener(x -> showPanels());
    vm.sharedLegendProperty().addListener(x -> legend.setImage(image(vm.sharedLegendProperty())));
    vm.differenceLegendProperty()
        .addListener(x -> differenceLegend.setImage(image(vm.differenceLegendProperty())));
    vm.leftProfileProperty().addListener(x -> showCharts());
    vm.rightProfileProperty().addListener(x -> showCharts());
  }

  public Viewport viewport() {
    return viewport;
  }

  private javafx.scene.layout.FlowPane controls(Actions actions) {
    ComboBox<CompareTarget.Kind> mode = new ComboBox<>();
    mode.setId("compareMode");
    mode.getItems().setAll(CompareTarget.Kind.values());
    mode.setConverter(
        converter(
            k -> {
              switch (k) {
                case BEFORE_AFTER:
                  return "Before / after the mitigations";
                case OTHER_MODEL:
                  return "Model A / model B";
                default:
                  return "Off";
              }
            }));
    mode.valueProperty().bindBidirectional(vm.modeProperty());
    Button chooseB = new Button("Model B…");
    chooseB.setId("chooseModelB");
    chooseB.setOnAction(e -> actions.chooseModelB());
    chooseB.setTooltip(
        new Tooltip("Choose model B's folder; it runs without mitigations on the same photo."));
    Label modelB = new Label();
    modelB.setId("modelBLabel");
    modelB
        .textProperty()
        .bind(
            Bindings.createStringBinding(
                () ->
                    vm.otherModelProperty().get() == null
                        ? "no model B"
                        : "B: " + vm.otherModelProperty().get().displayName(),
                vm.otherModelProperty()));
    HBox modelRow = new HBox(8, chooseB, modelB);
    modelRow.setAlignment(Pos.CENTER_LEFT);
    Runnable twin = actions.phantomTwin();
    if (twin != null) {
      Button phantom = new Button("Phantom with registers");
      phantom.setId("phantomTwin");
      phantom.setOnAction(e -> twin.run());
      phantom.setTooltip(
          new Tooltip("Model B = the bundled phantom twin trained-style with 4 registers."));
      modelRow.getChildren().add(1, phantom);
    }
    modelRow.visibleProperty().bind(vm.modeProperty().isEqualTo(CompareTarget.Kind.OTHER_MODEL));
    modelRow.managedProperty().bind(modelRow.visibleProperty());

    ComboBox<CompareViewModel.Display> display = new ComboBox<>();
    display.setId("compareDisplay");
    display.getItems().setAll(CompareViewModel.Display.values());
    display.valueProperty().bindBidirectional(vm.displayProperty());
    Slider wipe = new Slider(0, 1, vm.wipeProperty().get());
    wipe.setId("wipeSlider");
    wipe.setPrefWidth(200);
    wipe.valueProperty().bindBidirectional(vm.wipeProperty());
    wipe.visibleProperty().bind(vm.displayProperty().isEqualTo(CompareViewModel.Display.WIPE));
    wipe.managedProperty().bind(wipe.visibleProperty());
    wipe.setTooltip(new Tooltip("Left of the line: the left pass; right of it: the right pass."));
    Label note = new Label();
    note.setId("compareNote");
    note.getStyleClass().add("compare-note");
    note.textProperty().bind(vm.noteProperty());

    javafx.scene.layout.FlowPane bar =
        new javafx.scene.layout.FlowPane(
            12, 6, new Label("Compare"), mode, modelRow, new Label("Show"), display, wipe, note);
    bar.setAlignment(Pos.CENTER_LEFT);
    bar.setPadding(new Insets(6, 10, 6, 10));
    bar.getStyleClass().add("view-controls");
    return bar;
  }

  private BorderPane panels() {
    leftChips.setId("compareLeftChips");
    rightChips.setId("compareRightChips");
    for (javafx.scene.layout.FlowPane chips : List.of(leftChips, rightChips)) {
      chips.getStyleClass().add("token-strip");
      chips.setMinHeight(javafx.scene.layout.Region.USE_PREF_SIZE);
    }
    // The off-grid tokens (CLS, registers, test-time registers) under each side: a register that
    // takes
    // most of the attention has no place on the photo and would be invisible otherwise.
    VBox leftBox = new VBox(4, leftTitle, leftPane, leftChips);
    VBox rightBox = new VBox(4, rightTitle, rightPane, rightChips);
    VBox.setVgrow(leftPane, Priority.ALWAYS);
    VBox.setVgrow(rightPane, Priority.ALWAYS);
    HBox.setHgrow(leftBox, Priority.ALWAYS);
    HBox.setHgrow(rightBox, Priority.ALWAYS);
    // Equal halves whatever the titles say.
    for (VBox box : List.of(leftBox, rightBox)) {
      box.setPrefWidth(0);
      box.setMinWidth(0);
      box.setMinHeight(0);
    }
    leftTitle.setMinWidth(0);
    rightTitle.setMinWidth(0);
    leftTitle.setWrapText(
        true); // half a small window is narrower than "after · Patch norm · block 8 of 8"
    rightTitle.setWrapText(true);
    leftTitle.setMinHeight(javafx.scene.layout.Region.USE_PREF_SIZE);
    rightTitle.setMinHeight(javafx.scene.layout.Region.USE_PREF_SIZE);
    HBox sideBySide = new HBox(8, leftBox, rightBox);
    sideBySide.setId("sideBySide");
    sideBySide
        .visibleProperty()
        .bind(vm.displayProperty().isEqualTo(CompareViewModel.Display.SIDE_BY_SIDE));
    singlePane.visibleProperty().bind(sideBySide.visibleProperty().not());
    // The wipe: labels name each side, and dragging on it moves the divider (it does not pan).
    Label wipeLeft = new Label();
    Label wipeRight = new Label();
    wipeLeft.setId("wipeLeftLabel");
    wipeRight.setId("wipeRightLabel");
    for (Label l : List.of(wipeLeft, wipeRight)) {
      l.getStyleClass().add("wipe-label");
      l.setStyle(
          "-fx-background-color: rgba(0,0,0,0.65); -fx-text-fill: white; -fx-padding: 2 6 2 6;");
      l.visibleProperty()
          .bind(
              vm.displayProperty()
                  .isEqualTo(CompareViewModel.Display.WIPE)
                  .and(vm.wipedProperty().isNotNull()));
      l.setMouseTransparent(true);
    }
    StackPane.setAlignment(wipeLeft, javafx.geometry.Pos.TOP_LEFT);
    StackPane.setAlignment(wipeRight, javafx.geometry.Pos.TOP_RIGHT);
    StackPane.setMargin(wipeLeft, new Insets(6));
    StackPane.setMargin(wipeRight, new Insets(6));
    Runnable labelWipe =
        () -> {
          String[] names = vm.wipeLabels();
          wipeLeft.setText("◀ " + names[0]);
          wipeRight.setText(names[1] + " ▶");
        };
    vm.wipedProperty().addListener(x -> labelWipe.run());
    labelWipe.run();
    javafx.event.EventHandler<javafx.scene.input.MouseEvent> moveDivider =
        e -> {
          if (vm.displayProperty().get() == CompareViewModel.Display.WIPE
              && e.getButton() == javafx.scene.input.MouseButton.PRIMARY) {
            javafx.geometry.Point2D at = singlePane.toPicture(e.getX(), e.getY());
            if (at != null) {
              vm.wipeAt(at.getX());
            }
            e.consume(); // no panning while the divider moves
          }
        };
    singlePane.addEventFilter(javafx.scene.input.MouseEvent.MOUSE_PRESSED, moveDivider);
    singlePane.addEventFilter(javafx.scene.input.MouseEvent.MOUSE_DRAGGED, moveDivider);
    StackPane stack = new StackPane(sideBySide, singlePane, wipeLeft, wipeRight);
    stack.getStyleClass().add("canvas-stage");
    stack.setPadding(new Insets(6));
    BorderPane center = new BorderPane(stack);
    VBox legends = new VBox(10, legend, differenceLegend);
    legends.setPadding(new Insets(8));
    legends.getStyleClass().add("legend-column");
    differenceLegend
        .visibleProperty()
        .bind(vm.displayProperty().isEqualTo(CompareViewModel.Display.DIFFERENCE));
    legend.visibleProperty().bind(differenceLegend.visibleProperty().not());
    differenceLegend.managedProperty().bind(differenceLegend.visibleProperty());
    legend.managedProperty().bind(legend.visibleProperty());
    center.setRight(legends);
    return center;
  }

  /**
   * The table and the two charts: side by side when there is room, else the charts below the table.
   */
  private javafx.scene.layout.Pane metrics() {
    TableView<MetricRow> table = new TableView<>(vm.metrics());
    table.setId("metricsTable");
    table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
    table
        .getColumns()
        .add(column("Metric", MetricRow::metric, 290)); // room for the longest name and its "?"
    table.getColumns().add(column("Left", MetricRow::beforeText, 80));
    table.getColumns().add(column("Right", MetricRow::afterText, 80));
    table.getColumns().add(column("Δ (right − left)", MetricRow::deltaText, 120));
    dev.sinkscope.app.gui.common.MetricHelpMarks.markNames(
        table.getColumns().get(0)); // "?" per metric
    table.setPrefHeight(240);
    table.setMinHeight(240);
    table.setPrefWidth(580);
    table.setMinWidth(360);
    table.setPlaceholder(new Label("No comparison yet."));
    // Small preferred widths: beside the charts the table keeps its own (no "95.…" cells); the
    // charts grow into what is left.
    ratioChart.setPrefWidth(240);
    sinkChart.setPrefWidth(240);
    HBox.setHgrow(ratioChart, Priority.ALWAYS);
    HBox.setHgrow(sinkChart, Priority.ALWAYS);
    HBox.setHgrow(table, Priority.SOMETIMES);
    ratioChart.setId("ratioChart");
    sinkChart.setId("sinkChart");
    HBox charts = new HBox(8);
    charts.setMinWidth(0);
    VBox box = new VBox(6);
    box.setPadding(new Insets(6, 10, 6, 10));
    HBox wide = new HBox(8);
    Runnable arrange =
        () -> {
          boolean roomy = box.getWidth() <= 0 || box.getWidth() >= 1000;
          wide.getChildren().clear();
          charts.getChildren().clear();
          if (roomy) {
            wide.getChildren().addAll(table, ratioChart, sinkChart);
            box.getChildren().setAll(wide);
          } else {
            charts.getChildren().addAll(ratioChart, sinkChart);
            box.getChildren().setAll(table, charts);
          }
        };
    box.widthProperty()
        .addListener(
            (obs, old, now) -> {
              if ((old.doubleValue() >= 1000) != (now.doubleValue() >= 1000)
                  || old.doubleValue() <= 0) {
                arrange.run();
              }
            });
    arrange.run();
    return box;
  }

  private void showPanels() {
    RenderedView a = vm.leftProperty().get();
    RenderedView b = vm.rightProperty().get();
    leftPane.imageProperty().set(a == null ? null : FxImages.toImage(a.picture()));
    rightPane.imageProperty().set(b == null ? null : FxImages.toImage(b.picture()));
    leftTitle.setText(a == null ? "" : a.caption());
    rightTitle.setText(b == null ? "" : b.caption());
    leftChips.getChildren().setAll(a == null ? List.of() : CanvasView.chipNodes(a.chips()));
    rightChips.getChildren().setAll(b == null ? List.of() : CanvasView.chipNodes(b.chips()));
    Raster single =
        vm.displayProperty().get() == CompareViewModel.Display.WIPE
            ? vm.wipedProperty().get()
            : vm.displayProperty().get() == CompareViewModel.Display.DIFFERENCE
                ? vm.differenceProperty().get()
                : null;
    singlePane.imageProperty().set(single == null ? null : FxImages.toImage(single));
  }

  private void showCharts() {
    fill(
        ratioChart,
        vm.leftProfileProperty().get(),
        vm.rightProfileProperty().get(),
        LayerProfile::maxOverMedian);
    fill(
        sinkChart,
        vm.leftProfileProperty().get(),
        vm.rightProfileProperty().get(),
        LayerProfile::topSinkShare);
  }

  private void fill(
      LineChart<Number, Number> chart,
      LayerProfile left,
      LayerProfile right,
      Function<LayerProfile, double[]> curve) {
    chart.getData().clear();
    // No empty chart with a made-up block axis before there is anything to compare.
    chart.setVisible(left != null && right != null);
    if (left == null || right == null) {
      return;
    }
    RenderedView a = vm.leftProperty().get();
    RenderedView b = vm.rightProperty().get();
    chart.getData().add(series(a == null ? "left" : shortTitle(a.caption()), curve.apply(left)));
    chart.getData().add(series(b == null ? "right" : shortTitle(b.caption()), curve.apply(right)));
    NumberAxis x = (NumberAxis) chart.getXAxis();
    x.setLowerBound(1);
    x.setUpperBound(Math.max(2, Math.max(left.blocks(), right.blocks())));
  }

  private static String shortTitle(String caption) {
    int dot = caption.indexOf(" · ");
    return dot < 0 ? caption : caption.substring(0, dot);
  }

  private static XYChart.Series<Number, Number> series(String name, double[] values) {
    XYChart.Series<Number, Number> s = new XYChart.Series<>();
    s.setName(name);
    for (int i = 0; i < values.length; i++) {
      if (Double.isFinite(values[i])) {
        s.getData().add(new XYChart.Data<>(i + 1, values[i]));
      }
    }
    return s;
  }

  private static LineChart<Number, Number> chart(String title) {
    NumberAxis x = new NumberAxis();
    x.setLabel("block");
    x.setTickUnit(1);
    x.setMinorTickVisible(false);
    x.setForceZeroInRange(false);
    x.setAutoRanging(false);
    NumberAxis y = new NumberAxis();
    y.setForceZeroInRange(true);
    LineChart<Number, Number> chart = new LineChart<>(x, y);
    chart.setTitle(title);
    chart.setAnimated(false);
    chart.setCreateSymbols(true);
    chart.setPrefHeight(240);
    chart.setMinHeight(220);
    chart.setMinWidth(180);
    chart.getStyleClass().add("compare-chart");
    chart.setVisible(false);
    return chart;
  }

  private static Raster raster(LegendRenderer.Legend legend) {
    return legend == null ? null : legend.raster();
  }

  private static javafx.scene.image.Image image(
      ReadOnlyObjectProperty<LegendRenderer.Legend> legend) {
    Raster r = raster(legend.get());
    return r == null ? null : FxImages.toImage(r);
  }

  private static <T> TableColumn<MetricRow, String> column(
      String title, Function<MetricRow, String> value, double width) {
    TableColumn<MetricRow, String> c = new TableColumn<>(title);
    c.setCellValueFactory(
        cell -> new ReadOnlyStringWrapper(value.apply(cell.getValue())).getReadOnlyProperty());
    c.setPrefWidth(width);
    c.setSortable(false);
    return c;
  }

  private static <T> StringConverter<T> converter(Function<T, String> name) {
    return new StringConverter<>() {
      @Override
      public String toString(T value) {
        return value == null ? "" : name.apply(value);
      }

      @Override
      public T fromString(String text) {
        throw new UnsupportedOperationException("choices are not typed in");
      }
    };
  }
}
