package dev.sinkscope.app.gui;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sinkscope.app.assets.BundledAssets;
import dev.sinkscope.app.gui.animation.AnimationExport;
import dev.sinkscope.app.gui.canvas.Quantity;
import dev.sinkscope.app.gui.main.AppPreferences;
import dev.sinkscope.app.gui.main.MainViewModel;
import dev.sinkscope.app.gui.session.AnalyzedPass;
import dev.sinkscope.app.gui.session.CompareTarget;
import dev.sinkscope.app.gui.session.InferenceService;
import dev.sinkscope.app.gui.session.PcaByBlock;
import dev.sinkscope.app.gui.tasks.LaneTaskExecutor;
import dev.sinkscope.render.GifAnimation;
import dev.sinkscope.render.PngExport;
import dev.sinkscope.render.Raster;
import java.nio.file.Path;
import java.util.List;
import java.util.prefs.BackingStoreException;
import java.util.prefs.Preferences;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** File > Export animation: one GIF frame per block, each the view export of that block. */
class AnimationExportTest {
  @TempDir Path tmp;

  private final Fixtures.QueuedExecutor worker = new Fixtures.QueuedExecutor();
  private Preferences node;
  private MainViewModel vm;

  @BeforeEach
  void open() {
    node = Preferences.userRoot().node("dev/sinkscope/test/animation-" + System.nanoTime());
    BundledAssets assets =
        new BundledAssets(
            getClass().getClassLoader(), BundledAssetsTest.ROOT, tmp.resolve("cache"));
    vm =
        new MainViewModel(
            listener -> new InferenceService(worker, Runnable::run, Fixtures.cpu(), listener),
            assets,
            new AppPreferences(node),
            new LaneTaskExecutor(worker, Runnable::run, Runnable::run));
    vm.startDefault(Fixtures.DINOV2, Fixtures.coffee());
    worker.runAll();
  }

  @AfterEach
  void close() throws BackingStoreException {
    vm.close();
    worker.runAll();
    node.removeNode();
  }

  @Test
  void pcaFramesOfAPassWhosePerBlockPcaIsStillPendingComputeItFirst() {
    vm.viewer().quantityProperty().set(Quantity.PCA_RGB);
    AnalyzedPass ready = vm.viewer().pass();
    AnalyzedPass pending =
        new AnalyzedPass(
            ready.label(),
            ready.model(),
            ready.mitigations(),
            ready.result(),
            ready.report(),
            ready.geometry(),
            PcaByBlock.pending(ready.result(), ready.report()),
            ready.recomputedFromBlock(),
            ready.forwardMillis(),
            ready.analysisMillis(),
            null,
            null);
    Raster photo = vm.outcomeProperty().get().image().photo();

    List<Raster> frames = AnimationExport.blockFrames(vm.viewer(), pending, photo);

    assertTrue(pending.pcaByBlock().ready(), "the export computed the per-block PCA");
    List<Raster> expected = AnimationExport.blockFrames(vm.viewer(), ready, photo);
    assertEquals(expected.size(), frames.size());
    for (int i = 0; i < frames.size(); i++) {
      assertArrayEquals(expected.get(i).argb(), frames.get(i).argb(), "frame " + (i + 1));
    }
  }

  @Test
  void oneFramePerBlockEachEqualToThatBlocksViewExport() throws Exception {
    vm.viewer().quantityProperty().set(Quantity.ATTENTION_RECEIVED);
    Path gif = tmp.resolve("emerge.gif");

    AnimationExport.export(vm, gif);

    assertNull(vm.errorProperty().get());
    assertTrue(vm.statusProperty().get().contains("(4 frames)"), vm.statusProperty().get());
    List<Raster> frames = GifAnimation.read(gif);
    int blocks = vm.viewer().pass().blocks();
    assertEquals(4, blocks);
    assertEquals(blocks, frames.size(), "one frame per block");
    assertEquals(new GifAnimation.Timing(AnimationExport.DELAY_MS, true), GifAnimation.timing(gif));
    int width = 0;
    int height = 0;
    for (int b = 1; b <= blocks; b++) {
      vm.viewer().blockProperty().set(b);
      Path png = tmp.resolve("view" + b + ".png");
      vm.exports().view(png);
      Raster view = PngExport.read(png);
      width = Math.max(width, view.width());
      height = Math.max(height, view.height());
      Raster frame = frames.get(b - 1);
      // The GIF holds at most 256 colours per frame: compare with the export after the same
      // quantisation.
      Raster expected = GifAnimation.quantize(view).toRaster();
      assertArrayEquals(
          expected.argb(),
          frame.region(0, 0, view.width(), view.height()).argb(),
          "block " + b + ": the frame is the view export of that block");
    }
    assertEquals(width, frames.get(0).width(), "frame width: the widest view export");
    assertEquals(height, frames.get(0).height());
    assertTrue(
        width > vm.outcomeProperty().get().image().photo().width(),
        "picture plus colorbar on every frame");
  }

  @Test
  void withTheComparisonOnFramesShowBeforeAndAfterSideBySide() throws Exception {
    Path single = tmp.resolve("single.gif");
    AnimationExport.export(vm, single);
    vm.mitigations().normalizerOnProperty().set(true);
    vm.compare().modeProperty().set(CompareTarget.Kind.BEFORE_AFTER);
    vm.compare().activeProperty().set(true);
    worker.runAll();
    assertNotNull(vm.compare().leftPass());
    Path pair = tmp.resolve("pair.gif");

    AnimationExport.export(vm, pair);

    List<Raster> frames = GifAnimation.read(pair);
    assertEquals(4, frames.size());
    int photo = vm.outcomeProperty().get().image().photo().width();
    assertTrue(
        frames.get(0).width() > 2 * photo, "two pictures side by side: " + frames.get(0).width());
    assertTrue(frames.get(0).width() > GifAnimation.read(single).get(0).width());
    List<Raster> direct =
        AnimationExport.sideBySideFrames(
            vm.viewer(),
            vm.compare().leftPass(),
            vm.compare().rightPass(),
            vm.outcomeProperty().get().image().photo());
    for (int b = 0; b < 4; b++) {
      assertArrayEquals(
          GifAnimation.quantize(direct.get(b)).toRaster().argb(),
          frames.get(b).argb(),
          "frame " + b);
    }
  }

  @Test
  void aQuantityOverAllBlocksIsRefusedWithAReason() {
    vm.viewer().quantityProperty().set(Quantity.ROLLOUT);

    AnimationExport.export(vm, tmp.resolve("rollout.gif"));

    assertNotNull(vm.errorProperty().get());
    assertTrue(
        vm.errorProperty().get().message().contains("spans every block"),
        vm.errorProperty().get().message());
  }
}
