package dev.sinkscope.app.gui.canvas;

import dev.sinkscope.inference.result.TokenKind;
import dev.sinkscope.render.LegendRenderer;
import dev.sinkscope.render.Marker;
import java.util.List;
import java.util.Locale;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Label;
import javafx.scene.control.Tooltip;
import javafx.scene.image.ImageView;
import javafx.scene.image.WritableImage;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Region;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;

/**
 * The photo with its overlay, the colorbar, the marker key and the non-patch token strip. Binds
 * only.
 */
public final class CanvasView extends BorderPane {
  private final ViewerViewModel vm;
  private final ZoomPane zoomPane;
  private final ImageView legend = new ImageView();
  private final Label caption = new Label();
  private final Label note = new Label();
  private final Label placeholder =
      new Label(
          "Open an image (Ctrl+I), drop one here, paste one (Ctrl+V), or pick a bundled photo on the left.");
  private final FlowPane tokenStrip = new FlowPane(8, 6);
  private WritableImage picture;

  public CanvasView(ViewerViewModel vm, Viewport viewport) {
    this.vm = vm;
    getStyleClass().add("canvas-view");
    zoomPane = new ZoomPane(viewport);
    zoomPane.setId("canvas");
    legend.setId("legend");
    caption.setId("canvasCaption");
    caption.getStyleClass().add("canvas-caption");
    note.setId("canvasNote");
    note.getStyleClass().add("canvas-note");
    note.setMouseTransparent(true);
    note.setWrapText(true); // notices are a sentence or two; cut off they lose the "why"
    note.setMaxWidth(560);
    placeholder.getStyleClass().add("canvas-placeholder");
    placeholder.setWrapText(true);
    placeholder.setMaxWidth(420);
    tokenStrip.setId("tokenStrip");
    tokenStrip.getStyleClass().add("token-strip");

    StackPane stage = new StackPane(zoomPane, note, placeholder);
    StackPane.setAlignment(note, Pos.TOP_CENTER);
    StackPane.setMargin(note, new Insets(12));
    stage.getStyleClass().add("canvas-stage");
    setCenter(stage);

    ImageView key =
        new ImageView(
            FxImages.toImage(
                LegendRenderer.markerKey(
                    List.of(Marker.Kind.ARTIFACT, Marker.Kind.SINK),
                    ViewerViewModel.LEGEND_STYLE)));
    key.setId("markerKey");
    Tooltip.install(
        key,
        new Tooltip(
            "Red ring: high-norm artifact at this block (chosen rule).\n"
                + "Yellow double ring: one of the 8 strongest sink patches at this block (at least twice the uniform"
                + " share of attention, and above the whole-pass sink cut); numbers rank the top 3."));
    VBox side = new VBox(10, legend, key);
    side.getStyleClass().add("legend-column");
    side.setPadding(new Insets(8));
    setRight(side);
    HBox top = new HBox(caption);
    top.setPadding(new Insets(6, 10, 6, 10));
    top.getStyleClass().add("canvas-top");
    setTop(top);
    tokenStrip.setPadding(new Insets(6, 10, 8, 10));
    setBottom(tokenStrip);

    zoomPane.setOnHover(
        (p, e) ->
            vm.hoveredPatchProperty()
                .set(p == null ? null : vm.patchAt(p.getX(), p.getY()).orElse(null)));
    zoomPane.setOnPictureClicked(
        (p, e) -> {
          if (p != null) {
            vm.patchAt(p.getX(), p.getY()).ifPresent(vm::togglePatchSelection);
          }
        });
    vm.renderedProperty().addListener((obs, old, now) -> show(now));
    show(vm.renderedProperty().get());
  }

  public ZoomPane zoomPane() {
    return zoomPane;
  }

  private void show(RenderedView view) {
    placeholder.setVisible(view == null);
    if (view == null) {
      zoomPane.imageProperty().set(null);
      picture = null;
      legend.setImage(null);
      caption.setText("");
      note.setVisible(false);
      tokenStrip.getChildren().clear();
      return;
    }
    picture = FxImages.update(picture, view.picture());
    if (zoomPane.imageProperty().get() != picture) {
      zoomPane.imageProperty().set(picture);
    }
    legend.setImage(view.legend() == null ? null : FxImages.toImage(view.legend().raster()));
    caption.setText(view.caption());
    note.setText(view.note());
    note.setVisible(!view.note().isEmpty());
    showChips(view.chips());
  }

  private void showChips(List<TokenChip> chips) {
    tokenStrip.getChildren().setAll(chipNodes(chips));
  }

  /**
   * The "Tokens off the grid" title and one chip per CLS, register or test-time register; empty
   * without any.
   */
  public static List<javafx.scene.Node> chipNodes(List<TokenChip> chips) {
    List<javafx.scene.Node> out = new java.util.ArrayList<>();
    if (chips.isEmpty()) {
      return out;
    }
    Label title = new Label("Tokens off the grid:");
    title.getStyleClass().add("token-strip-title");
    out.add(title);
    for (TokenChip chip : chips) {
      Region swatch = new Region();
      swatch.getStyleClass().add("token-swatch");
      if (chip.kind() == TokenKind.REGISTER) {
        swatch.getStyleClass().add("register");
      } else if (chip.kind() == TokenKind.TEST_TIME_REGISTER) {
        swatch.getStyleClass().add("test-time-register");
      }
      swatch.setStyle(
          String.format(Locale.ROOT, "-fx-background-color: #%06x;", chip.argb() & 0xFFFFFF));
      Label label = new Label(chip.name() + "  " + Format.number(chip.value()), swatch);
      label.getStyleClass().add("token-chip");
      label.setTooltip(
          new Tooltip(
              chip.name()
                  + " ("
                  + chip.kind().name().toLowerCase(Locale.ROOT).replace('_', ' ')
                  + "): "
                  + Format.number(chip.value())
                  + ". Registers and test-time registers have no place on the photo;"
                  + " their colour uses the same scale (the top colour means beyond the range)."));
      out.add(label);
    }
    return out;
  }
}
