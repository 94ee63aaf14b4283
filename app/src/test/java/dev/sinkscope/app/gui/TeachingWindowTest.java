package dev.sinkscope.app.gui;

import static dev.sinkscope.app.gui.WindowTestSupport.onFx;
import static dev.sinkscope.app.gui.WindowTestSupport.waitUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sinkscope.app.assets.BundledAssets;
import dev.sinkscope.app.gui.canvas.HeadChoice;
import dev.sinkscope.app.gui.canvas.Quantity;
import dev.sinkscope.app.gui.common.MetricHelpMarks;
import dev.sinkscope.app.gui.compare.MetricRow;
import dev.sinkscope.app.gui.lessons.Lesson;
import dev.sinkscope.app.gui.lessons.LessonText;
import dev.sinkscope.app.gui.lessons.LessonValues;
import dev.sinkscope.app.gui.lessons.LessonViewModel;
import dev.sinkscope.app.gui.main.AppPreferences;
import dev.sinkscope.app.gui.main.MainViewModel;
import dev.sinkscope.app.gui.session.AnalyzedPass;
import dev.sinkscope.app.gui.session.CompareTarget;
import dev.sinkscope.app.gui.session.InferenceService;
import dev.sinkscope.app.gui.session.PhantomTruth;
import dev.sinkscope.app.gui.tasks.FxTaskExecutor;
import dev.sinkscope.app.gui.teaching.PresentationMode;
import dev.sinkscope.inference.analysis.LayerSummary;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.prefs.Preferences;
import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableView;
import javafx.scene.input.KeyCode;
import javafx.scene.layout.BorderPane;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/** Lessons, presentation mode and the "?" marks in the real window on the bundled sink phantom. */
@ExtendWith(ApplicationExtension.class)
class TeachingWindowTest {
  @TempDir Path tmp;

  private MainViewModel vm;
  private MainView view;
  private Preferences node;
  private FxTaskExecutor tasks;
  private final MainWindowTest.AnsweringDialogs dialogs = new MainWindowTest.AnsweringDialogs();

  @Start
  void start(Stage stage) throws Exception {
    node = Preferences.userRoot().node("dev/sinkscope/test/teaching-" + System.nanoTime());
    tasks = FxTaskExecutor.start();
    BundledAssets assets = PhantomTruth.assets(tmp.resolve("cache"));
    vm =
        new MainViewModel(
            listener ->
                new InferenceService(tasks.inferenceLane(), tasks.ui(), Fixtures.cpu(), listener),
            assets,
            new AppPreferences(node),
            tasks);
    view = new MainView(vm, stage, dialogs);
    stage.setScene(SinkscopeApp.createScene(view));
    stage.setWidth(1280);
    stage.setHeight(800);
    stage.show();
    vm.mitigations().denoiseViewsProperty().set(4);
    vm.startDefault(null, null); // the phantom on coffee.png
  }

  @AfterEach
  void close() throws Exception {
    onFx(() -> vm.close());
    tasks.close();
    node.removeNode();
  }

  private void waitForThePicture() throws Exception {
    waitUntil(
        "the phantom is on screen", () -> vm.viewer().pass() != null && !vm.busyProperty().get());
  }

  private LessonViewModel lessons() {
    return view.teaching().lessons();
  }

  private void waitForTheStep() throws Exception {
    waitUntil("the step's state is on screen", () -> !lessons().waitingProperty().get());
  }

  private static LayerSummary at(AnalyzedPass pass, int block) {
    return pass.report().summaries().get(block - 1);
  }

  @Test
  void aNewcomerWalksTheLessonFromTheStartButtonToTheEnd(FxRobot robot) throws Exception {
    waitForThePicture();
    robot.clickOn("#startLessons");
    waitForTheStep();
    Lesson lesson = onFx(() -> lessons().lessonProperty().get());
    assertEquals(8, lesson.steps().size());
    assertNotNull(robot.lookup("#lessonPanel").query(), "the lesson opens in a side panel");

    for (int i = 0; i < lesson.steps().size(); i++) {
      int step = i;
      if (i > 0) {
        if (i % 2 == 0) {
          robot.clickOn("#lessonNext");
        } else {
          robot.type(KeyCode.PAGE_DOWN); // the keyboard walks too
        }
        waitForTheStep();
      }
      assertEquals(step, (int) onFx(() -> lessons().indexProperty().get()));
      Lesson.StepState st = lesson.steps().get(step).state();
      List<String> shown = onFx(() -> List.copyOf(lessons().paragraphs()));
      String text = String.join("\n", shown);
      assertFalse(shown.isEmpty(), "step " + (step + 1) + " has text");
      assertFalse(
          text.contains("{") || text.contains(LessonText.UNKNOWN),
          "every placeholder filled: " + text);
      assertFalse(
          text.contains(LessonValues.NOT_AVAILABLE),
          "no value missing in step " + (step + 1) + ": " + text);
      List<String> onScreen =
          onFx(
              () ->
                  robot.lookup("#lessonText .label").queryAllAs(Label.class).stream()
                      .map(Label::getText)
                      .toList());
      assertEquals(shown, onScreen, "the panel shows the filled-in text");
      onFx(() -> checkState(step, st, text));
    }
    assertTrue(
        onFx(() -> robot.lookup("#lessonNext").query().isDisabled()), "the last step has no Next");
    onFx(() -> view.teaching().offer("distill")); // as a build with the self-distilled student does
    robot.clickOn("#lessonBack");
    waitForTheStep();
    assertTrue(
        onFx(() -> String.join(" ", lessons().paragraphs())).contains("Distill"),
        "step 7 mentions the distilled student where the app offers it");
    robot.clickOn("#lessonNext");
    waitForTheStep();
    robot.clickOn("#lessonBack");
    waitForTheStep();
    assertEquals(6, (int) onFx(() -> lessons().indexProperty().get()));
  }

  /** The app is in the step's state and the step's numbers are those of the run on screen. */
  private void checkState(int step, Lesson.StepState st, String text) {
    AnalyzedPass pass = vm.viewer().pass();
    int block = vm.viewer().blockProperty().get();
    assertEquals(BundledAssets.PHANTOM, pass.model().displayName());
    assertEquals("coffee.png", vm.outcomeProperty().get().image().displayName());
    assertEquals(
        Quantity.valueOf(st.quantity()),
        vm.viewer().quantityProperty().get(),
        "step " + (step + 1));
    String where = "step " + (step + 1) + ": " + text;
    switch (step) {
      case 0 -> {
        assertEquals(pass.blocks(), block);
        assertTrue(vm.mitigations().stackProperty().get().isEmpty());
        int count = at(pass, block).artifactCount();
        assertTrue(count > 0, "the phantom has artifacts on coffee.png");
        assertTrue(text.contains(count + " patches, ringed in red"), where);
        assertTrue(text.contains("(" + pass.result().layout().patchCount() + " here)"), where);
      }
      case 1 -> {
        assertTrue(pass.report().emergence().found());
        assertEquals(
            pass.report().emergence().block(), block, "the slider is at the emergence block");
        assertTrue(text.contains("now at block " + block), where);
      }
      case 2 -> {
        assertEquals(HeadChoice.MEAN, vm.viewer().headProperty().get());
        String share =
            String.format(
                java.util.Locale.ROOT, "%.1f %%", 100 * at(pass, block).sinkMassOnArtifacts());
        assertTrue(text.contains("take " + share + " of all attention"), where);
      }
      case 3 -> {
        assertEquals(CompareTarget.Kind.BEFORE_AFTER, vm.compare().modeProperty().get());
        assertTrue(vm.compare().activeProperty().get(), "the comparison tab is shown");
        assertTrue(vm.mitigations().normalizerOnProperty().get());
        assertEquals("4-7", vm.mitigations().normalizerBlocksProperty().get());
        AnalyzedPass after = vm.compare().rightPass();
        double before = at(vm.compare().leftPass(), block).sinkMassOnArtifacts();
        double now = at(after, block).sinkMassOnArtifacts();
        assertTrue(now < before, "a sigmoid takes mass off the sinks");
        assertTrue(text.contains("sum to 1 on average"), "softmax rows sum to 1: " + text);
        assertTrue(text.contains("Less attention lands on the sinks"), where);
        assertTrue(text.contains("probe"), where);
      }
      case 4 -> {
        assertEquals(CompareTarget.Kind.OTHER_MODEL, vm.compare().modeProperty().get());
        AnalyzedPass b = vm.compare().rightPass();
        assertEquals(BundledAssets.PHANTOM_REGISTERS, b.model().displayName());
        assertTrue(
            text.contains(
                at(vm.compare().leftPass(), block).artifactCount()
                    + " without registers, "
                    + at(b, block).artifactCount()
                    + " with them"),
            where);
      }
      case 5 -> {
        assertTrue(vm.mitigations().ttrOnProperty().get());
        String map = vm.mitigations().neuronMapProperty().get().label();
        assertTrue(
            map.startsWith("discovered on "), "the neurons found on the bundled photos: " + map);
        assertTrue(text.contains(map), where);
        assertTrue(
            text.contains(
                at(vm.compare().leftPass(), block).artifactCount()
                    + " artifact patches before, "
                    + at(vm.compare().rightPass(), block).artifactCount()
                    + " after"),
            where);
      }
      case 6 -> {
        assertTrue(vm.mitigations().denoiseOnProperty().get());
        assertTrue(pass.denoised());
        boolean offered = view.root().lookup("#distillButton") != null;
        assertEquals(
            offered,
            text.contains("Distill…"),
            "the distilled student is mentioned exactly when the app" + " offers it: " + text);
      }
      case 7 -> {
        assertTrue(vm.mitigations().stackProperty().get().isEmpty());
        assertFalse(vm.compare().activeProperty().get());
        assertTrue(
            text.contains(
                pass.blocks()
                    + " blocks, "
                    + at(pass, block).artifactCount()
                    + " artifact patches"),
            where);
      }
      default -> throw new AssertionError("step " + step);
    }
  }

  @Test
  void showMeAgainPutsTheStepsStateBackAfterTheUserChangedIt(FxRobot robot) throws Exception {
    waitForThePicture();
    onFx(() -> view.teaching().openLessons());
    waitForTheStep();
    robot.clickOn("#lessonNext");
    waitForTheStep();
    robot.clickOn("#lessonNext"); // step 3: attention received at the last block
    waitForTheStep();
    int last = onFx(() -> vm.viewer().pass().blocks());
    onFx(
        () -> {
          vm.viewer().quantityProperty().set(Quantity.ROLLOUT);
          vm.viewer().blockProperty().set(1);
        });
    robot.type(KeyCode.RIGHT); // the user can still touch everything
    assertEquals(2, (int) onFx(() -> vm.viewer().blockProperty().get()));

    robot.clickOn("#lessonAgain");
    waitForTheStep();

    assertEquals(Quantity.ATTENTION_RECEIVED, onFx(() -> vm.viewer().quantityProperty().get()));
    assertEquals(last, (int) onFx(() -> vm.viewer().blockProperty().get()));
  }

  @Test
  void aLessonIsExportedAsOnePageWithAPicturePerStep(FxRobot robot) throws Exception {
    waitForThePicture();
    onFx(() -> view.teaching().openLessons());
    waitForTheStep();
    Path folder = tmp.resolve("lesson");

    onFx(() -> lessons().exportHtml(folder));

    waitUntil(
        "the lesson is written", () -> vm.statusProperty().get().startsWith("Exported the lesson"));
    String html = Files.readString(folder.resolve("index.html"));
    org.jsoup.nodes.Document page = org.jsoup.Jsoup.parse(html);
    assertEquals(8, page.select("section.step").size());
    for (org.jsoup.nodes.Element img : page.select("img")) {
      assertTrue(Files.isRegularFile(folder.resolve(img.attr("src"))), img.attr("src"));
    }
    assertEquals(8, page.select("img").size(), "one picture per step");
    assertFalse(page.text().contains("{") || page.text().contains(LessonText.UNKNOWN));
    assertEquals(
        0, (int) onFx(() -> lessons().indexProperty().get()), "back at the step shown before");
  }

  @Test
  void presentationModeFillsTheWindowWithTheCanvasAndKeysStillWork(FxRobot robot) throws Exception {
    waitForThePicture();
    BorderPane main = (BorderPane) robot.lookup("#mainPane").query();
    double canvasWidth = onFx(() -> view.canvas().getWidth());
    assertNotNull(main.getLeft());

    robot.type(KeyCode.F11);
    WaitForAsyncUtils.waitForFxEvents();

    assertTrue(onFx(() -> view.teaching().presentation().onProperty().get()));
    onFx(
        () -> {
          assertNull(main.getLeft(), "side panels hidden");
          assertNull(main.getRight());
          assertNull(main.getTop(), "menus hidden");
          assertNull(main.getBottom());
          assertTrue(
              view.root().getStyleClass().contains(PresentationMode.STYLE_CLASS), "larger fonts");
        });
    waitUntil("the canvas grows", () -> view.canvas().getWidth() > canvasWidth + 300);
    int block = onFx(() -> vm.viewer().blockProperty().get());
    robot.type(KeyCode.LEFT);
    assertEquals(
        block - 1, (int) onFx(() -> vm.viewer().blockProperty().get()), "block keys still work");
    robot.type(KeyCode.DOWN);
    assertEquals(
        HeadChoice.MAX, onFx(() -> vm.viewer().headProperty().get()), "head keys still work");
    robot.type(KeyCode.DIGIT2);
    assertEquals(Quantity.values()[1], onFx(() -> vm.viewer().quantityProperty().get()));

    robot.type(KeyCode.F11);
    WaitForAsyncUtils.waitForFxEvents();

    assertFalse(onFx(() -> view.teaching().presentation().onProperty().get()));
    onFx(
        () -> {
          assertNotNull(main.getLeft());
          assertNotNull(main.getRight());
          assertNotNull(main.getTop());
          assertNotNull(main.getBottom());
          assertFalse(view.root().getStyleClass().contains(PresentationMode.STYLE_CLASS));
        });
  }

  @Test
  void everyMetricRowHasAQuestionMarkThatExplainsIt(FxRobot robot) throws Exception {
    waitForThePicture();
    List<Label> names =
        onFx(() -> List.copyOf(robot.lookup(".metric-name").queryAllAs(Label.class)));
    assertTrue(names.size() >= 10, names.size() + " inspector rows");
    for (Label name : names) {
      explains(name.getGraphic(), "inspector row " + name.getText());
    }
    explains(robot.lookup("#blockProfile").queryAs(Label.class).getGraphic(), "sparkline");

    onFx(
        () -> {
          vm.mitigations().ttrOnProperty().set(true);
          view.showComparison(true);
          vm.compare().modeProperty().set(CompareTarget.Kind.BEFORE_AFTER);
        });
    waitUntil(
        "the comparison table is filled",
        () -> !vm.compare().metrics().isEmpty() && vm.compare().rightPass() != null);
    WaitForAsyncUtils.waitForFxEvents();
    List<MetricRow> rows = onFx(() -> List.copyOf(vm.compare().metrics()));
    @SuppressWarnings("unchecked")
    TableView<MetricRow> table = robot.lookup("#metricsTable").queryAs(TableView.class);
    List<String> marked =
        onFx(
            () -> {
              List<String> out = new ArrayList<>();
              for (Node cell : table.lookupAll(".table-cell")) {
                if (cell instanceof TableCell<?, ?> c
                    && c.getTableColumn() == table.getColumns().get(0)
                    && c.getItem() != null) {
                  explains(c.getGraphic(), "table row " + c.getItem());
                  out.add(c.getItem().toString());
                }
              }
              return out;
            });
    assertEquals(
        Set.copyOf(rows.stream().map(MetricRow::metric).toList()),
        Set.copyOf(marked),
        "every row of the comparison table has its \"?\"");
  }

  private static void explains(Node graphic, String what) {
    assertNotNull(graphic, what + " has a \"?\"");
    assertTrue(graphic.getStyleClass().contains(MetricHelpMarks.STYLE_CLASS), what);
    String tip = ((Label) graphic).getTooltip().getText();
    assertTrue(
        tip.contains("Formula: ") && tip.contains("No artifact: ") && tip.contains("Method: "),
        what + ": " + tip);
  }

  @Test
  void aLessonFileThatIsNotALessonIsRefusedWithItsName() throws Exception {
    Path bad = tmp.resolve("broken.lesson.json");
    Files.writeString(bad, "{\"title\": \"x\"}");
    var e =
        org.junit.jupiter.api.Assertions.assertThrows(
            java.io.IOException.class, () -> Lesson.read(bad));
    assertTrue(
        e.getMessage().startsWith("broken.lesson.json is not a Sinkscope lesson"), e.getMessage());
    assertTrue(e.getMessage().contains("steps"), e.getMessage());
    Map<String, String> none = LessonValues.of(null, null, null, 1);
    assertSame(LessonValues.NOT_AVAILABLE, none.get("artifactCount"));
  }
}
