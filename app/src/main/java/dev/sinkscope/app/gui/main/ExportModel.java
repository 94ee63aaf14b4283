package dev.sinkscope.app.gui.main;

import dev.sinkscope.app.gui.canvas.LayerMaps;
import dev.sinkscope.app.gui.canvas.Quantity;
import dev.sinkscope.app.gui.canvas.RenderedView;
import dev.sinkscope.app.gui.canvas.ViewerViewModel;
import dev.sinkscope.app.gui.common.UserError;
import dev.sinkscope.app.gui.compare.CompareViewModel;
import dev.sinkscope.app.gui.export.Exporter;
import dev.sinkscope.app.gui.session.AnalyzedPass;
import dev.sinkscope.app.gui.session.ViewOutcome;
import dev.sinkscope.app.gui.tasks.BackgroundTask;
import dev.sinkscope.app.gui.tasks.TaskExecutor;
import dev.sinkscope.inference.engine.CancellationToken;
import dev.sinkscope.inference.report.ViewSettings;
import dev.sinkscope.render.Comparison;
import dev.sinkscope.render.ExportMetadata;
import dev.sinkscope.render.LegendStyle;
import dev.sinkscope.render.Marker;
import dev.sinkscope.render.OverlayLayer;
import dev.sinkscope.render.Raster;
import dev.sinkscope.render.Upsampling;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * File > Export: the view, the comparison and the metrics of what is on screen, with file names
 * that say what they hold. Reads the picture's state on the UI thread and writes the file as a
 * background task.
 */
public final class ExportModel {
  private final MainViewModel main;
  private final TaskExecutor tasks;

  ExportModel(MainViewModel main, TaskExecutor tasks) {
    this.main = main;
    this.tasks = tasks;
  }

  private ViewerViewModel viewer() {
    return main.viewer();
  }

  private CompareViewModel compare() {
    return main.compare();
  }

  /** A file name for exports of {@code kind}, e.g. "sink-phantom_coffee_block8_patch-norm.png". */
  public String suggestedFileName(String kind, String extension) {
    ViewOutcome o = main.outcomeProperty().get();
    String modelName = o == null ? "sinkscope" : o.model().displayName();
    String image =
        o == null || o.image() == null ? "" : "_" + stripExtension(o.image().displayName());
    String what =
        kind
            + (kind.equals("view") || kind.equals("comparison")
                ? "_block"
                    + viewer().blockProperty().get()
                    + "_"
                    + viewer()
                        .quantityProperty()
                        .get()
                        .name()
                        .toLowerCase(Locale.ROOT)
                        .replace('_', '-')
                : "");
    return (modelName + image + "_" + what + "." + extension).replaceAll("[^A-Za-z0-9._-]", "_");
  }

  /** The canvas as shown (picture, colorbar, caption) with its provenance. */
  public void view(Path file) {
    RenderedView view = viewer().renderedProperty().get();
    AnalyzedPass pass = viewer().pass();
    if (view == null || pass == null) {
      main.reportError(UserError.simple("Nothing to export", "Open a model and an image first."));
      return;
    }
    Map<String, String> metadata =
        Exporter.metadata(
            pass,
            main.outcomeProperty().get().image().displayName(),
            blockText(pass),
            headText(),
            viewer().quantityProperty().get().label(),
            view.scale() == null
                ? "PCA components, min-max per channel"
                : ExportMetadata.describe(viewer().colormap(), view.scale()));
    Quantity shown = viewer().quantityProperty().get();
    if ((shown == Quantity.PCA_RGB && !pass.pcaByBlock().ready()) || !pass.analysisReady()) {
      // The rest of the analysis and the PCA colours come after the first picture: compute (or
      // wait for) them off the UI thread and draw the view again from a copy of the settings, as it
      // will look once they are.
      ViewerViewModel settings = viewer().detachedCopy();
      Raster photo = main.outcomeProperty().get().image().photo();
      int block = Math.max(1, Math.min(pass.blocks(), viewer().blockProperty().get()));
      write(
          file,
          () -> {
            pass.analysis().complete();
            if (shown == Quantity.PCA_RGB) {
              pass.pcaByBlock().compute(CancellationToken.NONE);
            }
            RenderedView complete =
                settings.render(
                    pass,
                    photo,
                    pass.geometry(),
                    shown,
                    block,
                    settings.headProperty().get(),
                    null,
                    true,
                    true);
            Exporter.writeView(complete, metadata, LegendStyle.LIGHT.withFontSize(13), file);
          });
      return;
    }
    write(file, () -> Exporter.writeView(view, metadata, LegendStyle.LIGHT.withFontSize(13), file));
  }

  /** Before, after and difference with the shared and the difference colorbars, as one PNG. */
  public void comparison(Path file) {
    compare().refresh();
    AnalyzedPass left = compare().leftPass();
    AnalyzedPass right = compare().rightPass();
    RenderedView l = compare().leftProperty().get();
    RenderedView r = compare().rightProperty().get();
    if (left == null
        || right == null
        || l == null
        || r == null
        || l.map() == null
        || r.map() == null
        || l.map().grid() == null
        || r.map().grid() == null) {
      main.reportError(
          UserError.simple(
              "Nothing to compare",
              "Switch the comparison on (C) and choose a quantity with a"
                  + " colour scale (PCA colours cannot be differenced)."));
      return;
    }
    if (l.map().grid().rows() != r.map().grid().rows()
        || l.map().grid().cols() != r.map().grid().cols()) {
      main.reportError(
          UserError.simple(
              "Cannot export this comparison", "The two passes have different patch grids."));
      return;
    }
    Raster photo = main.outcomeProperty().get().image().photo();
    Comparison.BeforeAfter spec =
        new Comparison.BeforeAfter(
                photo,
                right.geometry(),
                l.map().grid(),
                r.map().grid(),
                left.label(),
                right.label(),
                viewer().quantityProperty().get().label(),
                viewer().quantityProperty().get().symbol(),
                viewer().colormap(),
                viewer().normalizationProperty().get().normalization(),
                viewer().smoothProperty().get() ? Upsampling.BILINEAR : Upsampling.NEAREST,
                viewer().opacityProperty().get(),
                Math.min(420, photo.width()),
                LegendStyle.LIGHT.withFontSize(13))
            .withMarkers(ringsOf(left), ringsOf(right));
    Map<String, String> metadata =
        Exporter.metadata(
            right,
            main.outcomeProperty().get().image().displayName(),
            blockText(right),
            headText(),
            viewer().quantityProperty().get().label()
                + ": "
                + left.label()
                + " vs "
                + right.label(),
            ExportMetadata.describe(viewer().colormap(), compare().sharedScaleProperty().get()));
    metadata.put("Compared", left.label() + " | " + right.label());
    write(file, () -> Exporter.writePicture(Comparison.beforeAfter(spec).raster(), metadata, file));
  }

  /**
   * The view as a session records it, for the metrics JSON; null until the session controller
   * provides it (it owns the session vocabulary), or when the view needs a patch and has none.
   */
  private Supplier<ViewSettings> metricsView = () -> null;

  /** Set by the session controller: how the view on screen reads as session view settings. */
  public void setMetricsView(Supplier<ViewSettings> view) {
    this.metricsView = view;
  }

  /** Per-block metrics of every pass on screen, JSON or CSV by the file's extension. */
  public void metrics(Path file) {
    ViewOutcome o = main.outcomeProperty().get();
    if (o == null || o.primary() == null) {
      main.reportError(UserError.simple("Nothing to export", "Open a model and an image first."));
      return;
    }
    List<AnalyzedPass> passes = new ArrayList<>();
    passes.add(o.primary());
    if (o.comparison() != null) {
      passes.add(o.comparison());
    }
    boolean csv = file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".csv");
    // JSON: the layout of report's metrics.json, with the view as a session records it
    ViewSettings view = metricsView.get();
    int block = Math.max(1, Math.min(o.primary().blocks(), viewer().blockProperty().get()));
    write(
        file,
        () -> {
          if (csv) {
            Exporter.writeMetricsCsv(passes, file);
          } else {
            Exporter.writeMetricsJson(o, view, block, file);
          }
        });
  }

  @FunctionalInterface
  private interface FileWork {
    void run() throws IOException;
  }

  private void write(Path file, FileWork work) {
    main.showMessage("Writing " + file.getFileName() + "…");
    BackgroundTask.run("Writing " + file.getFileName() + "…", context -> work.run())
        .notCancellable()
        .onSuccess(x -> main.showMessage("Exported " + file))
        .onFailure(e -> main.reportError(UserError.of(e, "export to " + file)))
        .executeWith(tasks);
  }

  /**
   * The rings the window draws on {@code pass}'s panel (same block, same switches), or null for
   * none.
   */
  private OverlayLayer.Markers ringsOf(AnalyzedPass pass) {
    int block =
        viewer().quantityProperty().get().perBlock()
            ? Math.max(1, Math.min(pass.blocks(), viewer().blockProperty().get()))
            : pass.blocks();
    List<Marker> markers =
        LayerMaps.markers(
            pass,
            block,
            viewer().showArtifactsProperty().get(),
            viewer().showSinksProperty().get());
    var layout = pass.result().layout();
    return markers.isEmpty()
        ? null
        : new OverlayLayer.Markers(layout.gridRows(), layout.gridCols(), markers);
  }

  private String blockText(AnalyzedPass pass) {
    return viewer().quantityProperty().get().perBlock()
        ? viewer().blockProperty().get() + " of " + pass.blocks()
        : "all " + pass.blocks();
  }

  private String headText() {
    return viewer().quantityProperty().get().perHead()
        ? viewer().headProperty().get().shortName()
        : "n/a";
  }

  private static String stripExtension(String name) {
    int dot = name.lastIndexOf('.');
    return dot > 0 ? name.substring(0, dot) : name;
  }
}
