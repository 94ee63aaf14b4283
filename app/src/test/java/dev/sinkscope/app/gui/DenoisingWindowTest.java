package dev.sinkscope.app.gui;

import static dev.sinkscope.app.gui.WindowTestSupport.flip;
import static dev.sinkscope.app.gui.WindowTestSupport.onFx;
import static dev.sinkscope.app.gui.WindowTestSupport.waitUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sinkscope.app.assets.BundledAssets;
import dev.sinkscope.app.gui.canvas.ZoomPane;
import dev.sinkscope.app.gui.compare.MetricRow;
import dev.sinkscope.app.gui.main.AppPreferences;
import dev.sinkscope.app.gui.main.MainViewModel;
import dev.sinkscope.app.gui.session.AnalyzedPass;
import dev.sinkscope.app.gui.session.InferenceService;
import dev.sinkscope.app.gui.session.PhantomTruth;
import dev.sinkscope.app.gui.tasks.FxTaskExecutor;
import java.awt.geom.Rectangle2D;
import java.nio.file.Path;
import java.util.prefs.Preferences;
import javafx.scene.control.Label;
import javafx.scene.image.Image;
import javafx.scene.image.PixelFormat;
import javafx.scene.input.KeyCode;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

/**
 * The shift/flip denoising switch on the bundled sink phantom and coffee.png: the last block's
 * picture changes on the planted artifact patches ({@code phantom.json}), the caption and notice
 * say what is shown, and the before/after comparison differs almost only there.
 */
@ExtendWith(ApplicationExtension.class)
@Tag("slow")
class DenoisingWindowTest {
  @TempDir Path tmp;

  private MainViewModel vm;
  private MainView view;
  private Preferences node;
  private FxTaskExecutor tasks;
  private boolean[] artifacts;

  @Start
  void start(Stage stage) throws Exception {
    node = Preferences.userRoot().node("dev/sinkscope/test/denoise-" + System.nanoTime());
    tasks = FxTaskExecutor.start();
    BundledAssets assets = PhantomTruth.assets(tmp.resolve("cache"));
    artifacts = PhantomTruth.coffeeArtifacts(assets, 16, 16);
    vm =
        new MainViewModel(
            listener ->
                new InferenceService(tasks.inferenceLane(), tasks.ui(), Fixtures.cpu(), listener),
            assets,
            new AppPreferences(node),
            tasks);
    view = new MainView(vm, stage, new MainWindowTest.AnsweringDialogs());
    stage.setScene(SinkscopeApp.createScene(view));
    stage.setWidth(1280);
    stage.setHeight(800);
    stage.show();
    vm.mitigations().denoiseViewsProperty().set(6);
    vm.startDefault(null, null); // the phantom on coffee.png
  }

  @AfterEach
  void close() throws Exception {
    onFx(() -> vm.close());
    tasks.close();
    node.removeNode();
  }

  /**
   * The canvas colour at the centre of every patch of the 16 x 16 grid, row-major (display =
   * original size).
   */
  private int[] patchColours() throws Exception {
    return onFx(
        () -> {
          Image image = view.canvas().zoomPane().imageProperty().get();
          AnalyzedPass pass = vm.viewer().pass();
          int w = (int) image.getWidth();
          int h = (int) image.getHeight();
          int[] argb = new int[w * h];
          image
              .getPixelReader()
              .getPixels(0, 0, w, h, PixelFormat.getIntArgbInstance(), argb, 0, w);
          int[] out = new int[256];
          for (int r = 0; r < 16; r++) {
            for (int c = 0; c < 16; c++) {
              Rectangle2D.Double b = pass.geometry().patchBoundsInOriginal(r, c, 16, 16);
              int x = (int) b.getCenterX();
              int y = (int) b.getCenterY();
              out[r * 16 + c] = argb[y * w + x];
            }
          }
          return out;
        });
  }

  private static double colourDistance(int a, int b) {
    int dr = (a >> 16 & 0xFF) - (b >> 16 & 0xFF);
    int dg = (a >> 8 & 0xFF) - (b >> 8 & 0xFF);
    int db = (a & 0xFF) - (b & 0xFF);
    return Math.sqrt(dr * dr + dg * dg + db * db);
  }

  @Test
  void theSwitchChangesTheFinalFeaturesOnThePlantedArtifacts(FxRobot robot) throws Exception {
    waitUntil("the phantom is shown", () -> !vm.busyProperty().get() && vm.viewer().pass() != null);
    assertEquals(8, (int) onFx(() -> vm.viewer().blockProperty().get()));
    float[] single = onFx(() -> vm.viewer().renderedProperty().get().map().grid().values().clone());
    assertTrue(
        PhantomTruth.mean(single, artifacts, true)
            > 3 * PhantomTruth.mean(single, artifacts, false),
        "without denoising the last block shows the planted artifacts as high norms");

    flip(robot, "#denoiseSwitch");
    waitUntil(
        "the averaged features are shown",
        () -> !vm.busyProperty().get() && vm.viewer().pass().denoised());

    assertTrue(
        onFx(() -> robot.lookup("#canvasCaption").queryAs(Label.class).getText())
            .contains("shift/flip average of 6 views"));
    Label note = robot.lookup("#canvasNote").queryAs(Label.class);
    assertTrue(
        onFx(note::isVisible) && onFx(note::getText).startsWith("Final features averaged over 6"));
    // The inspector's block numbers say they are the single pass, not the average the picture
    // shows.
    String source = onFx(() -> robot.lookup("#blockSource").queryAs(Label.class).getText());
    assertTrue(
        source.contains("single pass") && source.contains("not the shift/flip average of 6 views"),
        source);
    float[] denoised =
        onFx(() -> vm.viewer().renderedProperty().get().map().grid().values().clone());
    double on = PhantomTruth.mean(denoised, artifacts, true);
    double off = PhantomTruth.mean(denoised, artifacts, false);
    assertTrue(
        on < 0.9 * off, "averaging shrinks the artifacts' final features: " + on + " vs " + off);

    // Earlier blocks and attention are the single pass; the notice says so.
    robot.clickOn("#canvas");
    robot.type(KeyCode.LEFT);
    waitUntil("block 7", () -> vm.viewer().blockProperty().get() == 7);
    assertTrue(
        onFx(note::getText).contains("this map is the single unshifted pass"), onFx(note::getText));
    robot.type(KeyCode.RIGHT);

    // Before/after: both sides show final features; the pictures differ on the artifacts, not
    // elsewhere.
    robot.type(KeyCode.C);
    waitUntil(
        "both panels are drawn",
        () ->
            view.canvas().getScene().lookup("#compareRight") != null
                && ((ZoomPane) view.canvas().getScene().lookup("#compareRight"))
                        .imageProperty()
                        .get()
                    != null
                && vm.compare().rightProperty().get() != null
                && vm.compare().leftProperty().get() != null
                && vm.compare().rightPass() != null
                && vm.compare().rightPass().denoised());
    float[] left = onFx(() -> vm.compare().leftProperty().get().map().grid().values());
    float[] right = onFx(() -> vm.compare().rightProperty().get().map().grid().values());
    float[] change = new float[left.length];
    for (int i = 0; i < change.length; i++) {
      change[i] = Math.abs(right[i] - left[i]);
    }
    double changeOn = PhantomTruth.mean(change, artifacts, true);
    double changeOff = PhantomTruth.mean(change, artifacts, false);
    assertTrue(
        changeOn > 5 * changeOff,
        "difference on artifacts " + changeOn + " vs elsewhere " + changeOff);
    MetricRow contrast =
        onFx(
            () ->
                vm.compare().metrics().stream()
                    .filter(r -> r.metric().equals("Final features: norm on artifacts / elsewhere"))
                    .findFirst()
                    .orElseThrow());
    assertTrue(contrast.after() < contrast.before(), contrast.toString());
    robot.type(KeyCode.C);

    // Switching it off brings the block output back: the artifact patches change colour on screen
    // (markers off, so only the heatmap is compared).
    onFx(
        () -> {
          vm.viewer().showArtifactsProperty().set(false);
          vm.viewer().showSinksProperty().set(false);
        });
    int[] withDenoising = patchColours();
    flip(robot, "#denoiseSwitch");
    waitUntil(
        "the single pass is back",
        () -> !vm.busyProperty().get() && !vm.viewer().pass().denoised());
    int[] without = patchColours();
    double movedOn = 0;
    int n = 0;
    for (int i = 0; i < 256; i++) {
      if (artifacts[i]) {
        movedOn += colourDistance(withDenoising[i], without[i]);
        n++;
      }
    }
    assertTrue(movedOn / n > 60, "the artifact patches change colour: " + movedOn / n);
    assertFalse(onFx(note::isVisible));
  }
}
