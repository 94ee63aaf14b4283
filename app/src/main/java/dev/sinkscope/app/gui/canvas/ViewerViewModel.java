package dev.sinkscope.app.gui.canvas;

import dev.sinkscope.app.gui.session.AnalyzedPass;
import dev.sinkscope.app.gui.session.ViewOutcome;
import dev.sinkscope.inference.analysis.LayerSinkAnalysis;
import dev.sinkscope.inference.analysis.LayerSummary;
import dev.sinkscope.inference.result.TokenLayout;
import dev.sinkscope.render.Colormap;
import dev.sinkscope.render.Colormaps;
import dev.sinkscope.render.LegendRenderer;
import dev.sinkscope.render.LegendStyle;
import dev.sinkscope.render.Marker;
import dev.sinkscope.render.OverlayCompositor;
import dev.sinkscope.render.OverlayLayer;
import dev.sinkscope.render.PatchPosition;
import dev.sinkscope.render.PreprocessGeometry;
import dev.sinkscope.render.Raster;
import dev.sinkscope.render.ScalarGrid;
import dev.sinkscope.render.Scale;
import dev.sinkscope.render.Upsampling;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javafx.beans.Observable;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.DoubleProperty;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyDoubleProperty;
import javafx.beans.property.ReadOnlyDoubleWrapper;
import javafx.beans.property.ReadOnlyIntegerProperty;
import javafx.beans.property.ReadOnlyIntegerWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleDoubleProperty;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * Presentation model of the canvas, the layer slider and the patch inspector: which quantity, block
 * and head are shown and how, and the picture that results. Everything is computed on the calling
 * (FX) thread from the host-side pass in {@link #outcomeProperty()}, so scrubbing never runs the
 * model. Uses JavaFX properties only, so it works without a running toolkit.
 *
 * <p>Long on purpose: the view settings and the picture they produce are one state; the maps
 * themselves come from {@code LayerMaps}.
 */
public final class ViewerViewModel {
  /** Colorbar text size and colours: light text on the dark canvas background. */
  public static final LegendStyle LEGEND_STYLE = new LegendStyle(0xFF1E1E1E, 0xFFE6E6E6, 13f);

  static final int LEGEND_BAR_LENGTH = 260;

  /**
   * The colour bar's title and notes wrap to this width, so a long quantity name does not take the
   * photo's room at small windows.
   */
  static final int LEGEND_MAX_WIDTH = 240;

  static final int PREVIEW_WIDTH = 220;
  public static final String DEFAULT_COLORMAP = "viridis";
  public static final double DEFAULT_OPACITY = 0.6;

  // ------------------------------------------------------------------ inputs
  private final ObjectProperty<ViewOutcome> outcome = new SimpleObjectProperty<>(this, "outcome");
  private final ObjectProperty<Quantity> quantity =
      new SimpleObjectProperty<>(this, "quantity", Quantity.PATCH_NORM);
  private final IntegerProperty block = new SimpleIntegerProperty(this, "block", 1);
  private final ObjectProperty<HeadChoice> head =
      new SimpleObjectProperty<>(this, "head", HeadChoice.MEAN);
  private final StringProperty colormap =
      new SimpleStringProperty(this, "colormap", DEFAULT_COLORMAP);
  private final DoubleProperty opacity = new SimpleDoubleProperty(this, "opacity", DEFAULT_OPACITY);
  private final ObjectProperty<NormalizationChoice> normalization =
      new SimpleObjectProperty<>(this, "normalization", NormalizationChoice.MIN_MAX);
  private final BooleanProperty scaleAcrossBlocks =
      new SimpleBooleanProperty(this, "scaleAcrossBlocks", false);
  private final BooleanProperty showArtifacts =
      new SimpleBooleanProperty(this, "showArtifacts", true);
  private final BooleanProperty showSinks = new SimpleBooleanProperty(this, "showSinks", true);
  private final BooleanProperty showGrid = new SimpleBooleanProperty(this, "showGrid", false);
  private final BooleanProperty smooth = new SimpleBooleanProperty(this, "smooth", false);
  private final ObjectProperty<PatchPosition> selectedPatch =
      new SimpleObjectProperty<>(this, "selectedPatch");
  private final ObjectProperty<PatchPosition> hoveredPatch =
      new SimpleObjectProperty<>(this, "hoveredPatch");

  // ------------------------------------------------------------------ outputs
  private final ReadOnlyObjectWrapper<RenderedView> rendered =
      new ReadOnlyObjectWrapper<>(this, "rendered");
  private final ReadOnlyObjectWrapper<PatchInfo> hoverInfo =
      new ReadOnlyObjectWrapper<>(this, "hoverInfo");
  private final ReadOnlyObjectWrapper<PatchInfo> selectionInfo =
      new ReadOnlyObjectWrapper<>(this, "selectionInfo");
  private final ReadOnlyObjectWrapper<Raster> attendsToPreview =
      new ReadOnlyObjectWrapper<>(this, "attendsTo");
  private final ReadOnlyObjectWrapper<Raster> attendedByPreview =
      new ReadOnlyObjectWrapper<>(this, "attendedBy");
  private final ReadOnlyIntegerWrapper blockCount =
      new ReadOnlyIntegerWrapper(this, "blockCount", 1);
  private final ReadOnlyObjectWrapper<LayerProfile> profile =
      new ReadOnlyObjectWrapper<>(this, "profile");
  private final ReadOnlyObjectWrapper<LayerSummary> blockSummary =
      new ReadOnlyObjectWrapper<>(this, "blockSummary");
  // true while the pass shown has only the first picture's part of its analysis
  private final javafx.beans.property.ReadOnlyBooleanWrapper analysisPending =
      new javafx.beans.property.ReadOnlyBooleanWrapper(this, "analysisPending");
  private final ReadOnlyDoubleWrapper renderMillis =
      new ReadOnlyDoubleWrapper(this, "renderMillis");
  private final ObservableList<HeadChoice> headChoices =
      FXCollections.observableArrayList(HeadChoice.MEAN, HeadChoice.MAX);

  private boolean applyingOutcome;
  private Raster previewPhoto;
  private AttentionRequester attentionRequester = (pass, token) -> {};
  // which (pass, token) rows were asked for already: passes by identity, cleared with each outcome
  private final java.util.Map<AnalyzedPass, Integer> requested = new java.util.IdentityHashMap<>();

  /**
   * Asks for the exact recompute of one token's attention rows and columns in a pass that kept
   * summaries only (ADR 0010); the answer lands in {@link AnalyzedPass#attention()}, then the owner
   * calls {@link #refresh()}.
   */
  @FunctionalInterface
  public interface AttentionRequester {
    void request(AnalyzedPass pass, int token);
  }

  /**
   * Who recomputes a selected patch's attention where the pass dropped its maps (the inference
   * service).
   */
  public void setAttentionRequester(AttentionRequester requester) {
    this.attentionRequester = requester == null ? (pass, token) -> {} : requester;
  }

  /**
   * Requests the selected patch's rows once per pass and patch when they are not on the host yet.
   */
  private void requestSelectedAttention(AnalyzedPass pass) {
    if (pass == null) {
      return;
    }
    int token = selectedToken(pass);
    if (token < 0
        || pass.attention().ready(token)
        || Integer.valueOf(token).equals(requested.get(pass))) {
      return;
    }
    requested.put(pass, token);
    attentionRequester.request(pass, token);
  }

  public ViewerViewModel() {
    outcome.addListener((obs, old, now) -> applyOutcome(old, now));
    for (Observable o :
        List.of(
            quantity,
            block,
            head,
            colormap,
            opacity,
            normalization,
            scaleAcrossBlocks,
            showArtifacts,
            showSinks,
            showGrid,
            smooth,
            selectedPatch)) {
      o.addListener(
          x -> {
            if (!applyingOutcome) {
              refresh();
            }
          });
    }
    hoveredPatch.addListener(x -> hoverInfo.set(infoAt(hoveredPatch.get())));
  }

  // ------------------------------------------------------------------ properties

  public ObjectProperty<ViewOutcome> outcomeProperty() {
    return outcome;
  }

  public ObjectProperty<Quantity> quantityProperty() {
    return quantity;
  }

  public IntegerProperty blockProperty() {
    return block;
  }

  public ObjectProperty<HeadChoice> headProperty() {
    return head;
  }

  public StringProperty colormapProperty() {
    return colormap;
  }

  public DoubleProperty opacityProperty() {
    return opacity;
  }

  public ObjectProperty<NormalizationChoice> normalizationProperty() {
    return normalization;
  }

  public BooleanProperty scaleAcrossBlocksProperty() {
    return scaleAcrossBlocks;
  }

  public BooleanProperty showArtifactsProperty() {
    return showArtifacts;
  }

  public BooleanProperty showSinksProperty() {
    return showSinks;
  }

  public BooleanProperty showGridProperty() {
    return showGrid;
  }

  public BooleanProperty smoothProperty() {
    return smooth;
  }

  public ObjectProperty<PatchPosition> selectedPatchProperty() {
    return selectedPatch;
  }

  public ObjectProperty<PatchPosition> hoveredPatchProperty() {
    return hoveredPatch;
  }

  public ReadOnlyObjectProperty<RenderedView> renderedProperty() {
    return rendered.getReadOnlyProperty();
  }

  public ReadOnlyObjectProperty<PatchInfo> hoverInfoProperty() {
    return hoverInfo.getReadOnlyProperty();
  }

  public ReadOnlyObjectProperty<PatchInfo> selectionInfoProperty() {
    return selectionInfo.getReadOnlyProperty();
  }

  public ReadOnlyObjectProperty<Raster> attendsToPreviewProperty() {
    return attendsToPreview.getReadOnlyProperty();
  }

  public ReadOnlyObjectProperty<Raster> attendedByPreviewProperty() {
    return attendedByPreview.getReadOnlyProperty();
  }

  public ReadOnlyIntegerProperty blockCountProperty() {
    return blockCount.getReadOnlyProperty();
  }

  public ReadOnlyObjectProperty<LayerProfile> profileProperty() {
    return profile.getReadOnlyProperty();
  }

  public ReadOnlyObjectProperty<LayerSummary> blockSummaryProperty() {
    return blockSummary.getReadOnlyProperty();
  }

  /**
   * True while the pass shown has only the part of its analysis its first picture needs (norms,
   * artifacts, emergence): sink metrics, massive activations, CLS capture and rollout read
   * "computing…" until {@link #analysisArrived()}.
   */
  public javafx.beans.property.ReadOnlyBooleanProperty analysisPendingProperty() {
    return analysisPending.getReadOnlyProperty();
  }

  /** The rest of the shown pass's analysis has arrived: fills in what said "computing…". */
  public void analysisArrived() {
    AnalyzedPass pass = pass();
    if (pass == null) {
      return;
    }
    profile.set(LayerProfile.of(pass.report()));
    refresh();
  }

  /** How long the last picture took to compose, for the status bar. */
  public ReadOnlyDoubleProperty renderMillisProperty() {
    return renderMillis.getReadOnlyProperty();
  }

  /** Mean, max, then every head of the current model. */
  public ObservableList<HeadChoice> headChoices() {
    return headChoices;
  }

  // ------------------------------------------------------------------ commands

  /** Next (+1) or previous (-1) block, clamped. */
  public void stepBlock(int delta) {
    block.set(Math.max(1, Math.min(blockCount.get(), block.get() + delta)));
  }

  /** Next block, wrapping to the first after the last (for playback). */
  public void advanceBlockWrapping() {
    block.set(block.get() >= blockCount.get() ? 1 : block.get() + 1);
  }

  /** Moves through mean, max, head 0, head 1, ... and wraps. */
  public void stepHead(int delta) {
    int i = headChoices.indexOf(head.get());
    int n = headChoices.size();
    head.set(headChoices.get(Math.floorMod((i < 0 ? 0 : i) + delta, n)));
  }

  /** Selects a patch (null clears); a second click on the selected patch clears it too. */
  public void togglePatchSelection(PatchPosition patch) {
    selectedPatch.set(patch == null || patch.equals(selectedPatch.get()) ? null : patch);
  }

  /** The patch under a point of the displayed photo (display pixels), if the model saw it. */
  public Optional<PatchPosition> patchAt(double x, double y) {
    AnalyzedPass pass = pass();
    if (pass == null) {
      return Optional.empty();
    }
    TokenLayout layout = pass.result().layout();
    return pass.geometry().patchAt(x, y, layout.gridRows(), layout.gridCols());
  }

  public Colormap colormap() {
    return Colormaps.byName(colormap.get());
  }

  /**
   * The quantity as the menu names it for the current model: a model without CLS shows its pooling
   * probe.
   */
  public String quantityName(Quantity quantity) {
    return LayerMaps.label(pass(), quantity);
  }

  /** The primary pass, or null before the first picture. */
  public AnalyzedPass pass() {
    ViewOutcome o = outcome.get();
    return o == null ? null : o.primary();
  }

  // ------------------------------------------------------------------ computation

  private void applyOutcome(ViewOutcome old, ViewOutcome now) {
    requested.clear();
    applyingOutcome = true;
    try {
      AnalyzedPass pass = now == null ? null : now.primary();
      AnalyzedPass before = old == null ? null : old.primary();
      if (pass != null) {
        int blocks = pass.blocks();
        boolean newModel =
            before == null
                || !before.model().location().equals(pass.model().location())
                || before.blocks() != blocks;
        blockCount.set(blocks);
        if (newModel) {
          block.set(blocks);
        } else {
          block.set(Math.max(1, Math.min(blocks, block.get())));
        }
        List<HeadChoice> choices = HeadChoice.all(pass.heads());
        if (!headChoices.equals(choices)) {
          headChoices.setAll(choices);
        }
        if (!headChoices.contains(head.get())) {
          head.set(HeadChoice.MEAN);
        }
        PatchPosition selected = selectedPatch.get();
        TokenLayout layout = pass.result().layout();
        if (selected != null
            && (newModel
                || selected.row() >= layout.gridRows()
                || selected.col() >= layout.gridCols())) {
          selectedPatch.set(null);
        }
        profile.set(LayerProfile.of(pass.report()));
        Raster photo = now.image().photo();
        int h =
            Math.max(1, (int) Math.round((double) photo.height() * PREVIEW_WIDTH / photo.width()));
        previewPhoto = photo.width() > PREVIEW_WIDTH ? photo.resized(PREVIEW_WIDTH, h) : photo;
      } else {
        profile.set(null);
        previewPhoto = null;
      }
    } finally {
      applyingOutcome = false;
    }
    refresh();
  }

  /** Recomposes the picture, legend, inspector and previews from the current state. */
  public void refresh() {
    long start = System.nanoTime();
    AnalyzedPass pass = pass();
    ViewOutcome shown = outcome.get();
    if (pass == null) {
      boolean nonFinite = shown != null && shown.nonFinite() != null && shown.image() != null;
      // The photo alone with the reason: a heatmap of NaN would look like "no sink".
      rendered.set(
          nonFinite
              ? new RenderedView(
                  shown.image().photo(),
                  null,
                  null,
                  null,
                  "No heatmap: the activations" + " are not finite",
                  shown.nonFinite(),
                  List.of())
              : null);
      analysisPending.set(false);
      blockSummary.set(null);
      selectionInfo.set(null);
      attendsToPreview.set(null);
      attendedByPreview.set(null);
      hoverInfo.set(null);
      return;
    }
    int b = Math.max(1, Math.min(pass.blocks(), block.get()));
    requestSelectedAttention(pass);
    requestSelectedAttention(shown.comparison()); // the comparison panels show the same patch
    analysisPending.set(!pass.analysisReady());
    blockSummary.set(pass.report().summaries().get(b - 1));
    rendered.set(
        render(
            pass,
            outcome.get().image().photo(),
            pass.geometry(),
            quantity.get(),
            b,
            head.get(),
            null,
            true,
            true));
    PatchInfo selected = infoAt(selectedPatch.get());
    selectionInfo.set(selected);
    if (selected != null && previewPhoto != null) {
      PreprocessGeometry small =
          pass.geometry().forDisplay(previewPhoto.width(), previewPhoto.height());
      attendsToPreview.set(
          render(pass, previewPhoto, small, Quantity.ATTENDS_TO, b, head.get(), null, false, false)
              .picture());
      attendedByPreview.set(
          render(pass, previewPhoto, small, Quantity.ATTENDED_BY, b, head.get(), null, false, false)
              .picture());
    } else {
      attendsToPreview.set(null);
      attendedByPreview.set(null);
    }
    hoverInfo.set(infoAt(hoveredPatch.get()));
    renderMillis.set((System.nanoTime() - start) / 1e6);
  }

  /**
   * Composes one pass: the photo, the quantity's overlay, markers and selection, plus its colorbar.
   *
   * @param sharedScale a scale to use instead of resolving one (for comparisons), or null
   * @param withLegend whether to draw the colorbar
   * @param withMarkers whether to draw the artifact and sink markers (when switched on)
   */
  public RenderedView render(
      AnalyzedPass pass,
      Raster photo,
      PreprocessGeometry geometry,
      Quantity what,
      int atBlock,
      HeadChoice heads,
      Scale sharedScale,
      boolean withLegend,
      boolean withMarkers) {
    int b = Math.max(1, Math.min(pass.blocks(), atBlock));
    int selectedToken = selectedToken(pass);
    LayerMap map = LayerMaps.map(pass, what, b, heads, selectedToken);
    List<OverlayLayer> layers = new ArrayList<>();
    TokenLayout layout = pass.result().layout();
    Colormap cmap = colormap();
    Scale scale = null;
    String note = "";
    Upsampling upsampling = smooth.get() ? Upsampling.BILINEAR : Upsampling.NEAREST;
    if (map == null) {
      note =
          selectedToken >= 0 && what.needsSelection()
              ? "Recomputing the selected patch's attention for this"
                  + " block (the pass kept summaries only)…"
              : unavailableNote(what, pass);
    } else if (pass.finalFeatures() != null) {
      note = denoisingNote(pass, LayerMaps.showsFinalFeatures(pass, what, b));
    }
    ViewOutcome shownOutcome = outcome.get();
    String crop =
        shownOutcome != null && shownOutcome.image() != null
            ? cropNote(
                geometry,
                shownOutcome.image().originalWidth(),
                shownOutcome.image().originalHeight())
            : cropNote(geometry);
    if (!crop.isEmpty()) {
      note = note.isEmpty() ? crop : note + "\n" + crop;
    }
    LegendRenderer.Legend pcaKey = null;
    if (map != null && map.isRgb()) {
      // each component over its 1st-99th percentile, said in the key
      var pca = LayerMaps.pca(pass, what, b);
      int[] artifacts = dev.sinkscope.app.report.PcaColours.artifacts(pass.report(), b);
      var stretch = dev.sinkscope.app.report.PcaColours.stretch(pca, artifacts);
      layers.add(new OverlayLayer.PcaRgb(stretch.grid(), upsampling, opacity.get()));
      if (withLegend) {
        pcaKey = dev.sinkscope.app.report.PcaColours.key(pca, stretch, artifacts, LEGEND_STYLE);
      }
    } else if (map != null) {
      scale = sharedScale != null ? sharedScale : scaleFor(pass, map);
      layers.add(new OverlayLayer.Heatmap(map.grid(), cmap, scale, upsampling, opacity.get()));
    }
    if (showGrid.get()) {
      layers.add(
          new OverlayLayer.GridLines(
              layout.gridRows(), layout.gridCols(), OverlayLayer.GridLines.DEFAULT_ARGB));
    }
    List<Marker> markers =
        !withMarkers
            ? List.of()
            : LayerMaps.markers(
                pass, what.perBlock() ? b : pass.blocks(), showArtifacts.get(), showSinks.get());
    if (!markers.isEmpty()) {
      layers.add(new OverlayLayer.Markers(layout.gridRows(), layout.gridCols(), markers));
    }
    PatchPosition selected = selectedPatch.get();
    if (selected != null
        && selected.row() < layout.gridRows()
        && selected.col() < layout.gridCols()) {
      layers.add(
          new OverlayLayer.SelectedPatch(
              layout.gridRows(),
              layout.gridCols(),
              selected.row(),
              selected.col(),
              OverlayLayer.SelectedPatch.DEFAULT_ARGB));
    }
    Raster picture = OverlayCompositor.compose(photo, geometry, layers);
    LegendRenderer.Legend legend = pcaKey;
    if (withLegend && scale != null) {
      legend =
          LegendRenderer.colorbar(
              cmap,
              scale,
              LayerMaps.label(pass, what),
              LayerMaps.symbol(pass, what),
              LegendRenderer.Orientation.VERTICAL,
              LEGEND_BAR_LENGTH,
              LEGEND_MAX_WIDTH,
              LEGEND_STYLE);
    }
    List<TokenChip> chips = new ArrayList<>();
    if (map != null && map.tokenValues() != null && scale != null) {
      for (int t : LayerMaps.nonPatchTokens(layout)) {
        double v = map.tokenValues()[t];
        chips.add(
            new TokenChip(
                LayerMaps.tokenName(layout, t),
                layout.kindOf(t),
                v,
                cmap.argb(scale.normalize(v))));
      }
    }
    return new RenderedView(
        picture, legend, scale, map, caption(what, b, heads, pass), note, chips);
  }

  /**
   * A viewer with this one's display settings and selected patch but no outcome, to render from off
   * the UI thread (the animation export) while the user goes on changing this one. UI thread.
   */
  public ViewerViewModel detachedCopy() {
    ViewerViewModel c = new ViewerViewModel();
    c.applyingOutcome = true; // no outcome: nothing to redraw while the settings are copied
    c.quantity.set(quantity.get());
    c.block.set(block.get());
    c.head.set(head.get());
    c.colormap.set(colormap.get());
    c.opacity.set(opacity.get());
    c.normalization.set(normalization.get());
    c.scaleAcrossBlocks.set(scaleAcrossBlocks.get());
    c.showArtifacts.set(showArtifacts.get());
    c.showSinks.set(showSinks.get());
    c.showGrid.set(showGrid.get());
    c.smooth.set(smooth.get());
    c.selectedPatch.set(selectedPatch.get());
    c.applyingOutcome = false;
    return c;
  }

  /** The colour scale for {@code map}: over this block, or over every block when asked to. */
  public Scale scaleFor(AnalyzedPass pass, LayerMap map) {
    if (scaleAcrossBlocks.get() && map.quantity().perBlock()) {
      List<ScalarGrid> grids = new ArrayList<>();
      for (LayerMap m :
          LayerMaps.allBlocks(pass, map.quantity(), map.head(), selectedToken(pass))) {
        if (m != null && m.grid() != null) {
          grids.add(m.grid());
        }
      }
      Scale s = normalization.get().normalization().resolve(grids.toArray(ScalarGrid[]::new));
      return s.withMethod(s.method() + ", all blocks");
    }
    return normalization.get().normalization().resolve(map.grid());
  }

  /** Sequence index of the selected patch in {@code pass}, or -1. */
  public int selectedToken(AnalyzedPass pass) {
    PatchPosition p = selectedPatch.get();
    TokenLayout layout = pass.result().layout();
    if (p == null || p.row() >= layout.gridRows() || p.col() >= layout.gridCols()) {
      return -1;
    }
    return layout.patchToken(p.row(), p.col());
  }

  private PatchInfo infoAt(PatchPosition p) {
    AnalyzedPass pass = pass();
    if (p == null || pass == null) {
      return null;
    }
    TokenLayout layout = pass.result().layout();
    if (p.row() >= layout.gridRows() || p.col() >= layout.gridCols()) {
      return null;
    }
    int b = Math.max(1, Math.min(pass.blocks(), block.get()));
    int token = layout.patchToken(p.row(), p.col());
    double norm = LayerMaps.norms(pass.report(), b).tokenNorms()[token];
    RenderedView view = rendered.get();
    double value = Double.NaN;
    if (view != null && view.map() != null && view.map().grid() != null) {
      value = view.map().grid().get(p.row(), p.col());
    }
    double wholePass =
        pass.report().sinks() == null ? Double.NaN : pass.report().sinks().ratio()[token];
    LayerSinkAnalysis sinks = LayerMaps.sinkLayer(pass.report(), b);
    double here =
        sinks == null ? Double.NaN : (double) layout.totalTokens() * sinks.received()[token];
    boolean artifact = false;
    for (var pos : LayerMaps.norms(pass.report(), b).artifacts().positions()) {
      artifact |= pos.row() == p.row() && pos.col() == p.col();
    }
    return new PatchInfo(
        p.row(),
        p.col(),
        token,
        norm,
        LayerMaps.normRank(pass, b, token),
        layout.patchCount(),
        value,
        quantity.get(),
        wholePass,
        here,
        artifact,
        LayerMaps.label(pass, quantity.get()));
  }

  /**
   * What a map means while shift/flip denoising is part of the request: the last block's patch norm
   * and PCA show the final features (averaged, or this side's single pass); everything else is the
   * single unshifted pass, attention included.
   */
  static String denoisingNote(AnalyzedPass pass, boolean showsFinalFeatures) {
    if (!showsFinalFeatures) {
      return "Shift/flip denoising changes only the final features (patch norm and PCA at the last block);"
          + " this map is the single unshifted pass.";
    }
    if (pass.finalFeatures().averaged()) {
      return "Final features averaged over "
          + pass.finalFeatures().views()
          + " shifted and mirrored views ("
          + pass.finalFeatures().views()
          + " forward passes); rings mark the single pass's artifacts.";
    }
    return "Final features of the single pass, for comparison with the shift/flip average.";
  }

  private static String caption(Quantity what, int b, HeadChoice heads, AnalyzedPass pass) {
    StringBuilder s = new StringBuilder(LayerMaps.label(pass, what));
    if (LayerMaps.showsFinalFeatures(pass, what, b)) {
      return s.append(" · ")
          .append(pass.finalFeatures().describe())
          .append(" · after block ")
          .append(pass.blocks())
          .toString();
    }
    if (what.perBlock()) {
      s.append(" · block ").append(b).append(" of ").append(pass.blocks());
    } else {
      s.append(" · all ").append(pass.blocks()).append(" blocks");
    }
    if (what.perHead()) {
      s.append(" · ").append(heads.toString().toLowerCase(java.util.Locale.ROOT));
    }
    return s.toString();
  }

  private static String unavailableNote(Quantity what, AnalyzedPass pass) {
    switch (what) {
      case ATTENDS_TO:
      case ATTENDED_BY:
        return "Click a patch to see its attention.";
      case CLS_ATTENTION:
        {
          var query = pass.result().clsLikeQuery();
          if (query.isProbe()) {
            return "This model has no CLS token; its pooling probe reads only the last block's output: see block "
                + query.probeBlock()
                + ".";
          }
          return query.exists()
              ? "No attention maps were captured."
              : "This model has no CLS token.";
        }
      case ATTENTION_RECEIVED:
        return pass.analysisReady() ? "No attention maps were captured." : "Computing sink scores…";
      case PCA_RGB:
        return pass.pcaByBlock().ready()
            ? "PCA is computed for the last block only on a model this large."
            : "Computing PCA colours…";
      case ROLLOUT:
        if (!pass.analysisReady()) {
          return "Computing rollout…";
        }
        return "Rollout needs a CLS token (or a pooling probe) and attention at every block.";
      default:
        return "No attention maps were captured.";
    }
  }

  /**
   * The analysis notes worth showing: those about rule A (its τ or missing preset) only while rule
   * A is the chosen rule.
   */
  public static java.util.List<String> notesFor(
      dev.sinkscope.inference.analysis.AnalysisReport report) {
    boolean ruleA =
        report.options().detection().rule()
            == dev.sinkscope.inference.analysis.DetectionRule.ABSOLUTE;
    return report.notes().stream().filter(n -> ruleA || !n.startsWith("rule A")).toList();
  }

  /**
   * Which pass and which tensor the inspector's block numbers describe, so they are not read as the
   * picture's when the picture shows something else (the shift/flip average of the final features).
   */
  public static String blockSource(AnalyzedPass pass, int block) {
    String tensor =
        "block "
            + block
            + " output of the "
            + (pass.mitigations().isEmpty() ? "" : "mitigated ")
            + "single pass";
    if (pass.denoised() && block == pass.blocks()) {
      return "Numbers: "
          + tensor
          + " — not the shift/flip average of "
          + pass.finalFeatures().views()
          + " views the picture shows.";
    }
    return "Numbers: " + tensor + ".";
  }

  /**
   * Says what share of the photo the model sees when its preprocessing crops most of it away (a
   * panorama under a centre crop); empty when it sees at least half of it, as for ordinary 3:2 and
   * square photos under a resize-then-crop.
   */
  public static String cropNote(dev.sinkscope.render.PreprocessGeometry g) {
    return g == null ? "" : cropNote(g, g.originalWidth(), g.originalHeight());
  }

  /**
   * As {@link #cropNote(dev.sinkscope.render.PreprocessGeometry)} naming the file's own size (the
   * window's photo may be a downscaled copy: a 4000 x 300 panorama is shown at 1280 x 96).
   */
  public static String cropNote(
      dev.sinkscope.render.PreprocessGeometry g, int fileWidth, int fileHeight) {
    if (g == null) {
      return "";
    }
    java.awt.Rectangle seen = g.visibleOriginalPixels();
    double share =
        (double) seen.width * seen.height / ((double) g.originalWidth() * g.originalHeight());
    if (share >= 0.5) {
      return "";
    }
    return String.format(
        java.util.Locale.ROOT,
        "The model sees only the centre %.0f %% of this %d x %d photo"
            + " (its preprocessing crops it); the rest is not analysed.",
        100 * share,
        fileWidth,
        fileHeight);
  }
}
