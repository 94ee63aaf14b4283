package dev.sinkscope.app.gui;

import static dev.sinkscope.app.gui.WindowTestSupport.flip;
import static dev.sinkscope.app.gui.WindowTestSupport.onFx;
import static dev.sinkscope.app.gui.WindowTestSupport.scrollIntoView;
import static dev.sinkscope.app.gui.WindowTestSupport.waitUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sinkscope.app.assets.BundledAssets;
import dev.sinkscope.app.gui.canvas.ZoomPane;
import dev.sinkscope.app.gui.common.FileDialogs;
import dev.sinkscope.app.gui.main.AppPreferences;
import dev.sinkscope.app.gui.main.MainViewModel;
import dev.sinkscope.app.gui.session.AnalyzedPass;
import dev.sinkscope.app.gui.session.InferenceService;
import dev.sinkscope.app.gui.session.ViewOutcome;
import dev.sinkscope.app.gui.tasks.FxTaskExecutor;
import dev.sinkscope.inference.mitigation.AttentionNormalizer;
import dev.sinkscope.inference.mitigation.HeadGate;
import dev.sinkscope.inference.mitigation.RegisterAblation;
import dev.sinkscope.inference.mitigation.TestTimeRegisters;
import dev.sinkscope.render.PngExport;
import java.awt.geom.Rectangle2D;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.prefs.Preferences;
import javafx.geometry.Point2D;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.control.DialogPane;
import javafx.scene.control.Label;
import javafx.scene.control.TabPane;
import javafx.scene.control.TableView;
import javafx.scene.image.Image;
import javafx.scene.image.ImageView;
import javafx.scene.input.KeyCode;
import javafx.stage.FileChooser;
import javafx.stage.Stage;
import javafx.stage.Window;
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
 * The whole window, headless (Monocle), on the tiny DINOv2 fixture and coffee.png, with the real
 * inference thread: opening, scrubbing, clicking a patch, every mitigation switch, the comparison,
 * export, the error dialog for a broken model, and the help overlay.
 */
@ExtendWith(ApplicationExtension.class)
@Tag("slow")
class MainWindowTest {

  @TempDir Path tmp;

  private MainViewModel vm;
  private MainView view;
  private Preferences node;
  private FxTaskExecutor tasks;
  private final AnsweringDialogs dialogs = new AnsweringDialogs();

  /** Answers the file dialogs from a queue the test fills. */
  static final class AnsweringDialogs implements FileDialogs {
    final Deque<Path> answers = new ArrayDeque<>();

    @Override
    public Optional<Path> chooseFolder(Window owner, String title, Optional<Path> start) {
      return Optional.ofNullable(answers.poll());
    }

    @Override
    public Optional<Path> openFile(
        Window owner,
        String title,
        Optional<Path> start,
        List<FileChooser.ExtensionFilter> filters) {
      return Optional.ofNullable(answers.poll());
    }

    @Override
    public Optional<Path> saveFile(
        Window owner,
        String title,
        Optional<Path> start,
        String suggestedName,
        List<FileChooser.ExtensionFilter> filters) {
      return Optional.ofNullable(answers.poll());
    }
  }

  @Start
  void start(Stage stage) {
    node = Preferences.userRoot().node("dev/sinkscope/test/window-" + System.nanoTime());
    tasks = FxTaskExecutor.start();
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
    Scene scene = SinkscopeApp.createScene(view);
    stage.setScene(scene);
    stage.setWidth(1280);
    stage.setHeight(800);
    stage.show();
    vm.startDefault(Fixtures.DINOV2, Fixtures.coffee());
  }

  @AfterEach
  void close() throws Exception {
    onFx(
        () -> {
          vm.close();
          return null;
        });
    tasks.close();
    node.removeNode();
  }

  // ------------------------------------------------------------------ helpers

  private void waitForPicture() throws Exception {
    waitUntil(
        "the first heatmap is on screen",
        () ->
            canvasImage() != null
                && !vm.busyProperty().get()
                && vm.viewer().renderedProperty().get() != null);
  }

  private void waitForOutcome(String what, Callable<Boolean> onOutcome) throws Exception {
    waitUntil(
        what,
        () -> !vm.busyProperty().get() && vm.outcomeProperty().get() != null && onOutcome.call());
  }

  private Image canvasImage() {
    return view.canvas().zoomPane().imageProperty().get();
  }

  private static int[] pixels(Image image) {
    int w = (int) image.getWidth();
    int h = (int) image.getHeight();
    int[] out = new int[w * h];
    image
        .getPixelReader()
        .getPixels(0, 0, w, h, javafx.scene.image.PixelFormat.getIntArgbInstance(), out, 0, w);
    return out;
  }

  private String text(FxRobot robot, String id) throws Exception {
    return onFx(() -> robot.lookup(id).queryAs(Label.class).getText());
  }

  /** Screen point of the centre of patch (row, col) on the canvas. */
  private Point2D screenPointOfPatch(int row, int col) throws Exception {
    return onFx(
        () -> {
          AnalyzedPass pass = vm.viewer().pass();
          Rectangle2D.Double bounds = pass.geometry().patchBoundsInOriginal(row, col, 16, 16);
          ZoomPane pane = view.canvas().zoomPane();
          return pane.localToScreen(pane.toPane(bounds.getCenterX(), bounds.getCenterY()));
        });
  }

  /**
   * The patch's screen point once the layout has settled: panels that fill in after the picture
   * (inspector, sparklines) can resize the canvas for a pulse or two, and a click computed before
   * that lands on another patch.
   */
  private Point2D settledPointOfPatch(int row, int col) throws Exception {
    Point2D last = null;
    for (int i = 0; i < 40; i++) {
      WaitForAsyncUtils.waitForFxEvents();
      Point2D now = screenPointOfPatch(row, col);
      if (now.equals(last)) {
        return now;
      }
      last = now;
    }
    throw new AssertionError("the canvas layout did not settle; last point " + last);
  }

  private ViewOutcome outcome() throws Exception {
    return onFx(() -> vm.outcomeProperty().get());
  }

  // ------------------------------------------------------------------ tests

  @Test
  void opensOnTheHeatmapOfTheLastBlock(FxRobot robot) throws Exception {
    waitForPicture();

    assertEquals("Block 4 of 4", text(robot, "#blockLabel"));
    assertEquals("dinov2-hf", text(robot, "#modelName"));
    assertNotNull(onFx(() -> robot.lookup("#legend").queryAs(ImageView.class).getImage()));
    int[] shown = onFx(() -> pixels(canvasImage()));
    int[] photo = onFx(() -> vm.outcomeProperty().get().image().photo().argb());
    int differing = 0;
    for (int i = 0; i < shown.length; i++) {
      differing += shown[i] != photo[i] ? 1 : 0;
    }
    assertTrue(
        differing > shown.length / 3,
        "the overlay covers the crop: " + differing + " of " + shown.length);
    assertTrue(onFx(() -> vm.titleProperty().get()).contains("dinov2-hf"));
  }

  @Test
  void arrowKeysScrubBlocksAndHeadsWithoutRunningTheModel(FxRobot robot) throws Exception {
    waitForPicture();
    ViewOutcome before = outcome();
    int[] atFour = onFx(() -> pixels(canvasImage()));

    robot.type(KeyCode.LEFT);
    waitUntil("block 3 shows", () -> vm.viewer().blockProperty().get() == 3);

    assertEquals("Block 3 of 4", text(robot, "#blockLabel"));
    assertFalse(java.util.Arrays.equals(atFour, onFx(() -> pixels(canvasImage()))));
    assertSame(before, outcome(), "scrubbing re-ran nothing");

    robot.type(KeyCode.DIGIT2, KeyCode.DOWN, KeyCode.DOWN);
    waitUntil(
        "head 0 is chosen", () -> vm.viewer().headProperty().get().toString().equals("Head 0"));
    assertTrue(
        onFx(() -> vm.viewer().renderedProperty().get().caption())
            .startsWith("Attention received"));
    assertSame(before, outcome());
  }

  @Test
  void clickingAPatchShowsWhatItAttendsTo(FxRobot robot) throws Exception {
    waitForPicture();

    robot.clickOn(settledPointOfPatch(6, 9));
    waitUntil("the selection is shown", () -> vm.viewer().selectedPatchProperty().get() != null);

    assertTrue(
        text(robot, "#selectionInfo").startsWith("patch (6, 9)"), text(robot, "#selectionInfo"));
    assertNotNull(
        onFx(() -> robot.lookup("#attendsToPreview").queryAs(ImageView.class).getImage()));
    assertNotNull(
        onFx(() -> robot.lookup("#attendedByPreview").queryAs(ImageView.class).getImage()));

    robot.moveTo(settledPointOfPatch(2, 3));
    waitUntil("hover reports the patch", () -> vm.viewer().hoverInfoProperty().get() != null);
    assertTrue(text(robot, "#hoverInfo").startsWith("patch (2, 3)"), text(robot, "#hoverInfo"));
  }

  @Test
  void everyMitigationSwitchRerunsTheModel(FxRobot robot) throws Exception {
    waitForPicture();

    dialogs.answers.add(Fixtures.TTR_NEURONS);
    onFx(
        () -> {
          scrollIntoView(robot.lookup("#loadNeuronMap").query());
          return null;
        });
    robot.clickOn("#loadNeuronMap");
    waitUntil(
        "the fixture map is chosen",
        () -> vm.mitigations().neuronMapProperty().get().label().startsWith("ttr.json"));
    flip(robot, "#ttrSwitch");
    waitForOutcome(
        "test-time registers ran",
        () ->
            vm.outcomeProperty().get().primary().mitigations().mitigations().stream()
                .anyMatch(m -> m instanceof TestTimeRegisters));
    assertTrue(
        onFx(
            () ->
                robot
                    .lookup("#tokenStrip")
                    .queryAs(javafx.scene.layout.Pane.class)
                    .getChildren()
                    .stream()
                    .anyMatch(
                        n -> n instanceof Label && ((Label) n).getText().startsWith("TTR 1"))));
    flip(robot, "#ttrSwitch");

    flip(robot, "#normalizerSwitch");
    waitForOutcome(
        "the normaliser ran",
        () ->
            vm.outcomeProperty()
                .get()
                .primary()
                .mitigations()
                .mitigations()
                .equals(
                    List.of(
                        AttentionNormalizer.softmax1(
                            dev.sinkscope.inference.mitigation.BlockRange.ALL))));
    assertTrue(text(robot, "#normalizerDescription").contains("softmax1"));
    flip(robot, "#normalizerSwitch");

    flip(robot, "#gateSwitch");
    waitForOutcome(
        "the head gate ran",
        () ->
            vm.outcomeProperty().get().primary().mitigations().mitigations().stream()
                .anyMatch(m -> m instanceof HeadGate));
    flip(robot, "#gateSwitch");
    waitForOutcome(
        "all off again", () -> vm.outcomeProperty().get().primary().mitigations().isEmpty());

    assertTrue(
        onFx(() -> robot.lookup("#registersSwitch").query().isDisabled()),
        "no registers in this model");
    onFx(
        () -> {
          vm.openModel(Fixtures.DINOV2_REGISTERS);
          return null;
        });
    waitForOutcome(
        "the model with registers is open", () -> vm.modelProperty().get().spec().registers() == 4);
    waitUntil(
        "its switch is enabled", () -> !robot.lookup("#registersSwitch").query().isDisabled());
    flip(robot, "#registersSwitch");
    waitForOutcome(
        "registers are dropped",
        () ->
            vm.outcomeProperty()
                    .get()
                    .primary()
                    .mitigations()
                    .mitigations()
                    .contains(new RegisterAblation())
                && vm.outcomeProperty().get().primary().result().layout().registers() == 0);
  }

  @Test
  void theComparisonShowsBothPassesTheirDifferenceAndMetrics(FxRobot robot) throws Exception {
    waitForPicture();
    flip(robot, "#normalizerSwitch");

    robot.type(KeyCode.C);
    waitUntil(
        "both panels are drawn",
        () ->
            view.canvas().getScene().lookup("#compareLeft") != null
                && ((ZoomPane) view.canvas().getScene().lookup("#compareLeft"))
                        .imageProperty()
                        .get()
                    != null
                && ((ZoomPane) view.canvas().getScene().lookup("#compareRight"))
                        .imageProperty()
                        .get()
                    != null);

    assertTrue(
        onFx(() ->
                robot
                    .lookup("#centerTabs")
                    .queryAs(TabPane.class)
                    .getSelectionModel()
                    .getSelectedItem()
                    .getText())
            .equals("Compare"));
    assertEquals(
        9,
        (int)
            onFx(
                () ->
                    robot
                        .lookup("#metricsTable")
                        .queryAs(TableView.class)
                        .getItems()
                        .size())); // with the row-sum readout
    assertTrue(text(robot, "#compareLeftTitle").startsWith("before"));
    assertTrue(text(robot, "#compareRightTitle").startsWith("after"));

    onFx(
        () -> {
          vm.compare()
              .displayProperty()
              .set(dev.sinkscope.app.gui.compare.CompareViewModel.Display.WIPE);
          return null;
        });
    waitUntil(
        "the wipe is drawn",
        () ->
            ((ZoomPane) view.canvas().getScene().lookup("#compareSingle")).imageProperty().get()
                != null);
    assertTrue(text(robot, "#wipeLeftLabel").contains("before"), text(robot, "#wipeLeftLabel"));
    assertTrue(text(robot, "#wipeRightLabel").contains("after"), text(robot, "#wipeRightLabel"));
    double zoomBefore =
        onFx(
            () ->
                ((ZoomPane) view.canvas().getScene().lookup("#compareSingle"))
                    .viewport()
                    .centerXProperty()
                    .get());
    javafx.geometry.Bounds wipeBox =
        onFx(
            () ->
                view.canvas()
                    .getScene()
                    .lookup("#compareSingle")
                    .localToScreen(
                        view.canvas().getScene().lookup("#compareSingle").getBoundsInLocal()));
    robot
        .drag(
            new javafx.geometry.Point2D(wipeBox.getCenterX(), wipeBox.getCenterY()),
            javafx.scene.input.MouseButton.PRIMARY)
        .moveTo(
            new javafx.geometry.Point2D(
                wipeBox.getCenterX() - wipeBox.getWidth() * 0.2, wipeBox.getCenterY()))
        .release(javafx.scene.input.MouseButton.PRIMARY);
    waitUntil("the drag moved the divider left", () -> vm.compare().wipeProperty().get() < 0.45);
    assertEquals(
        zoomBefore,
        onFx(
            () ->
                ((ZoomPane) view.canvas().getScene().lookup("#compareSingle"))
                    .viewport()
                    .centerXProperty()
                    .get()),
        1e-9,
        "dragging on the wipe does not pan");

    onFx(
        () -> {
          vm.compare()
              .displayProperty()
              .set(dev.sinkscope.app.gui.compare.CompareViewModel.Display.DIFFERENCE);
          return null;
        });
    waitUntil(
        "the difference is drawn",
        () ->
            ((ZoomPane) view.canvas().getScene().lookup("#compareSingle")).imageProperty().get()
                != null);
    assertNotNull(
        onFx(() -> robot.lookup("#differenceLegend").queryAs(ImageView.class).getImage()));

    robot.type(KeyCode.C);
    waitUntil(
        "back on the view",
        () ->
            robot
                .lookup("#centerTabs")
                .queryAs(TabPane.class)
                .getSelectionModel()
                .getSelectedItem()
                .getText()
                .equals("View"));
  }

  @Test
  void exportsTheViewAsPngWithMetadata(FxRobot robot) throws Exception {
    waitForPicture();
    Path png = tmp.resolve("view.png");
    dialogs.answers.add(png);

    robot.press(KeyCode.CONTROL).type(KeyCode.E).release(KeyCode.CONTROL);
    waitUntil("the file is written", () -> vm.statusProperty().get().startsWith("Exported"));

    assertEquals("dinov2-hf", PngExport.readMetadata(png).get("Model"));
    assertTrue(Files.size(png) > 10_000);
  }

  @Test
  void aBrokenModelShowsOneClearDialogAndTheOldModelStays(FxRobot robot) throws Exception {
    waitForPicture();
    Image before = onFx(this::canvasImage);
    dialogs.answers.add(Fixtures.brokenModel(tmp));

    onFx(
        () -> {
          scrollIntoView(robot.lookup("#openModel").query());
          return null;
        });
    robot.clickOn("#openModel");
    waitUntil("the error dialog is up", () -> robot.lookup("#errorDialog").tryQuery().isPresent());

    DialogPane dialog = robot.lookup("#errorDialog").queryAs(DialogPane.class);
    assertEquals("Cannot open model", onFx(dialog::getHeaderText));
    String message = onFx(() -> robot.lookup("#errorMessage").queryAs(Label.class).getText());
    assertTrue(message.contains("broken-model"), message);
    assertFalse(message.contains("\tat "), "no stack trace in the message");
    assertNotNull(onFx(dialog::getExpandableContent), "details are folded away");
    assertEquals("dinov2-hf", text(robot, "#modelName"));
    assertSame(before, onFx(this::canvasImage));

    Node ok = onFx(() -> dialog.lookupButton(javafx.scene.control.ButtonType.OK));
    assertTrue(
        onFx(() -> dialog.getScene().getWindow().getWidth()) < 700, "the dialog fits on screen");
    robot.clickOn(ok);
    waitUntil("the dialog is closed", () -> view.errors().current() == null);
  }

  @Test
  void escOnAnOpenMenuClosesTheMenuAndKeepsTheSelection(FxRobot robot) throws Exception {
    waitForPicture();
    robot.clickOn(settledPointOfPatch(6, 9));
    waitUntil("the selection is shown", () -> vm.viewer().selectedPatchProperty().get() != null);

    robot.clickOn("File");
    waitUntil("the File menu is open", () -> view.menuOpen());
    robot.type(KeyCode.ESCAPE);
    waitUntil("the menu is closed", () -> !view.menuOpen());

    assertNotNull(
        onFx(() -> vm.viewer().selectedPatchProperty().get()),
        "Esc on the menu kept the selection");
    robot.type(KeyCode.ESCAPE);
    waitUntil(
        "a second Esc clears the selection",
        () -> vm.viewer().selectedPatchProperty().get() == null);
  }

  @Test
  void helpListsTheShortcuts(FxRobot robot) throws Exception {
    waitForPicture();

    robot.type(KeyCode.F1);
    waitUntil("help is visible", () -> robot.lookup("#helpOverlay").query().isVisible());
    assertTrue(
        onFx(
            () ->
                robot.lookup("#helpOverlay").query().lookupAll(".help-keys").stream()
                    .anyMatch(n -> ((Label) n).getText().equals("← / →"))));

    robot.type(KeyCode.ESCAPE);
    waitUntil("help is hidden", () -> !robot.lookup("#helpOverlay").query().isVisible());
  }

  @Test
  void otherPhotosOpenFromTheGallery(FxRobot robot) throws Exception {
    waitForPicture();

    robot.clickOn("#photo-camera-png");
    waitForOutcome(
        "the gallery photo is shown",
        () -> vm.outcomeProperty().get().image().displayName().equals("camera.png"));

    assertNotEquals(600.0, onFx(() -> canvasImage().getWidth()));
    assertTrue(text(robot, "#imageName").startsWith("camera.png"));
  }

  @Test
  void aPastedPictureIsOpened(FxRobot robot) throws Exception {
    waitForPicture();
    onFx(
        () -> {
          javafx.scene.input.ClipboardContent content = new javafx.scene.input.ClipboardContent();
          content.putImage(new Image(Fixtures.coffee().toUri().toString()));
          javafx.scene.input.Clipboard.getSystemClipboard().setContent(content);
          return null;
        });

    robot.clickOn("#pasteImage");
    waitForOutcome(
        "the pasted picture is shown",
        () -> vm.outcomeProperty().get().image().displayName().equals("pasted image"));

    assertEquals(600.0, onFx(() -> canvasImage().getWidth()));
  }

  @Test
  void theSmallMultiplesShowEveryBlockAndEveryHead(FxRobot robot) throws Exception {
    waitForPicture();

    robot.clickOn("All blocks");
    waitUntil(
        "every block is drawn",
        () -> robot.lookup("#blocksImage").queryAs(ImageView.class).getImage() != null);
    robot.type(KeyCode.DIGIT2);
    robot.clickOn("All heads");
    waitUntil(
        "every head is drawn",
        () -> robot.lookup("#headsImage").queryAs(ImageView.class).getImage() != null);
  }

  @Test
  void exportsTheMetricsFromTheKeyboard(FxRobot robot) throws Exception {
    waitForPicture();
    Path csv = tmp.resolve("metrics.csv");
    dialogs.answers.add(csv);

    robot.press(KeyCode.CONTROL).type(KeyCode.M).release(KeyCode.CONTROL);
    waitUntil("the metrics are written", () -> vm.statusProperty().get().startsWith("Exported"));

    assertEquals(5, Files.readAllLines(csv).size());
  }
}
