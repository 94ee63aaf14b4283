package dev.sinkscope.app.gui;

import static dev.sinkscope.app.gui.WindowTestSupport.TIMEOUT_SECONDS;
import static dev.sinkscope.app.gui.WindowTestSupport.flip;
import static dev.sinkscope.app.gui.WindowTestSupport.onFx;
import static dev.sinkscope.app.gui.WindowTestSupport.waitUntil;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sinkscope.app.assets.BundledAssets;
import dev.sinkscope.app.gui.main.AppPreferences;
import dev.sinkscope.app.gui.main.MainViewModel;
import dev.sinkscope.app.gui.session.InferenceService;
import dev.sinkscope.app.gui.session.ViewOutcome;
import dev.sinkscope.app.gui.tasks.FxTaskExecutor;
import dev.sinkscope.inference.mitigation.AttentionNormalizer;
import dev.sinkscope.inference.mitigation.BlockRange;
import dev.sinkscope.inference.mitigation.MitigationStack;
import dev.sinkscope.inference.session.ModelSession;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.prefs.Preferences;
import javafx.scene.control.Label;
import javafx.scene.image.ImageView;
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
 * Never block, never lie, no orphan workers: cancelling a model load, new input while a request
 * runs, rapid toggles, closing the window mid-run, and a checkpoint whose activations turn NaN.
 * Model loads of the folder named {@value #SLOW} wait on a latch the test opens, so "while it runs"
 * is certain.
 */
@ExtendWith(ApplicationExtension.class)
@Tag("slow")
class RobustnessWindowTest {
  static final String SLOW = "slow-model";

  @TempDir Path tmp;

  private MainViewModel vm;
  private Stage stage;
  private InferenceService service;
  private Preferences node;
  private FxTaskExecutor tasks;
  private final GatedOpener opener = new GatedOpener();
  private final List<ViewOutcome> applied = Collections.synchronizedList(new ArrayList<>());

  /** Opens on the CPU; a load of {@value #SLOW} waits until {@link #release} opens. */
  static final class GatedOpener implements InferenceService.ModelOpener {
    final CountDownLatch entered = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);
    final List<ModelSession> opened = Collections.synchronizedList(new ArrayList<>());
    volatile Thread worker;

    @Override
    public ModelSession open(Path folder) throws dev.sinkscope.inference.model.ModelLoadException {
      worker = Thread.currentThread();
      if (folder.getFileName().toString().equals(SLOW)) {
        entered.countDown();
        try {
          if (!release.await(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the test never released the slow load");
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException(e);
        }
      }
      ModelSession session = ModelSession.open(folder, "cpu");
      opened.add(session);
      return session;
    }
  }

  @Start
  void start(Stage stage) {
    this.stage = stage;
    node = Preferences.userRoot().node("dev/sinkscope/test/robust-" + System.nanoTime());
    tasks = FxTaskExecutor.start();
    BundledAssets assets =
        new BundledAssets(
            getClass().getClassLoader(), BundledAssetsTest.ROOT, tmp.resolve("cache"));
    vm =
        new MainViewModel(
            listener ->
                service = new InferenceService(tasks.inferenceLane(), tasks.ui(), opener, listener),
            assets,
            new AppPreferences(node),
            tasks);
    vm.outcomeProperty().addListener((obs, old, now) -> applied.add(now));
    MainView view = new MainView(vm, stage, new MainWindowTest.AnsweringDialogs());
    stage.setScene(SinkscopeApp.createScene(view));
    stage.setWidth(1280);
    stage.setHeight(800);
    stage.show();
    vm.startDefault(Fixtures.DINOV2, Fixtures.coffee());
  }

  @AfterEach
  void close() throws Exception {
    opener.release.countDown();
    onFx(() -> vm.close());
    tasks.close();
    node.removeNode();
  }

  private void waitForPicture() throws Exception {
    waitUntil(
        "the first heatmap is on screen",
        () ->
            !vm.busyProperty().get()
                && vm.outcomeProperty().get() != null
                && vm.viewer().renderedProperty().get() != null);
  }

  private Path slowModel() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve(SLOW));
    for (String file : List.of("config.json", "model.safetensors", "preprocessor_config.json")) {
      Files.copy(Fixtures.DINOV2.resolve(file), dir.resolve(file));
    }
    return dir;
  }

  /** Waits (off the FX thread) until the worker has run everything queued so far. */
  private void waitForWorker() throws Exception {
    service.idle().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    WaitForAsyncUtils.waitForFxEvents();
  }

  private String modelShown() throws Exception {
    return onFx(() -> vm.outcomeProperty().get().model().displayName());
  }

  @Test
  void cancellingDuringAModelLoadKeepsWhatIsShownAndTheNextRunUsesTheLoadedModel(FxRobot robot)
      throws Exception {
    waitForPicture();
    ViewOutcome before = onFx(() -> vm.outcomeProperty().get());
    Path slow = slowModel();

    onFx(() -> vm.openModel(slow));
    assertTrue(opener.entered.await(TIMEOUT_SECONDS, TimeUnit.SECONDS));
    waitUntil(
        "the load is reported", () -> vm.activityProperty().get().startsWith("Opening " + SLOW));
    robot.clickOn("#cancelButton");

    // At once, while the engine still loads: the app says it stopped and shows what it showed.
    assertFalse(onFx(() -> vm.busyProperty().get()));
    assertTrue(onFx(() -> vm.staleProperty().get()));
    assertTrue(onFx(() -> vm.statusProperty().get()).startsWith("Cancelled"));
    assertEquals(
        "dinov2-hf", onFx(() -> robot.lookup("#modelName").queryAs(Label.class).getText()));

    opener.release.countDown();
    waitForWorker();
    assertEquals(
        before,
        onFx(() -> vm.outcomeProperty().get()),
        "the cancelled load never reached the screen");
    assertEquals("dinov2-hf", onFx(() -> vm.modelProperty().get().displayName()));
    assertNull(onFx(() -> vm.errorProperty().get()));

    onFx(() -> vm.rerun());
    waitUntil(
        "the re-run shows the model asked for",
        () ->
            !vm.busyProperty().get()
                && vm.outcomeProperty().get().model().displayName().equals(SLOW));
    assertEquals(
        2, opener.opened.size(), "the model loaded during the cancelled request was reused");
  }

  @Test
  void onlyTheNewestRequestReachesTheScreenWhenInputChangesWhileOneRuns() throws Exception {
    waitForPicture();
    Path slow = slowModel();
    int shownBefore = applied.size();

    onFx(() -> vm.openModel(slow));
    assertTrue(opener.entered.await(TIMEOUT_SECONDS, TimeUnit.SECONDS));
    onFx(() -> vm.openBundledPhoto("camera.png"));
    onFx(() -> vm.openModel(Fixtures.DINOV2_REGISTERS));
    opener.release.countDown();

    waitUntil(
        "the newest request is shown",
        () ->
            !vm.busyProperty().get()
                && vm.outcomeProperty().get().model().displayName().equals("dinov2-reg-hf"));
    waitForWorker();
    List<ViewOutcome> shown = List.copyOf(applied.subList(shownBefore, applied.size()));
    assertEquals(1, shown.size(), "nothing in between was shown: " + shown.size());
    assertEquals("camera.png", shown.get(0).image().displayName());
    assertEquals(4, shown.get(0).primary().result().layout().registers());
    assertEquals("dinov2-reg-hf", modelShown());
  }

  @Test
  void rapidTogglesEndInTheStateOfTheLastRequest(FxRobot robot) throws Exception {
    waitForPicture();

    for (int i = 0; i < 3; i++) {
      flip(robot, "#normalizerSwitch");
      flip(robot, "#gateSwitch");
    }
    onFx(
        () -> {
          for (int i = 0; i < 7; i++) {
            vm.mitigations().gateOnProperty().set(!vm.mitigations().gateOnProperty().get());
            vm.mitigations().denoiseOnProperty().set(!vm.mitigations().denoiseOnProperty().get());
          }
        });
    // Last asked: normaliser on (3 clicks), gate off (3 clicks + 7 toggles), denoising on (7
    // toggles).
    waitUntil(
        "the last request is shown",
        () ->
            !vm.busyProperty().get()
                && vm.outcomeProperty()
                    .get()
                    .primary()
                    .mitigations()
                    .equals(vm.mitigations().stackProperty().get())
                && vm.outcomeProperty()
                    .get()
                    .request()
                    .denoising()
                    .equals(vm.mitigations().denoisingProperty().get()));
    waitForWorker();

    ViewOutcome last = onFx(() -> vm.outcomeProperty().get());
    MitigationStack asked = onFx(() -> vm.mitigations().stackProperty().get());
    assertEquals(asked, last.primary().mitigations());
    assertEquals(List.of(AttentionNormalizer.softmax1(BlockRange.ALL)), asked.mitigations());
    assertTrue(last.primary().denoised());
    assertTrue(
        onFx(
            () ->
                robot
                    .lookup("#normalizerSwitch")
                    .queryAs(org.controlsfx.control.ToggleSwitch.class)
                    .isSelected()));
    assertFalse(
        onFx(
            () ->
                robot
                    .lookup("#gateSwitch")
                    .queryAs(org.controlsfx.control.ToggleSwitch.class)
                    .isSelected()));
    assertTrue(
        onFx(
            () ->
                robot
                    .lookup("#denoiseSwitch")
                    .queryAs(org.controlsfx.control.ToggleSwitch.class)
                    .isSelected()));
    assertFalse(onFx(() -> vm.busyProperty().get()));
  }

  @Test
  void closingTheWindowMidRunEndsTheWorkerAndClosesEveryModel() throws Exception {
    waitForPicture();
    Path slow = slowModel();
    onFx(() -> vm.openModel(slow));
    assertTrue(opener.entered.await(TIMEOUT_SECONDS, TimeUnit.SECONDS));
    Thread worker = opener.worker;
    assertTrue(worker.getName().equals(InferenceService.THREAD_NAME) && worker.isAlive());
    assertTrue(opener.opened.get(0).managedArrayCount() > 0, "the shown model holds native arrays");

    onFx(
        () -> {
          // what the application's stop() does when the last window closes
          stage.close();
          vm.close();
          tasks.close();
        });
    // The load stays held until the release below, so had closing waited for it on the FX thread,
    // onFx would not have returned: exact, with no clock involved.
    assertEquals(
        1, opener.release.getCount(), "closing returned while the model load was still held");
    assertTrue(worker.isAlive(), "the load was still running when closing returned");
    opener.release.countDown(); // the engine finishes the load it cannot interrupt

    assertTrue(vm.awaitClosed(TIMEOUT_SECONDS, TimeUnit.SECONDS), "the worker closed the models");
    assertTrue(tasks.awaitTermination(TIMEOUT_SECONDS, TimeUnit.SECONDS), "the worker ended");
    worker.join(TimeUnit.SECONDS.toMillis(TIMEOUT_SECONDS));
    assertFalse(worker.isAlive(), "no inference thread left behind");
    assertEquals(2, opener.opened.size());
    for (ModelSession session : opener.opened) {
      assertEquals(
          0, session.managedArrayCount(), session.folder() + " released its native arrays");
    }
  }

  @Test
  void aCheckpointWithNanWeightsShowsWhereItBreaksInsteadOfAHeatmap(FxRobot robot)
      throws Exception {
    waitForPicture();
    Path poisoned = Fixtures.nonFiniteModel(tmp);

    onFx(() -> vm.openModel(poisoned));
    waitUntil(
        "the poisoned model is shown",
        () ->
            !vm.busyProperty().get()
                && vm.outcomeProperty().get().model().displayName().equals("nan-weights-model"));

    ViewOutcome outcome = onFx(() -> vm.outcomeProperty().get());
    assertNull(outcome.primary(), "nothing analysed or drawn from NaN");
    assertTrue(outcome.nonFinite().contains("in block 2 (hidden_states.2)"), outcome.nonFinite());
    Label note = robot.lookup("#canvasNote").queryAs(Label.class);
    assertTrue(onFx(note::isVisible));
    assertTrue(onFx(note::getText).contains("in block 2"), onFx(note::getText));
    assertFalse(onFx(note::getText).contains("\tat "), "no stack trace");
    assertNull(
        onFx(() -> robot.lookup("#legend").queryAs(ImageView.class).getImage()), "no colour scale");
    int[] shown =
        onFx(
            () -> {
              javafx.scene.image.Image image =
                  robot
                      .lookup("#canvas")
                      .queryAs(dev.sinkscope.app.gui.canvas.ZoomPane.class)
                      .imageProperty()
                      .get();
              int w = (int) image.getWidth();
              int h = (int) image.getHeight();
              int[] argb = new int[w * h];
              image
                  .getPixelReader()
                  .getPixels(
                      0, 0, w, h, javafx.scene.image.PixelFormat.getIntArgbInstance(), argb, 0, w);
              return argb;
            });
    assertArrayEquals(outcome.image().photo().argb(), shown, "the photo alone, no overlay");
    assertTrue(
        onFx(() -> robot.lookup("#modelSpec").queryAs(Label.class).getText()).contains("NaN"),
        "the load warning names the bad tensor");
    assertTrue(onFx(() -> vm.statusProperty().get()).contains("block 2"));
    assertNull(onFx(() -> vm.errorProperty().get()), "a notice, not an error dialog");

    // Still usable: scrubbing does nothing harmful, and another model draws again.
    robot.clickOn("#canvas");
    robot.type(javafx.scene.input.KeyCode.LEFT);
    onFx(() -> vm.openModel(Fixtures.DINOV2));
    waitUntil(
        "the healthy model draws again",
        () ->
            !vm.busyProperty().get()
                && vm.outcomeProperty().get().primary() != null
                && vm.viewer().renderedProperty().get().legend() != null);
    assertFalse(onFx(note::isVisible));
    assertNotNull(onFx(() -> robot.lookup("#legend").queryAs(ImageView.class).getImage()));
  }
}
