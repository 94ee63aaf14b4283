package dev.sinkscope.app.gui.animation;

import dev.sinkscope.app.gui.canvas.HeadChoice;
import dev.sinkscope.app.gui.canvas.LayerMap;
import dev.sinkscope.app.gui.canvas.LayerMaps;
import dev.sinkscope.app.gui.canvas.Quantity;
import dev.sinkscope.app.gui.canvas.RenderedView;
import dev.sinkscope.app.gui.canvas.ViewerViewModel;
import dev.sinkscope.app.gui.common.UserError;
import dev.sinkscope.app.gui.export.Exporter;
import dev.sinkscope.app.gui.main.MainViewModel;
import dev.sinkscope.app.gui.session.AnalyzedPass;
import dev.sinkscope.app.gui.tasks.BackgroundTask;
import dev.sinkscope.inference.engine.CancellationToken;
import dev.sinkscope.inference.work.HeavyWork;
import dev.sinkscope.render.GifAnimation;
import dev.sinkscope.render.LegendRenderer;
import dev.sinkscope.render.LegendStyle;
import dev.sinkscope.render.Raster;
import dev.sinkscope.render.Scale;
import dev.sinkscope.render.SmallMultiples;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * "Watch the artifacts emerge": the current quantity block by block as an animated GIF, one frame
 * per block, each frame exactly the view export of that block (caption with the block number,
 * colorbar), or, while a comparison is on, left and right side by side on one colour scale per
 * block. Frames are drawn, quantised and encoded by a background task, from a copy of the viewer's
 * settings taken when the export starts.
 */
public final class AnimationExport {
  /** The style of the view export (File > Export view), so a frame equals that PNG. */
  public static final LegendStyle STYLE = LegendStyle.LIGHT.withFontSize(13);

  public static final int DELAY_MS = 700;

  private AnimationExport() {}

  /**
   * Writes the animation of what is on screen to {@code file}; reports problems through {@code vm}.
   */
  public static void export(MainViewModel vm, Path file) {
    ViewerViewModel viewer = vm.viewer();
    AnalyzedPass pass = viewer.pass();
    var outcome = vm.outcomeProperty().get();
    if (pass == null || outcome == null || outcome.image() == null) {
      vm.reportError(UserError.simple("Nothing to animate", "Open a model and an image first."));
      return;
    }
    Quantity q = viewer.quantityProperty().get();
    if (!q.perBlock()) {
      vm.reportError(
          UserError.simple(
              "Nothing to animate",
              q.label()
                  + " spans every block, so it does not change"
                  + " from block to block. Choose a per-block quantity such as patch norm (1)."));
      return;
    }
    AnalyzedPass left = vm.compare().leftPass();
    AnalyzedPass right = vm.compare().rightPass();
    boolean sideBySide = vm.compare().activeProperty().get() && left != null && right != null;
    Raster photo = outcome.image().photo();
    // The frames are drawn from a copy of the viewer's settings, so changing the view meanwhile
    // does
    // not change the animation; drawing every block can take seconds (e.g. 518 px inputs).
    ViewerViewModel settings = viewer.detachedCopy();
    vm.showMessage("Writing " + file.getFileName() + "…");
    BackgroundTask.of(
            "Exporting animation " + file.getFileName() + "…",
            context -> {
              context.progress(-1, "Drawing one frame per block…");
              List<Raster> frames =
                  sideBySide
                      ? sideBySideFrames(settings, left, right, photo)
                      : blockFrames(settings, pass, photo);
              context.throwIfCancelled();
              context.progress(0.5, "Encoding " + frames.size() + " GIF frames…");
              GifAnimation.write(frames, DELAY_MS, true, file);
              return frames.size();
            })
        .onSuccess(n -> vm.showMessage("Exported " + file + " (" + n + " frames)"))
        .onCancelled(() -> vm.showMessage("Animation export cancelled."))
        .onFailure(e -> vm.reportError(UserError.of(e, "animation export to " + file)))
        .executeWith(vm.tasks());
  }

  /** One frame per block: the view export of that block with the current settings. */
  public static List<Raster> blockFrames(ViewerViewModel viewer, AnalyzedPass pass, Raster photo) {
    HeavyWork.starts(HeavyWork.Kind.EXPORT); // every block drawn: never on the UI thread
    Quantity q = viewer.quantityProperty().get();
    HeadChoice head = viewer.headProperty().get();
    pass.analysis().complete(); // the rest of the analysis follows the first picture
    if (q == Quantity.PCA_RGB) {
      pass.pcaByBlock().compute(CancellationToken.NONE); // computed after the first picture
    }
    List<Raster> frames = new ArrayList<>();
    for (int b = 1; b <= pass.blocks(); b++) {
      RenderedView view = viewer.render(pass, photo, pass.geometry(), q, b, head, null, true, true);
      frames.add(Exporter.viewRaster(view, STYLE));
    }
    return GifAnimation.padToOneSize(frames, STYLE.backgroundArgb());
  }

  /**
   * One frame per block: left and right on one colour scale (as the comparison tab resolves it),
   * their labels above, one colorbar; blocks beyond the shorter pass show its last block.
   */
  public static List<Raster> sideBySideFrames(
      ViewerViewModel viewer, AnalyzedPass left, AnalyzedPass right, Raster photo) {
    HeavyWork.starts(HeavyWork.Kind.EXPORT); // every block drawn: never on the UI thread
    Quantity q = viewer.quantityProperty().get();
    HeadChoice head = viewer.headProperty().get();
    left.analysis().complete(); // the rest of the analysis follows the first picture
    right.analysis().complete();
    if (q == Quantity.PCA_RGB) {
      left.pcaByBlock().compute(CancellationToken.NONE); // computed after the first picture
      right.pcaByBlock().compute(CancellationToken.NONE);
    }
    int blocks = Math.max(left.blocks(), right.blocks());
    List<Raster> frames = new ArrayList<>();
    for (int b = 1; b <= blocks; b++) {
      int bl = Math.min(b, left.blocks());
      int br = Math.min(b, right.blocks());
      LayerMap mapA = LayerMaps.map(left, q, bl, head, viewer.selectedToken(left));
      LayerMap mapB = LayerMaps.map(right, q, br, head, viewer.selectedToken(right));
      Scale scale = null;
      if (mapA != null && mapB != null && mapA.grid() != null && mapB.grid() != null) {
        if (viewer.scaleAcrossBlocksProperty().get()) {
          Scale sa = viewer.scaleFor(left, mapA);
          Scale sb = viewer.scaleFor(right, mapB);
          scale =
              new Scale(
                  Math.min(sa.lo(), sb.lo()),
                  Math.max(sa.hi(), sb.hi()),
                  sa.kind(),
                  sa.method() + ", both passes");
        } else {
          scale =
              viewer
                  .normalizationProperty()
                  .get()
                  .normalization()
                  .resolve(mapA.grid(), mapB.grid());
        }
      }
      RenderedView a = viewer.render(left, photo, left.geometry(), q, bl, head, scale, false, true);
      RenderedView c =
          viewer.render(right, photo, right.geometry(), q, br, head, scale, false, true);
      Raster legend =
          scale == null
              ? null
              : LegendRenderer.colorbar(
                      viewer.colormap(),
                      scale,
                      q.label(),
                      q.symbol(),
                      LegendRenderer.Orientation.VERTICAL,
                      220,
                      ViewerViewModel.LEGEND_STYLE)
                  .raster();
      frames.add(
          SmallMultiples.arrange(
              q.label() + " · block " + b + " of " + blocks,
              List.of(
                  new SmallMultiples.Panel(left.label(), a.picture()),
                  new SmallMultiples.Panel(right.label(), c.picture())),
              2,
              legend,
              STYLE));
    }
    return GifAnimation.padToOneSize(frames, STYLE.backgroundArgb());
  }
}
