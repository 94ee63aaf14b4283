package dev.sinkscope.app.gui.canvas;

import dev.sinkscope.app.gui.session.AnalyzedPass;
import dev.sinkscope.app.report.StrongestSink;
import dev.sinkscope.inference.analysis.LayerSummary;
import dev.sinkscope.inference.result.TokenLayout;
import dev.sinkscope.render.Raster;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.geometry.Insets;
import javafx.scene.control.Label;
import javafx.scene.control.Tooltip;
import javafx.scene.image.ImageView;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.VBox;

/**
 * The right-hand panel: the patch under the mouse, the selected patch's attention, and this block's
 * numbers.
 */
public final class InspectorView extends VBox {
  /** What a metric reads while the rest of the analysis follows the first picture. */
  static final String COMPUTING = "computing…";

  private final ViewerViewModel vm;
  private final Label hover = new Label("Hover over the photo.");
  private final Label selection = new Label("Click a patch to select it.");
  private final GridPane metrics = new GridPane();
  private final Label notes = new Label();
  // The metric rows of the shown block, and the labels on screen (reused while the names stay).
  private final List<String[]> rows = new ArrayList<>();
  private final List<String> shownNames = new ArrayList<>();
  private final List<Label> valueLabels = new ArrayList<>();

  private final Label blockHeader = header("This block");
  private final Label blockSource = new Label();

  public InspectorView(ViewerViewModel vm) {
    super(10);
    blockSource.setId("blockSource");
    blockSource.setWrapText(true);
    blockSource.getStyleClass().add("analysis-notes");
    this.vm = vm;
    getStyleClass().add("inspector");
    setPadding(new Insets(10));
    hover.setId("hoverInfo");
    hover.setWrapText(true);
    selection.setId("selectionInfo");
    selection.setWrapText(true);
    metrics.setId("blockMetrics");
    metrics.setHgap(10);
    metrics.setVgap(3);
    notes.setId("analysisNotes");
    notes.setWrapText(true);
    notes.getStyleClass().add("analysis-notes");

    ImageView attendsTo = preview("attendsToPreview", vm.attendsToPreviewProperty());
    ImageView attendedBy = preview("attendedByPreview", vm.attendedByPreviewProperty());
    Label attendsToTitle = small("It attends to");
    Label attendedByTitle = small("It is attended by");
    attendsToTitle.visibleProperty().bind(attendsTo.imageProperty().isNotNull());
    attendedByTitle.visibleProperty().bind(attendedBy.imageProperty().isNotNull());
    Tooltip.install(
        attendsTo,
        new Tooltip("The selected patch's attention row at this block (heads as chosen)."));
    Tooltip.install(
        attendedBy, new Tooltip("Attention every token pays to the selected patch at this block."));

    getChildren()
        .addAll(
            header("Under the mouse"),
            hover,
            header("Selected patch"),
            selection,
            attendsToTitle,
            attendsTo,
            attendedByTitle,
            attendedBy,
            blockHeader,
            blockSource,
            metrics,
            notes);

    vm.hoverInfoProperty()
        .addListener(
            (obs, old, now) ->
                hover.setText(now == null ? "Hover over the photo." : now.summary()));
    vm.selectionInfoProperty()
        .addListener(
            (obs, old, now) ->
                selection.setText(now == null ? "Click a patch to select it." : now.summary()));
    vm.blockSummaryProperty().addListener((obs, old, now) -> showMetrics(now));
    // the rest of the analysis arrived (the row may read the same, e.g. a pass without attention)
    vm.analysisPendingProperty()
        .addListener((obs, old, now) -> showMetrics(vm.blockSummaryProperty().get()));
    // The same block numbers can come from another pass (denoising switched on reuses the forward).
    vm.renderedProperty()
        .addListener(
            (obs, old, now) -> {
              LayerSummary s = vm.blockSummaryProperty().get();
              AnalyzedPass pass = vm.pass();
              blockSource.setText(
                  s == null || pass == null ? "" : ViewerViewModel.blockSource(pass, s.block()));
            });
  }

  private void showMetrics(LayerSummary s) {
    rows.clear();
    notes.setText("");
    blockSource.setText("");
    AnalyzedPass pass = vm.pass();
    if (s == null || pass == null) {
      metrics.getChildren().clear();
      shownNames.clear();
      return;
    }
    TokenLayout layout = pass.result().layout();
    blockSource.setText(ViewerViewModel.blockSource(pass, s.block()));
    int row = 0;
    row = metric(row, "Patch norm median", Format.number(s.patchNormMedian()));
    row = metric(row, "Patch norm max", Format.number(s.patchNormMax()));
    row = metric(row, "Max / median", Format.number(s.maxOverMedian()));
    row =
        metric(
            row,
            "Artifacts (rule "
                + s.appliedRule().name().toLowerCase(Locale.ROOT).replace('_', ' ')
                + ")",
            s.artifactCount()
                + (Double.isNaN(s.artifactThreshold())
                    ? ""
                    : " above " + Format.number(s.artifactThreshold())));
    row = metric(row, "Verdict", s.verdict().name().toLowerCase(Locale.ROOT).replace('_', ' '));
    String capture = LayerMaps.captureMetricName(layout);
    if (!pass.analysisReady()) {
      // sink metrics and massive activations follow the first picture
      row = metric(row, "Sink mass on artifacts", COMPUTING);
      row = metric(row, capture + " on artifacts", COMPUTING);
      row = metric(row, capture + " on registers", COMPUTING);
      row = metric(row, "Top sink", COMPUTING);
      row = metric(row, "Attention row sum (mean)", COMPUTING);
      row = metric(row, "Massive activations", COMPUTING);
    } else {
      row = metric(row, "Sink mass on artifacts", Format.percent(s.sinkMassOnArtifacts()));
      row = metric(row, capture + " on artifacts", Format.percent(s.clsCaptureOnArtifacts()));
      row = metric(row, capture + " on registers", Format.percent(s.clsCaptureOnRegisters()));
      StrongestSink top = StrongestSink.at(pass.report(), s.block());
      if (top != null) {
        row = metric(row, "Top sink", top.describe(layout));
      }
      row =
          metric(
              row,
              "Attention row sum (mean)",
              Format.number(RowSums.mean(pass.report(), s.block())));
      row = metric(row, "Massive activations", Integer.toString(s.massiveActivationCount()));
    }
    var emergence = pass.report().emergence();
    metric(
        row,
        "Emergence block",
        emergence.found() ? Integer.toString(emergence.block()) : "none found");
    List<String> shownNotes = new ArrayList<>(ViewerViewModel.notesFor(pass.report()));
    if (!pass.analysisReady()) {
      shownNotes.add("Sink scores, massive activations, CLS maps and rollout: computing…");
    }
    notes.setText(String.join("\n", shownNotes));
    showRows();
  }

  /**
   * Updates the value labels in place when the metric names are the same as shown (scrubbing), so a
   * block change does not create and style some twenty labels on the FX thread.
   */
  private void showRows() {
    List<String> names = rows.stream().map(r -> r[0]).toList();
    if (!names.equals(shownNames)) {
      metrics.getChildren().clear();
      valueLabels.clear();
      for (int i = 0; i < rows.size(); i++) {
        Label n = new Label(rows.get(i)[0]);
        n.getStyleClass().add("metric-name");
        // In a narrow inspector the names wrap; the values keep room for a number and its unit.
        n.setWrapText(true);
        n.setMinWidth(90);
        dev.sinkscope.app.gui.common.MetricHelpMarks.attach(n); // "?" explaining the metric
        Label v = new Label();
        v.getStyleClass().add("metric-value");
        v.setWrapText(true);
        v.setMinWidth(96);
        metrics.addRow(i, n, v);
        valueLabels.add(v);
      }
      shownNames.clear();
      shownNames.addAll(names);
    }
    for (int i = 0; i < rows.size(); i++) {
      valueLabels.get(i).setText(rows.get(i)[1]);
    }
  }

  private int metric(int row, String name, String value) {
    rows.add(new String[] {name, value});
    return row + 1;
  }

  private static ImageView preview(String id, ReadOnlyObjectProperty<Raster> raster) {
    ImageView view = new ImageView();
    view.setId(id);
    view.setPreserveRatio(true);
    view.setFitWidth(ViewerViewModel.PREVIEW_WIDTH);
    raster.addListener(
        (obs, old, now) -> view.setImage(now == null ? null : FxImages.toImage(now)));
    return view;
  }

  private static Label header(String text) {
    Label l = new Label(text);
    l.getStyleClass().add("section-header");
    return l;
  }

  private static Label small(String text) {
    Label l = new Label(text);
    l.getStyleClass().add("preview-title");
    return l;
  }
}
