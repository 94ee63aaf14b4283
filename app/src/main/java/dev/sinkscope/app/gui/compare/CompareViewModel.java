package dev.sinkscope.app.gui.compare;

import dev.sinkscope.app.gui.canvas.LayerMap;
import dev.sinkscope.app.gui.canvas.LayerMaps;
import dev.sinkscope.app.gui.canvas.LayerProfile;
import dev.sinkscope.app.gui.canvas.RenderedView;
import dev.sinkscope.app.gui.canvas.RowSums;
import dev.sinkscope.app.gui.canvas.ViewerViewModel;
import dev.sinkscope.app.gui.session.AnalyzedPass;
import dev.sinkscope.app.gui.session.CompareTarget;
import dev.sinkscope.app.gui.session.ModelLocation;
import dev.sinkscope.app.gui.session.ViewOutcome;
import dev.sinkscope.inference.analysis.AnalysisReport;
import dev.sinkscope.inference.analysis.LayerSummary;
import dev.sinkscope.render.Comparison;
import dev.sinkscope.render.LegendRenderer;
import dev.sinkscope.render.OverlayCompositor;
import dev.sinkscope.render.Raster;
import dev.sinkscope.render.ScalarGrid;
import dev.sinkscope.render.Scale;
import dev.sinkscope.render.Upsampling;
import java.util.ArrayList;
import java.util.List;
import javafx.beans.Observable;
import javafx.beans.binding.Bindings;
import javafx.beans.binding.ObjectBinding;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.DoubleProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleDoubleProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * Two passes of the same photo side by side: the current model before and after its mitigations, or
 * model A against model B. Both panels use the viewer's quantity, block, head and colours, with one
 * colour scale resolved over both, so equal colours mean equal values. Also the difference map, the
 * wipe, the metrics table and the per-block curves.
 */
public final class CompareViewModel {

  /** How the two panels are shown. */
  public enum Display {
    SIDE_BY_SIDE("Side by side"),
    WIPE("Wipe"),
    DIFFERENCE("Difference (right − left)");

    private final String label;

    Display(String label) {
      this.label = label;
    }

    @Override
    public String toString() {
      return label;
    }
  }

  private final ViewerViewModel viewer;
  private final ObjectProperty<CompareTarget.Kind> mode =
      new SimpleObjectProperty<>(this, "mode", CompareTarget.Kind.NONE);
  private final ObjectProperty<ModelLocation> otherModel =
      new SimpleObjectProperty<>(this, "otherModel");
  private final ObjectProperty<Display> display =
      new SimpleObjectProperty<>(this, "display", Display.SIDE_BY_SIDE);
  private final DoubleProperty wipe = new SimpleDoubleProperty(this, "wipe", 0.5);
  private final BooleanProperty active = new SimpleBooleanProperty(this, "active", false);

  private final ReadOnlyObjectWrapper<RenderedView> left =
      new ReadOnlyObjectWrapper<>(this, "left");
  private final ReadOnlyObjectWrapper<RenderedView> right =
      new ReadOnlyObjectWrapper<>(this, "right");
  private final ReadOnlyObjectWrapper<Raster> wiped = new ReadOnlyObjectWrapper<>(this, "wiped");
  private final ReadOnlyObjectWrapper<Raster> difference =
      new ReadOnlyObjectWrapper<>(this, "difference");
  private final ReadOnlyObjectWrapper<LegendRenderer.Legend> sharedLegend =
      new ReadOnlyObjectWrapper<>(this, "sharedLegend");
  private final ReadOnlyObjectWrapper<LegendRenderer.Legend> differenceLegend =
      new ReadOnlyObjectWrapper<>(this, "differenceLegend");
  private final ReadOnlyObjectWrapper<Scale> sharedScale =
      new ReadOnlyObjectWrapper<>(this, "sharedScale");
  private final ReadOnlyStringWrapper note = new ReadOnlyStringWrapper(this, "note", "");
  private final ObservableList<MetricRow> metrics = FXCollections.observableArrayList();
  private final ReadOnlyObjectWrapper<LayerProfile> leftProfile =
      new ReadOnlyObjectWrapper<>(this, "leftProfile");
  private final ReadOnlyObjectWrapper<LayerProfile> rightProfile =
      new ReadOnlyObjectWrapper<>(this, "rightProfile");
  private final ObjectBinding<CompareTarget> target;

  public CompareViewModel(ViewerViewModel viewer) {
    this.viewer = viewer;
    target =
        Bindings.createObjectBinding(
            () -> {
              switch (mode.get()) {
                case BEFORE_AFTER:
                  return CompareTarget.BEFORE_AFTER;
                case OTHER_MODEL:
                  return otherModel.get() == null
                      ? CompareTarget.NONE
                      : CompareTarget.otherModel(otherModel.get());
                default:
                  return CompareTarget.NONE;
              }
            },
            mode,
            otherModel);
    for (Observable o : List.of(viewer.renderedProperty(), display, active)) {
      o.addListener(
          x -> {
            if (active.get()) {
              refresh();
            }
          });
    }
    wipe.addListener(x -> refreshWipe());
  }

  // ------------------------------------------------------------------ properties

  public ObjectProperty<CompareTarget.Kind> modeProperty() {
    return mode;
  }

  /** Model B for {@link CompareTarget.Kind#OTHER_MODEL}. */
  public ObjectProperty<ModelLocation> otherModelProperty() {
    return otherModel;
  }

  public ObjectProperty<Display> displayProperty() {
    return display;
  }

  /** Wipe position as a fraction of the width: left of it shows the left pass. */
  public DoubleProperty wipeProperty() {
    return wipe;
  }

  /** Set while the comparison is on screen; hidden comparisons are not redrawn on every scrub. */
  public BooleanProperty activeProperty() {
    return active;
  }

  /** What the next request should compare against. */
  public ObjectBinding<CompareTarget> targetBinding() {
    return target;
  }

  public ReadOnlyObjectProperty<RenderedView> leftProperty() {
    return left.getReadOnlyProperty();
  }

  public ReadOnlyObjectProperty<RenderedView> rightProperty() {
    return right.getReadOnlyProperty();
  }

  public ReadOnlyObjectProperty<Raster> wipedProperty() {
    return wiped.getReadOnlyProperty();
  }

  public ReadOnlyObjectProperty<Raster> differenceProperty() {
    return difference.getReadOnlyProperty();
  }

  public ReadOnlyObjectProperty<LegendRenderer.Legend> sharedLegendProperty() {
    return sharedLegend.getReadOnlyProperty();
  }

  public ReadOnlyObjectProperty<LegendRenderer.Legend> differenceLegendProperty() {
    return differenceLegend.getReadOnlyProperty();
  }

  public ReadOnlyObjectProperty<Scale> sharedScaleProperty() {
    return sharedScale.getReadOnlyProperty();
  }

  /** Why a comparison is not shown, or empty. */
  public ReadOnlyStringProperty noteProperty() {
    return note.getReadOnlyProperty();
  }

  public ObservableList<MetricRow> metrics() {
    return metrics;
  }

  public ReadOnlyObjectProperty<LayerProfile> leftProfileProperty() {
    return leftProfile.getReadOnlyProperty();
  }

  public ReadOnlyObjectProperty<LayerProfile> rightProfileProperty() {
    return rightProfile.getReadOnlyProperty();
  }

  /** The left pass: "before", or model A. */
  public AnalyzedPass leftPass() {
    ViewOutcome o = viewer.outcomeProperty().get();
    if (o == null || o.comparison() == null) {
      return null;
    }
    return o.request().compare().kind() == CompareTarget.Kind.BEFORE_AFTER
        ? o.comparison()
        : o.primary();
  }

  /** The right pass: "after", or model B. */
  public AnalyzedPass rightPass() {
    ViewOutcome o = viewer.outcomeProperty().get();
    if (o == null || o.comparison() == null) {
      return null;
    }
    return o.request().compare().kind() == CompareTarget.Kind.BEFORE_AFTER
        ? o.primary()
        : o.comparison();
  }

  // ------------------------------------------------------------------ computation

  /** Redraws both panels, the wipe, the difference, the table and the curves. */
  public void refresh() {
    AnalyzedPass a = leftPass();
    AnalyzedPass b = rightPass();
    ViewOutcome shown = viewer.outcomeProperty().get();
    if (shown != null && shown.nonFinite() != null) {
      clear(shown.nonFinite()); // not "waiting": nothing will come from a non-finite pass
      return;
    }
    if (a == null || b == null) {
      clear(
          mode.get() == CompareTarget.Kind.NONE
              ? "Choose what to compare."
              : mode.get() == CompareTarget.Kind.OTHER_MODEL && otherModel.get() == null
                  ? "Choose model B."
                  : "Waiting for the comparison to finish…");
      return;
    }
    Raster photo = viewer.outcomeProperty().get().image().photo();
    int block = viewer.blockProperty().get();
    var quantity = viewer.quantityProperty().get();
    var head = viewer.headProperty().get();
    LayerMap mapA = LayerMaps.map(a, quantity, block, head, viewer.selectedToken(a));
    LayerMap mapB = LayerMaps.map(b, quantity, block, head, viewer.selectedToken(b));
    Scale scale = null;
    if (mapA != null && mapB != null && mapA.grid() != null && mapB.grid() != null) {
      if (viewer.scaleAcrossBlocksProperty().get()) {
        Scale sa = viewer.scaleFor(a, mapA);
        Scale sb = viewer.scaleFor(b, mapB);
        scale =
            new Scale(
                Math.min(sa.lo(), sb.lo()),
                Math.max(sa.hi(), sb.hi()),
                sa.kind(),
                sa.method() + ", both passes");
      } else {
        scale =
            viewer.normalizationProperty().get().normalization().resolve(mapA.grid(), mapB.grid());
      }
    }
    RenderedView viewA =
        viewer.render(a, photo, a.geometry(), quantity, block, head, scale, false, true);
    RenderedView viewB =
        viewer.render(b, photo, b.geometry(), quantity, block, head, scale, false, true);
    left.set(
        new RenderedView(
            viewA.picture(),
            null,
            scale,
            viewA.map(),
            a.label() + " · " + viewA.caption(),
            viewA.note(),
            viewA.chips()));
    right.set(
        new RenderedView(
            viewB.picture(),
            null,
            scale,
            viewB.map(),
            b.label() + " · " + viewB.caption(),
            viewB.note(),
            viewB.chips()));
    sharedScale.set(scale);
    sharedLegend.set(
        scale == null
            ? null
            : LegendRenderer.colorbar(
                viewer.colormap(),
                scale,
                quantity.label(),
                quantity.symbol(),
                LegendRenderer.Orientation.VERTICAL,
                220,
                ViewerViewModel.LEGEND_STYLE));
    note.set(samePassNote(shown, b));
    refreshDifference(a, b, mapA, mapB, photo);
    refreshWipe();
    List<MetricRow> rows = metricRows(a.report(), b.report(), block);
    if (a.finalFeatures() != null || b.finalFeatures() != null) {
      rows.addAll(finalFeatureRows(a, b));
    }
    metrics.setAll(rows);
    leftProfile.set(LayerProfile.of(a.report()));
    rightProfile.set(LayerProfile.of(b.report()));
  }

  /**
   * Before/after with nothing switched on shows one pass twice: say so rather than show two equal
   * pictures.
   */
  static String samePassNote(ViewOutcome shown, AnalyzedPass after) {
    boolean beforeAfter =
        shown != null && shown.request().compare().kind() == CompareTarget.Kind.BEFORE_AFTER;
    return beforeAfter && after.mitigations().isEmpty() && !after.denoised()
        ? "No mitigation is on, so before and after are the same pass. Switch one on in the left panel."
        : "";
  }

  private void refreshDifference(
      AnalyzedPass a, AnalyzedPass b, LayerMap mapA, LayerMap mapB, Raster photo) {
    if (mapA == null || mapB == null || mapA.grid() == null || mapB.grid() == null) {
      difference.set(null);
      differenceLegend.set(null);
      return;
    }
    ScalarGrid ga = mapA.grid();
    ScalarGrid gb = mapB.grid();
    if (ga.rows() != gb.rows() || ga.cols() != gb.cols()) {
      difference.set(null);
      differenceLegend.set(null);
      note.set("The two passes have different patch grids; no difference map.");
      return;
    }
    Comparison.Difference d = Comparison.difference(ga, gb);
    Upsampling up = viewer.smoothProperty().get() ? Upsampling.BILINEAR : Upsampling.NEAREST;
    difference.set(
        OverlayCompositor.compose(
            photo,
            b.geometry(),
            List.of(d.asLayer(up, Math.max(0.75, viewer.opacityProperty().get())))));
    differenceLegend.set(
        LegendRenderer.colorbar(
            d.colormap(),
            d.scale(),
            "change in " + mapA.quantity().label(),
            "",
            LegendRenderer.Orientation.VERTICAL,
            220,
            ViewerViewModel.LEGEND_STYLE));
  }

  /**
   * Moves the wipe's divider to column {@code pictureX} of the wiped picture (what a drag on the
   * wipe does; it does not pan). Ignored while there is no wipe.
   */
  public void wipeAt(double pictureX) {
    Raster w = wiped.get();
    if (w == null || w.width() <= 0 || Double.isNaN(pictureX)) {
      return;
    }
    wipe.set(Math.max(0, Math.min(1, pictureX / w.width())));
  }

  /** The two sides' names for labels over the wipe: {left, right}, e.g. {"before", "after"}. */
  public String[] wipeLabels() {
    RenderedView a = left.get();
    RenderedView b = right.get();
    return new String[] {
      a == null ? "left" : shortName(a.caption()), b == null ? "right" : shortName(b.caption())
    };
  }

  private static String shortName(String caption) {
    int dot = caption.indexOf(" · ");
    return dot < 0 ? caption : caption.substring(0, dot);
  }

  private void refreshWipe() {
    RenderedView a = left.get();
    RenderedView b = right.get();
    if (a == null
        || b == null
        || a.picture().width() != b.picture().width()
        || a.picture().height() != b.picture().height()) {
      wiped.set(null);
      return;
    }
    int split = (int) Math.round(wipe.get() * a.picture().width());
    wiped.set(Comparison.wipe(a.picture(), b.picture(), split, 0xFFFFFFFF));
  }

  private void clear(String why) {
    left.set(null);
    right.set(null);
    wiped.set(null);
    difference.set(null);
    sharedLegend.set(null);
    differenceLegend.set(null);
    sharedScale.set(null);
    metrics.clear();
    leftProfile.set(null);
    rightProfile.set(null);
    note.set(why);
  }

  /** The table: per-block metrics at {@code block} and whole-pass ones, left against right. */
  public static List<MetricRow> metricRows(AnalysisReport a, AnalysisReport b, int block) {
    List<MetricRow> rows = new ArrayList<>();
    LayerSummary sa = summary(a, block);
    LayerSummary sb = summary(b, block);
    String at = " (block " + block + ")";
    rows.add(new MetricRow("Artifact patches" + at, sa.artifactCount(), sb.artifactCount(), false));
    rows.add(
        new MetricRow(
            "Max / median patch norm" + at, sa.maxOverMedian(), sb.maxOverMedian(), false));
    rows.add(new MetricRow("Emergence block", emergence(a), emergence(b), false));
    rows.add(
        new MetricRow(
            "Sink mass on artifacts" + at,
            sa.sinkMassOnArtifacts(),
            sb.sinkMassOnArtifacts(),
            true));
    String capture =
        a.layout().hasCls() == b.layout().hasCls()
            ? dev.sinkscope.app.gui.canvas.LayerMaps.captureMetricName(a.layout())
            : "CLS / pooling-probe capture";
    rows.add(
        new MetricRow(
            capture + " on artifacts" + at,
            sa.clsCaptureOnArtifacts(),
            sb.clsCaptureOnArtifacts(),
            true));
    rows.add(
        new MetricRow(
            capture + " on registers" + at,
            sa.clsCaptureOnRegisters(),
            sb.clsCaptureOnRegisters(),
            true));
    rows.add(
        new MetricRow("Top sink, × uniform" + at, sa.topSinkRatio(), sb.topSinkRatio(), false));
    rows.add(
        new MetricRow(
            "Attention row sum, mean" + at, RowSums.mean(a, block), RowSums.mean(b, block), false));
    rows.add(
        new MetricRow(
            "Sink mass on artifacts (all blocks)",
            wholePassSinkMass(a),
            wholePassSinkMass(b),
            true));
    return rows;
  }

  /**
   * Rows for the final features that shift/flip denoising averages: the norm contrast over all
   * patches and on the pass's own last-block artifacts against the rest (NaN for a pass without
   * them).
   */
  public static List<MetricRow> finalFeatureRows(AnalyzedPass a, AnalyzedPass b) {
    return List.of(
        new MetricRow(
            "Final features: max / median patch norm",
            finalMaxOverMedian(a),
            finalMaxOverMedian(b),
            false),
        new MetricRow(
            "Final features: norm on artifacts / elsewhere",
            finalArtifactContrast(a),
            finalArtifactContrast(b),
            false));
  }

  private static float[] finalPatchNorms(AnalyzedPass pass) {
    var layout = pass.result().layout();
    return java.util.Arrays.copyOfRange(
        pass.finalFeatures().tokenNorms(),
        layout.firstPatchIndex(),
        layout.firstPatchIndex() + layout.patchCount());
  }

  private static double finalMaxOverMedian(AnalyzedPass pass) {
    if (pass.finalFeatures() == null) {
      return Double.NaN;
    }
    float[] sorted = finalPatchNorms(pass);
    java.util.Arrays.sort(sorted);
    return sorted[sorted.length - 1] / Math.max(sorted[sorted.length / 2], 1e-12);
  }

  private static double finalArtifactContrast(AnalyzedPass pass) {
    if (pass.finalFeatures() == null) {
      return Double.NaN;
    }
    float[] norms = finalPatchNorms(pass);
    int cols = pass.result().layout().gridCols();
    boolean[] artifact = new boolean[norms.length];
    LayerMaps.norms(pass.report(), pass.blocks())
        .artifacts()
        .positions()
        .forEach(p -> artifact[p.row() * cols + p.col()] = true);
    double on = 0;
    double off = 0;
    int nOn = 0;
    for (int i = 0; i < norms.length; i++) {
      if (artifact[i]) {
        on += norms[i];
        nOn++;
      } else {
        off += norms[i];
      }
    }
    int nOff = norms.length - nOn;
    return nOn == 0 || nOff == 0 ? Double.NaN : (on / nOn) / Math.max(off / nOff, 1e-12);
  }

  private static LayerSummary summary(AnalysisReport report, int block) {
    int b = Math.max(1, Math.min(report.summaries().size(), block));
    return report.summaries().get(b - 1);
  }

  private static double emergence(AnalysisReport report) {
    return report.emergence().found() ? report.emergence().block() : Double.NaN;
  }

  private static double wholePassSinkMass(AnalysisReport report) {
    return report.sinks() == null ? Double.NaN : report.sinks().sinkMassOnArtifacts();
  }
}
