package dev.sinkscope.app.gui.layers;

import dev.sinkscope.app.gui.canvas.FxImages;
import dev.sinkscope.app.gui.canvas.HeadChoice;
import dev.sinkscope.app.gui.canvas.LayerMap;
import dev.sinkscope.app.gui.canvas.LayerMaps;
import dev.sinkscope.app.gui.canvas.Quantity;
import dev.sinkscope.app.gui.canvas.ViewerViewModel;
import dev.sinkscope.app.gui.session.AnalyzedPass;
import dev.sinkscope.render.Raster;
import dev.sinkscope.render.ScalarGrid;
import dev.sinkscope.render.Scale;
import dev.sinkscope.render.SmallMultiples;
import dev.sinkscope.render.Upsampling;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javafx.beans.Observable;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Label;
import javafx.scene.control.ScrollPane;
import javafx.scene.image.ImageView;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;

/**
 * All heads of the current block, or all blocks of the current quantity, as one grid of heatmaps
 * with one shared colour scale. Drawn only while visible.
 */
public final class SmallMultiplesView extends ScrollPane {
  /** Which set of panels. */
  public enum Kind {
    HEADS,
    BLOCKS
  }

  private final ViewerViewModel vm;
  private final Kind kind;
  private final ImageView image = new ImageView();
  private final Label note = new Label();
  private final BooleanProperty active = new SimpleBooleanProperty(this, "active", false);

  public SmallMultiplesView(ViewerViewModel vm, Kind kind) {
    this.vm = vm;
    this.kind = kind;
    setId(kind == Kind.HEADS ? "headsView" : "blocksView");
    getStyleClass().add("small-multiples");
    image.setId(kind == Kind.HEADS ? "headsImage" : "blocksImage");
    note.getStyleClass().add("canvas-note");
    note.setWrapText(true);
    VBox box = new VBox(8, note, image);
    box.setAlignment(Pos.TOP_CENTER);
    box.setPadding(new Insets(12));
    StackPane content = new StackPane(box);
    content.getStyleClass().add("canvas-stage");
    setContent(content);
    setFitToWidth(true);
    setFitToHeight(true);
    for (Observable o : List.of(vm.renderedProperty(), active, widthProperty())) {
      o.addListener(x -> redraw());
    }
  }

  /** The colour bar's title and notes wrap to this width, so its range is never cut off. */
  static final int LEGEND_WIDTH = 220;

  static final int MIN_PANEL = 80;
  static final int MAX_PANEL = 200;

  /** The view's padding both sides plus a vertical scroll bar. */
  static final int SCROLL_ALLOWANCE = 2 * 12 + 16;

  /** Margins and gaps of the panel grid around and between panels (font size 13: 8 px). */
  private static final int GAP = 8;

  /**
   * Columns and panel width for {@code count} panels in {@code width} pixels beside the colour bar:
   * a roughly 3:2 grid of panels of at most {@link #MAX_PANEL} px, and fewer columns (more rows)
   * rather than panels under {@link #MIN_PANEL} px or a picture wider than the view.
   */
  static int[] fit(double width, int count) {
    double room = width - 2 * GAP - GAP - LEGEND_WIDTH;
    int columns = Math.max(1, Math.min(count, (int) Math.ceil(Math.sqrt(count * 1.5))));
    while (columns > 1 && panelFor(room, columns) < MIN_PANEL) {
      columns--;
    }
    int panel = (int) Math.max(MIN_PANEL, Math.min(MAX_PANEL, panelFor(room, columns)));
    return new int[] {columns, panel};
  }

  private static double panelFor(double room, int columns) {
    return (room - (columns - 1) * GAP) / columns;
  }

  /** Set while the tab is selected, so hidden panels cost nothing. */
  public BooleanProperty activeProperty() {
    return active;
  }

  private void redraw() {
    if (!active.get()) {
      return;
    }
    Raster raster = render();
    image.setImage(raster == null ? null : FxImages.toImage(raster));
  }

  /** The panel grid for the current state, or null with {@link #note} saying why. */
  Raster render() {
    AnalyzedPass pass = vm.pass();
    note.setText("");
    if (pass == null) {
      note.setText("Nothing to show yet.");
      return null;
    }
    Quantity quantity = vm.quantityProperty().get();
    int block = vm.blockProperty().get();
    int selected = vm.selectedToken(pass);
    List<ScalarGrid> grids = new ArrayList<>();
    List<String> titles = new ArrayList<>();
    if (kind == Kind.HEADS) {
      if (!quantity.perHead()) {
        note.setText(
            quantity.label()
                + " does not depend on the head. Choose attention received, CLS attention"
                + " or a selected patch's attention to compare heads.");
        return null;
      }
      for (int h = 0; h < pass.heads(); h++) {
        LayerMap map = LayerMaps.map(pass, quantity, block, HeadChoice.single(h), selected);
        if (map == null || map.grid() == null) {
          note.setText(
              "Not available: "
                  + (quantity.needsSelection() ? "click a patch first." : "no attention maps."));
          return null;
        }
        grids.add(map.grid());
        titles.add("head " + h);
      }
    } else {
      if (!quantity.perBlock()) {
        note.setText(quantity.label() + " spans all blocks at once.");
        return null;
      }
      for (LayerMap map : LayerMaps.allBlocks(pass, quantity, vm.headProperty().get(), selected)) {
        if (map == null || map.grid() == null) {
          note.setText(
              quantity == Quantity.PCA_RGB
                  ? "PCA colours have no shared scale; scrub the slider instead."
                  : "Not available: "
                      + (quantity.needsSelection()
                          ? "click a patch first."
                          : "no attention maps."));
          return null;
        }
        grids.add(map.grid());
        titles.add("block " + map.block());
      }
    }
    Scale scale =
        vm.normalizationProperty().get().normalization().resolve(grids.toArray(ScalarGrid[]::new));
    int[] fit = fit(getWidth() - SCROLL_ALLOWANCE, grids.size());
    int columns = fit[0];
    int panel = fit[1];
    SmallMultiples.Layout layout =
        new SmallMultiples.Layout(
            panel,
            panel * pass.result().layout().gridRows() / pass.result().layout().gridCols(),
            columns,
            vm.smoothProperty().get() ? Upsampling.BILINEAR : Upsampling.NEAREST,
            ViewerViewModel.LEGEND_STYLE,
            LEGEND_WIDTH);
    String heading =
        quantity.label()
            + (kind == Kind.HEADS
                ? " · block " + block + ", every head"
                : " · every block"
                    + (quantity.perHead()
                        ? ", " + vm.headProperty().get().toString().toLowerCase(Locale.ROOT)
                        : ""));
    return SmallMultiples.ofGrids(
        heading, titles, grids, vm.colormap(), scale, quantity.label(), quantity.symbol(), layout);
  }
}
