package dev.sinkscope.app.gui.canvas;

import dev.sinkscope.render.Colormaps;
import javafx.beans.binding.Bindings;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.Slider;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.HBox;

/**
 * The row of display controls above the canvas: quantity, colours, normalisation, markers, zoom.
 */
public final class ViewControlsView extends FlowPane {

  public ViewControlsView(ViewerViewModel vm, Viewport viewport) {
    super(12, 6);
    getStyleClass().add("view-controls");
    setAlignment(Pos.CENTER_LEFT);

    ComboBox<Quantity> quantity = new ComboBox<>();
    quantity.setId("quantityChoice");
    quantity.getItems().setAll(Quantity.values());
    quantity.valueProperty().bindBidirectional(vm.quantityProperty());
    // Names follow the open model (SigLIP has no CLS: "Pooling-probe attention"); a new converter
    // when a pass
    // arrives makes the combo redraw its names.
    quantity.setConverter(quantityNames(vm));
    vm.outcomeProperty().addListener((o, was, now) -> quantity.setConverter(quantityNames(vm)));
    Tooltip quantityTip = new Tooltip();
    quantityTip
        .textProperty()
        .bind(
            Bindings.createStringBinding(
                () -> vm.quantityProperty().get().explanation(), vm.quantityProperty()));
    quantity.setTooltip(quantityTip);

    ComboBox<String> colormap = new ComboBox<>();
    colormap.setId("colormapChoice");
    colormap.getItems().setAll(Colormaps.names());
    colormap.valueProperty().bindBidirectional(vm.colormapProperty());
    colormap.setTooltip(
        new Tooltip(
            "Colormap. viridis, magma, inferno, plasma and cividis are perceptually uniform."));

    Slider opacity = new Slider(0, 1, vm.opacityProperty().get());
    opacity.setId("opacitySlider");
    opacity.setPrefWidth(110);
    opacity.valueProperty().bindBidirectional(vm.opacityProperty());
    opacity.setTooltip(new Tooltip("Overlay opacity (0 shows the photo only)."));

    ComboBox<NormalizationChoice> normalization = new ComboBox<>();
    normalization.setId("normalizationChoice");
    normalization.getItems().setAll(NormalizationChoice.values());
    normalization.valueProperty().bindBidirectional(vm.normalizationProperty());
    normalization.setTooltip(
        new Tooltip(
            "How the colour range is chosen from the values shown. Percentiles keep a"
                + " few extreme tokens from flattening the rest; values beyond get the end colours."));

    // PCA colours are the three components as RGB: no colormap, no range, no shared scale applies.
    var pca = vm.quantityProperty().isEqualTo(Quantity.PCA_RGB);
    colormap.disableProperty().bind(pca);
    normalization.disableProperty().bind(pca);

    CheckBox acrossBlocks = new CheckBox("Same scale for all blocks");
    acrossBlocks.disableProperty().bind(pca);
    acrossBlocks.setId("scaleAcrossBlocks");
    acrossBlocks.selectedProperty().bindBidirectional(vm.scaleAcrossBlocksProperty());
    acrossBlocks.setTooltip(
        new Tooltip("One colour range over every block, so colours compare while scrubbing."));

    CheckBox artifacts = new CheckBox("Artifacts");
    artifacts.setId("showArtifacts");
    artifacts.selectedProperty().bindBidirectional(vm.showArtifactsProperty());
    artifacts.setTooltip(
        new Tooltip(
            "Red rings on high-norm artifact patches (detection rule in the Analysis box)."));
    CheckBox sinks = new CheckBox("Sinks");
    sinks.setId("showSinks");
    sinks.selectedProperty().bindBidirectional(vm.showSinksProperty());
    sinks.setTooltip(
        new Tooltip(
            "Yellow double rings on the strongest sink patches (at least twice the uniform share of attention)."));
    CheckBox grid = new CheckBox("Grid");
    grid.setId("showGrid");
    grid.selectedProperty().bindBidirectional(vm.showGridProperty());
    grid.setTooltip(new Tooltip("Patch boundaries."));
    CheckBox smooth = new CheckBox("Smooth");
    smooth.setId("smooth");
    smooth.selectedProperty().bindBidirectional(vm.smoothProperty());
    smooth.setTooltip(
        new Tooltip("Bilinear between patch centres. Off shows exactly one value per patch."));

    Button fit = new Button("Fit");
    fit.setId("fitButton");
    fit.setOnAction(e -> viewport.reset());
    fit.setTooltip(
        new Tooltip("Fit the photo to the view (0). Wheel zooms, drag pans, double click fits."));

    getChildren()
        .addAll(
            labelled("Show", quantity),
            labelled("Colours", colormap),
            labelled("Opacity", opacity),
            labelled("Range", normalization),
            acrossBlocks,
            artifacts,
            sinks,
            grid,
            smooth,
            fit);
  }

  private static HBox labelled(String text, javafx.scene.Node control) {
    Label label = new Label(text);
    label.setLabelFor(control);
    HBox box = new HBox(6, label, control);
    box.setAlignment(Pos.CENTER_LEFT);
    return box;
  }

  private static javafx.util.StringConverter<Quantity> quantityNames(ViewerViewModel vm) {
    return new javafx.util.StringConverter<>() {
      @Override
      public String toString(Quantity q) {
        return q == null ? "" : vm.quantityName(q);
      }

      @Override
      public Quantity fromString(String text) {
        return null;
      }
    };
  }
}
