package dev.sinkscope.app.gui.layers;

import dev.sinkscope.app.gui.canvas.Format;
import dev.sinkscope.app.gui.canvas.HeadChoice;
import dev.sinkscope.app.gui.canvas.LayerProfile;
import dev.sinkscope.app.gui.canvas.ViewerViewModel;
import javafx.beans.binding.Bindings;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.Slider;
import javafx.scene.control.ToggleButton;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;

/** Block slider with its sparkline, play button and head choice. */
public final class LayerBarView extends HBox {

  public LayerBarView(ViewerViewModel vm, LayerPlayback playback) {
    super(12);
    getStyleClass().add("layer-bar");
    setAlignment(Pos.CENTER_LEFT);
    setPadding(new Insets(6, 12, 6, 12));

    ToggleButton play = new ToggleButton("▶");
    play.setId("playButton");
    play.selectedProperty().bindBidirectional(playback.playingProperty());
    play.textProperty().bind(Bindings.when(play.selectedProperty()).then("❚❚").otherwise("▶"));
    play.setTooltip(new Tooltip("Play through the blocks (Space)"));
    play.setMinWidth(40);

    Slider slider = new Slider(1, 1, 1);
    slider.setId("layerSlider");
    slider.setMajorTickUnit(1);
    slider.setMinorTickCount(0);
    slider.setSnapToTicks(true);
    slider.setShowTickMarks(true);
    slider.setBlockIncrement(1);
    slider.maxProperty().bind(vm.blockCountProperty());
    slider.valueProperty().bindBidirectional(vm.blockProperty());
    slider.setTooltip(new Tooltip("Block (← / →). Nothing is re-run: every block was captured."));

    SparklineView sparkline = new SparklineView();
    sparkline.setId("sparkline");
    sparkline.profileProperty().bind(vm.profileProperty());
    sparkline.currentProperty().bind(vm.blockProperty());
    Tooltip.install(
        sparkline,
        new Tooltip(
            "Orange: patch-norm max / median per block.\n"
                + "Cyan: share of attention taken by the strongest sink token.\n"
                + "Dashed red: the emergence block of high-norm artifacts."));
    VBox track = new VBox(0, sparkline, slider);
    HBox.setHgrow(track, Priority.ALWAYS);

    Label blockLabel = new Label();
    blockLabel.setId("blockLabel");
    blockLabel.getStyleClass().add("block-label");
    blockLabel.setMinWidth(110);
    blockLabel
        .textProperty()
        .bind(
            Bindings.createStringBinding(
                () -> "Block " + vm.blockProperty().get() + " of " + vm.blockCountProperty().get(),
                vm.blockProperty(),
                vm.blockCountProperty()));

    Label profileLabel = new Label();
    profileLabel.setId("blockProfile");
    profileLabel.getStyleClass().add("block-profile");
    profileLabel.setMinWidth(Region.USE_PREF_SIZE);
    dev.sinkscope.app.gui.common.MetricHelpMarks.attach(
        profileLabel,
        "sparklineMaxOverMedian",
        "sparklineTopSink",
        "emergenceBlock"); // "?" explaining the sparkline's lines
    profileLabel
        .textProperty()
        .bind(
            Bindings.createStringBinding(
                () -> {
                  LayerProfile p = vm.profileProperty().get();
                  int b = vm.blockProperty().get();
                  if (p == null || b < 1 || b > p.blocks()) {
                    return "";
                  }
                  return profileText(p, b, vm.analysisPendingProperty().get());
                },
                vm.profileProperty(),
                vm.blockProperty(),
                vm.analysisPendingProperty()));

    ComboBox<HeadChoice> heads = new ComboBox<>(vm.headChoices());
    heads.setId("headChoice");
    heads.valueProperty().bindBidirectional(vm.headProperty());
    heads
        .disableProperty()
        .bind(
            Bindings.createBooleanBinding(
                () -> !vm.quantityProperty().get().perHead(), vm.quantityProperty()));
    heads.setTooltip(
        new Tooltip(
            "Heads (↑ / ↓): mean, max, or one head. Norms, rollout and PCA do not depend on it."));

    getChildren().addAll(play, blockLabel, track, profileLabel, new Label("Heads"), heads);
  }

  /**
   * The values at block {@code b} with each curve's range over the blocks, so the sparkline's
   * height is never read as an absolute (e.g. "max/median 1.330 (1.300–1.330)").
   */
  static String profileText(LayerProfile p, int b) {
    return profileText(p, b, false);
  }

  /** As {@link #profileText(LayerProfile, int)}; the sink part says so while it is computed. */
  static String profileText(LayerProfile p, int b, boolean sinksPending) {
    String ratio =
        "max/median "
            + Format.number(p.maxOverMedian()[b - 1])
            + "  ("
            + range(p.maxOverMedian(), false)
            + ")";
    if (sinksPending) {
      return ratio + "\ntop sink computing…";
    }
    return ratio
        + "\ntop sink "
        + Format.percent(p.topSinkShare()[b - 1])
        + "  ("
        + range(p.topSinkShare(), true)
        + ")";
  }

  private static String range(double[] values, boolean percent) {
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    for (double v : values) {
      if (Double.isFinite(v)) {
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
    }
    if (lo > hi) {
      return "–";
    }
    return percent
        ? Format.percent(lo) + "–" + Format.percent(hi)
        : Format.number(lo) + "–" + Format.number(hi);
  }
}
