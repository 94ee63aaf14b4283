package dev.sinkscope.app.gui;

import static dev.sinkscope.app.gui.WindowTestSupport.onFx;
import static dev.sinkscope.app.gui.WindowTestSupport.waitUntil;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sinkscope.app.assets.BundledAssets;
import dev.sinkscope.app.cli.LocalHub;
import dev.sinkscope.app.gui.canvas.Quantity;
import dev.sinkscope.app.gui.hub.HubModelLocation;
import dev.sinkscope.app.gui.main.AppPreferences;
import dev.sinkscope.app.gui.main.MainViewModel;
import dev.sinkscope.app.gui.session.InferenceService;
import dev.sinkscope.app.gui.tasks.FxTaskExecutor;
import dev.sinkscope.inference.hub.HubSettings;
import dev.sinkscope.inference.mitigation.AttentionNormalizer;
import dev.sinkscope.render.PatchPosition;
import dev.sinkscope.render.PngExport;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.prefs.Preferences;
import javafx.scene.Scene;
import javafx.scene.control.DialogPane;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressBar;
import javafx.scene.input.KeyCode;
import javafx.stage.Stage;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

/**
 * File > "Open from hub…" against a local server that plays the hub, and File > "Save session…" /
 * "Open session…", in the whole window, headless, with the real inference thread.
 */
@ExtendWith(ApplicationExtension.class)
@Tag("slow")
class HubAndSessionWindowTest {
  private static final String REPO = "acme/tiny-dinov2";

  @TempDir Path tmp;

  private MainViewModel vm;
  private MainView view;
  private Preferences node;
  private FxTaskExecutor tasks;
  private LocalHub hub;
  private final MainWindowTest.AnsweringDialogs dialogs = new MainWindowTest.AnsweringDialogs();

  @Start
  void start(Stage stage) throws Exception {
    node = Preferences.userRoot().node("dev/sinkscope/test/hub-window-" + System.nanoTime());
    tasks = FxTaskExecutor.start();
    hub = new LocalHub();
    hub.addRepo(
        REPO, Fixtures.DINOV2, "config.json", "preprocessor_config.json", "model.safetensors");
    HubSettings settings =
        HubSettings.from(
                Map.of(
                    "HF_HUB_CACHE",
                    tmp.resolve("hf-cache").toString(),
                    "HF_ENDPOINT",
                    hub.endpoint().toString()),
                Map.of("user.home", tmp.resolve("home").toString()))
            .withTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(30))
            .withRetries(1, Duration.ofMillis(50));
    BundledAssets assets =
        new BundledAssets(
            getClass().getClassLoader(), BundledAssetsTest.ROOT, tmp.resolve("cache"));
    vm =
        new MainViewModel(
            listener ->
                new InferenceService(tasks.inferenceLane(), tasks.ui(), Fixtures.cpu(), listener),
            assets,
            new AppPreferences(node),
            tasks);
    view = new MainView(vm, stage, dialogs);
    view.setHubSettings(() -> settings);
    Scene scene = SinkscopeApp.createScene(view);
    stage.setScene(scene);
    stage.setWidth(1280);
    stage.setHeight(800);
    stage.show();
    vm.startDefault(Fixtures.DINOV2, Fixtures.coffee());
  }

  @AfterEach
  void close() throws Exception {
    hub.releaseHeld();
    onFx(
        () -> {
          vm.close();
          return null;
        });
    hub.close();
    tasks.close();
    node.removeNode();
  }

  private void waitForPicture() throws Exception {
    waitUntil(
        "the first heatmap is on screen",
        () -> !vm.busyProperty().get() && vm.viewer().renderedProperty().get() != null);
  }

  private static int[] pixels(Path png) throws Exception {
    BufferedImage image = ImageIO.read(png.toFile());
    return image.getRGB(0, 0, image.getWidth(), image.getHeight(), null, 0, image.getWidth());
  }

  private void exportViewTo(FxRobot robot, Path png) throws Exception {
    dialogs.answers.add(png);
    robot.press(KeyCode.CONTROL).type(KeyCode.E).release(KeyCode.CONTROL);
    waitUntil("the view is exported", () -> vm.statusProperty().get().equals("Exported " + png));
  }

  @Test
  void openFromHubDownloadsWithProgressThenOpensTheModel(FxRobot robot) throws Exception {
    waitForPicture();
    CountDownLatch release = new CountDownLatch(1);
    hub.holdWeightsAfter(200_000, release);

    robot.clickOn("File").clickOn("Open from hub…");
    waitUntil("the hub window is up", () -> robot.lookup("#hubDialog").tryQuery().isPresent());
    assertTrue(
        onFx(() -> robot.lookup("#hubCacheFolder").queryAs(Label.class).getText())
            .contains(tmp.resolve("hf-cache").toString()));
    assertTrue(
        onFx(
                () ->
                    robot
                        .lookup("#hubModels")
                        .queryAs(javafx.scene.control.TableView.class)
                        .getItems()
                        .size())
            >= 10,
        "the curated list is shown");
    robot.clickOn("#hubRepoId").write(REPO);
    robot.clickOn("#hubOpen");

    waitUntil(
        "progress is shown",
        () ->
            robot.lookup("#hubProgress").query().isVisible()
                && robot
                    .lookup("#hubProgressText")
                    .queryAs(Label.class)
                    .getText()
                    .startsWith("model.safetensors · "));
    String progress = onFx(() -> robot.lookup("#hubProgressText").queryAs(Label.class).getText());
    assertTrue(progress.matches("model\\.safetensors · [0-9.]+ kB of 978\\.2 kB.*"), progress);
    double fraction =
        onFx(() -> robot.lookup("#hubProgress").queryAs(ProgressBar.class).getProgress());
    assertTrue(fraction > 0 && fraction < 1, "part-way: " + fraction);
    assertEquals(
        "dinov2-hf", onFx(() -> vm.modelProperty().get().displayName()), "nothing opened yet");

    hub.releaseHeld();
    waitUntil(
        "the downloaded model is open",
        () ->
            !vm.busyProperty().get()
                && vm.modelProperty().get() != null
                && vm.modelProperty().get().displayName().equals(REPO));
    assertTrue(onFx(() -> vm.modelProperty().get().location()) instanceof HubModelLocation);
    assertTrue(onFx(() -> vm.titleProperty().get()).contains(REPO));
    waitUntil("the hub window closed", () -> !view.hubDialog().stage().isShowing());
  }

  @Test
  void aRepoTheHubDoesNotKnowShowsOneClearDialog(FxRobot robot) throws Exception {
    waitForPicture();
    robot
        .press(KeyCode.CONTROL, KeyCode.SHIFT)
        .type(KeyCode.O)
        .release(KeyCode.SHIFT, KeyCode.CONTROL);
    waitUntil("the hub window is up", () -> robot.lookup("#hubDialog").tryQuery().isPresent());

    robot.clickOn("#hubRepoId").write("acme/missing");
    robot.clickOn("#hubOpen");
    waitUntil("the error dialog is up", () -> robot.lookup("#errorDialog").tryQuery().isPresent());

    DialogPane dialog = robot.lookup("#errorDialog").queryAs(DialogPane.class);
    assertEquals("Model not found on the hub", onFx(dialog::getHeaderText));
    String message = onFx(() -> robot.lookup("#errorMessage").queryAs(Label.class).getText());
    assertTrue(message.contains("acme/missing") && message.contains("404"), message);
    assertFalse(message.contains("\tat "));
    assertEquals("dinov2-hf", onFx(() -> vm.modelProperty().get().displayName()));
  }

  @Test
  void aSavedSessionReopensToThePixelIdenticalExport(FxRobot robot) throws Exception {
    waitForPicture();
    robot.type(KeyCode.DIGIT2, KeyCode.LEFT, KeyCode.DOWN, KeyCode.DOWN);
    onFx(
        () -> {
          vm.mitigations().normalizerOnProperty().set(true);
          return null;
        });
    waitUntil(
        "the normaliser ran at block 3, head 0",
        () ->
            !vm.busyProperty().get()
                && !vm.outcomeProperty().get().primary().mitigations().isEmpty()
                && vm.viewer().blockProperty().get() == 3
                && vm.viewer().headProperty().get().toString().equals("Head 0"));
    Path before = tmp.resolve("before.png");
    exportViewTo(robot, before);
    Path session = tmp.resolve("session.json");
    dialogs.answers.add(session);
    robot.press(KeyCode.CONTROL).type(KeyCode.S).release(KeyCode.CONTROL);
    waitUntil("the session is saved", () -> vm.statusProperty().get().startsWith("Saved session"));

    robot.type(KeyCode.DIGIT1, KeyCode.RIGHT, KeyCode.UP);
    onFx(
        () -> {
          vm.mitigations().allOff();
          return null;
        });
    waitUntil(
        "the view changed",
        () ->
            !vm.busyProperty().get()
                && vm.outcomeProperty().get().primary().mitigations().isEmpty()
                && vm.viewer().quantityProperty().get() == Quantity.PATCH_NORM);
    Path changed = tmp.resolve("changed.png");
    exportViewTo(robot, changed);
    assertFalse(java.util.Arrays.equals(pixels(before), pixels(changed)), "the change shows");

    dialogs.answers.add(session);
    robot.clickOn("File").clickOn("Open session…");
    waitUntil(
        "the session is restored",
        () -> view.sessions().openedProperty().get() != null && !vm.busyProperty().get());
    assertEquals(
        java.util.List.of(
            AttentionNormalizer.softmax1(dev.sinkscope.inference.mitigation.BlockRange.ALL)),
        onFx(() -> vm.outcomeProperty().get().primary().mitigations().mitigations()));
    Path after = tmp.resolve("after.png");
    exportViewTo(robot, after);

    // Exact on purpose: both sides come from this machine's engine with the same settings (ADR
    // 0019).
    assertArrayEquals(
        pixels(before), pixels(after), "reopening the session gives the same picture");
    assertTrue(Files.size(after) > 10_000);
  }

  @Test
  void exportReportWritesTheFolderAndItsSessionReopensToTheSamePicture(FxRobot robot)
      throws Exception {
    waitForPicture();
    java.util.List<String> statuses = new java.util.concurrent.CopyOnWriteArrayList<>();
    java.util.List<String> steps = new java.util.concurrent.CopyOnWriteArrayList<>();
    onFx(
        () -> {
          vm.statusProperty().addListener((o, was, now) -> statuses.add(now));
          // the report's steps show where running work shows, beside its progress bar and Cancel
          vm.activityProperty().addListener((o, was, now) -> steps.add(now));
          vm.viewer().selectedPatchProperty().set(new PatchPosition(4, 7));
          vm.viewer().quantityProperty().set(Quantity.ATTENDED_BY);
          vm.viewer().blockProperty().set(2);
          return null;
        });
    waitUntil(
        "the column of patch (4, 7) at block 2 is shown",
        () ->
            !vm.busyProperty().get()
                && vm.viewer().renderedProperty().get().map() != null
                && vm.viewer().renderedProperty().get().map().quantity() == Quantity.ATTENDED_BY);
    Path before = tmp.resolve("before.png");
    exportViewTo(robot, before);
    Path folder = tmp.resolve("report");
    dialogs.answers.add(folder);

    robot.clickOn("File").clickOn("Export report…");
    waitUntil(
        "the report is written",
        () -> vm.statusProperty().get().startsWith("Exported report to " + folder));

    try (var files = Files.list(folder)) {
      assertEquals(
          java.util.List.of(
              "attended-by.png",
              "attention-received.png",
              "cls-attention.png",
              "index.html",
              "metrics.csv",
              "metrics.json",
              "norm.png",
              "session.json"),
          files.map(f -> f.getFileName().toString()).sorted().toList());
    }
    assertTrue(
        steps.stream().anyMatch(t -> t.matches("Exporting report: .*\\([0-9]+%\\)")),
        steps.toString());
    assertEquals(
        "attention to the selected patch (4, 7)",
        PngExport.readMetadata(folder.resolve("attended-by.png")).get("Quantity"));
    assertTrue(Files.readString(folder.resolve("metrics.csv")).startsWith("block,"));

    robot.type(KeyCode.DIGIT1, KeyCode.RIGHT);
    onFx(
        () -> {
          vm.viewer().selectedPatchProperty().set(null);
          return null;
        });
    waitUntil(
        "the view changed",
        () ->
            vm.viewer().quantityProperty().get() == Quantity.PATCH_NORM
                && vm.viewer().selectedPatchProperty().get() == null);
    dialogs.answers.add(folder.resolve("session.json"));
    robot.clickOn("File").clickOn("Open session…");
    waitUntil(
        "the report's session is restored",
        () ->
            view.sessions().openedProperty().get() != null
                && !vm.busyProperty().get()
                && vm.viewer().quantityProperty().get() == Quantity.ATTENDED_BY);
    Path after = tmp.resolve("after.png");
    exportViewTo(robot, after);

    // Exact on purpose: both sides come from this machine's engine with the same settings (ADR
    // 0019).
    assertArrayEquals(
        pixels(before), pixels(after), "the report's session reopens to the same picture");
  }

  @Test
  void exportReportIntoAPlaceThatIsAFileShowsOneLineDialog(FxRobot robot) throws Exception {
    waitForPicture();
    Path taken = Files.writeString(tmp.resolve("taken"), "not a folder");
    dialogs.answers.add(taken);

    robot.clickOn("File").clickOn("Export report…");
    waitUntil("the error dialog is up", () -> robot.lookup("#errorDialog").tryQuery().isPresent());

    String message = onFx(() -> robot.lookup("#errorMessage").queryAs(Label.class).getText());
    assertTrue(message.contains(taken.toString()) && !message.contains("\tat "), message);
    assertEquals(
        "Cannot export the report",
        onFx(() -> robot.lookup("#errorDialog").queryAs(DialogPane.class).getHeaderText()));
  }
}
