package dev.sinkscope.app.gui;

import static dev.sinkscope.app.gui.WindowTestSupport.flip;
import static dev.sinkscope.app.gui.WindowTestSupport.onFx;
import static dev.sinkscope.app.gui.WindowTestSupport.waitUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sinkscope.app.assets.BundledAssets;
import dev.sinkscope.app.gui.main.AppPreferences;
import dev.sinkscope.app.gui.main.MainViewModel;
import dev.sinkscope.app.gui.mitigations.MitigationsViewModel;
import dev.sinkscope.app.gui.session.InferenceService;
import dev.sinkscope.app.gui.session.PhantomTruth;
import dev.sinkscope.app.gui.tasks.FxTaskExecutor;
import dev.sinkscope.inference.work.HeavyWork;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.prefs.Preferences;
import javafx.application.Platform;
import javafx.scene.image.Image;
import javafx.scene.input.Clipboard;
import javafx.scene.input.ClipboardContent;
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
import org.testfx.util.WaitForAsyncUtils;

/**
 * No model, image, inference, analysis or export work runs on the FX thread while the app loads a
 * model and a photo, runs the model for a switch, scrubs layers, exports a PNG and an animation and
 * pastes a picture: every such call announces itself through {@link HeavyWork}, and the test
 * records the thread of each. That is exact on any machine. How long the FX thread went without
 * serving a 10 ms heartbeat ({@link FxWatchdog}) depends on the machine and its load, so it is
 * printed, not asserted; the "within a frame" goal and the command that measures it are in
 * docs/benchmarks.md ("Responsiveness").
 */
@ExtendWith(ApplicationExtension.class)
@Tag("slow")
class ResponsivenessTest {
  @TempDir Path tmp;

  private MainViewModel vm;
  private Stage stage;
  private MainView view;
  private Preferences node;
  private FxTaskExecutor tasks;
  private final MainWindowTest.AnsweringDialogs dialogs = new MainWindowTest.AnsweringDialogs();

  @Start
  void start(Stage stage) {
    this.stage = stage;
    node = Preferences.userRoot().node("dev/sinkscope/test/responsive-" + System.nanoTime());
    tasks = FxTaskExecutor.start();
    vm =
        new MainViewModel(
            listener ->
                new InferenceService(tasks.inferenceLane(), tasks.ui(), Fixtures.cpu(), listener),
            PhantomTruth.assets(tmp.resolve("cache")),
            new AppPreferences(node),
            tasks);
    view = new MainView(vm, stage, dialogs);
    stage.setScene(SinkscopeApp.createScene(view));
    stage.setWidth(1280);
    stage.setHeight(800);
    stage.show();
  }

  @AfterEach
  void close() throws Exception {
    onFx(() -> vm.close());
    tasks.close();
    node.removeNode();
  }

  private void waitForIdle(String what) throws Exception {
    waitUntil(
        what,
        () ->
            !vm.busyProperty().get()
                && vm.outcomeProperty().get() != null
                && vm.viewer().renderedProperty().get() != null);
  }

  @Test
  void noModelImageInferenceOrExportWorkRunsOnTheFxThread(FxRobot robot) throws Exception {
    // The window is built, shown and laid out once before the watchdog starts: its first layout
    // pass
    // (every control styled and measured, the largest pass of a session) belongs to opening the
    // window,
    // and a pulse that came late used to be counted as the first load. Everything after it counts.
    WaitForAsyncUtils.waitForFxEvents();
    waitUntil(
        "the window's first layout pass ran",
        () ->
            stage.getScene().getRoot().getLayoutBounds().getWidth() > 0
                && !stage.getScene().getRoot().isNeedsLayout());
    List<String> onFxThread = new CopyOnWriteArrayList<>();
    Set<HeavyWork.Kind> seen = ConcurrentHashMap.newKeySet();
    try (AutoCloseable probe =
            HeavyWork.observe(
                kind -> {
                  seen.add(kind);
                  if (Platform.isFxApplicationThread()) {
                    onFxThread.add(
                        kind
                            + " at "
                            + StackWalker.getInstance()
                                .walk(
                                    frames ->
                                        frames.skip(2).limit(6).map(Object::toString).toList()));
                  }
                });
        FxWatchdog watchdog = FxWatchdog.start("model and image load")) {
      onFx(() -> vm.startDefault(null, null));
      waitForIdle("the phantom is shown on coffee.png");

      watchdog.phase("model load");
      onFx(() -> vm.openBundledModel(BundledAssets.PHANTOM_REGISTERS));
      waitUntil(
          "the registers twin is shown",
          () -> !vm.busyProperty().get() && vm.modelProperty().get().spec().registers() == 4);

      watchdog.phase("image load");
      onFx(() -> vm.openBundledPhoto("rocket.jpg"));
      waitUntil(
          "rocket.jpg is shown",
          () ->
              !vm.busyProperty().get()
                  && vm.outcomeProperty().get().image().displayName().equals("rocket.jpg"));

      watchdog.phase("inference and toggles");
      flip(robot, "#normalizerSwitch");
      waitUntil(
          "the normaliser ran",
          () ->
              !vm.busyProperty().get()
                  && !vm.outcomeProperty().get().primary().mitigations().isEmpty());
      flip(robot, "#denoiseSwitch");
      waitUntil(
          "denoising ran",
          () -> !vm.busyProperty().get() && vm.outcomeProperty().get().primary().denoised());
      flip(robot, "#normalizerSwitch");
      flip(robot, "#denoiseSwitch");
      waitUntil(
          "all off again",
          () ->
              !vm.busyProperty().get()
                  && MitigationsViewModel.summary(
                          vm.outcomeProperty().get().primary().mitigations())
                      .equals("none")
                  && !vm.outcomeProperty().get().primary().denoised());

      watchdog.phase("layer scrubbing");
      robot.clickOn("#canvas");
      for (int i = 0; i < 7; i++) {
        robot.type(KeyCode.LEFT);
      }
      robot.type(KeyCode.DIGIT2, KeyCode.DOWN, KeyCode.DOWN, KeyCode.DOWN);
      for (int i = 0; i < 7; i++) {
        robot.type(KeyCode.RIGHT);
      }
      robot.type(KeyCode.DIGIT1);
      waitUntil("back on the last block", () -> vm.viewer().blockProperty().get() == 8);

      watchdog.phase("PNG export");
      Path png = tmp.resolve("view.png");
      dialogs.answers.add(png);
      robot.press(KeyCode.CONTROL).type(KeyCode.E).release(KeyCode.CONTROL);
      waitUntil("the view is written", () -> vm.statusProperty().get().startsWith("Exported"));
      assertTrue(Files.size(png) > 10_000);

      // File > Export animation draws every block; it used to do so on the FX thread.
      watchdog.phase("animation export");
      Path gif = tmp.resolve("blocks.gif");
      dialogs.answers.add(gif);
      robot.press(KeyCode.CONTROL).type(KeyCode.G).release(KeyCode.CONTROL);
      waitUntil(
          "the animation is written",
          () -> vm.statusProperty().get().startsWith("Exported " + gif + " (8 frames)"));
      assertTrue(Files.size(gif) > 10_000);

      // A pasted picture is encoded as PNG before it is decoded; that used to be on the FX thread.
      watchdog.phase("paste");
      onFx(
          () -> {
            ClipboardContent content = new ClipboardContent();
            content.putImage(new Image(Fixtures.coffee().toUri().toString()));
            Clipboard.getSystemClipboard().setContent(content);
          });
      robot.press(KeyCode.CONTROL).type(KeyCode.V).release(KeyCode.CONTROL);
      waitUntil(
          "the pasted image is shown",
          () ->
              !vm.busyProperty().get()
                  && vm.outcomeProperty().get().image().displayName().equals("pasted image"));
      WaitForAsyncUtils.waitForFxEvents();

      System.out.println(
          "FX watchdog (not asserted; docs/benchmarks.md), largest gap per phase: "
              + watchdog.report()
              + "\n"
              + watchdog.samples());
      assertEquals(
          EnumSet.allOf(HeavyWork.Kind.class),
          EnumSet.copyOf(seen),
          "every kind of heavy work ran in this session, so the probe saw each entry point");
      assertEquals(List.of(), onFxThread, "heavy work on the FX thread");
    }
  }
}
