package dev.sinkscope.app.gui.teaching;

import dev.sinkscope.app.gui.animation.AnimationExport;
import dev.sinkscope.app.gui.common.FileDialogs;
import dev.sinkscope.app.gui.common.UserError;
import dev.sinkscope.app.gui.lessons.Lesson;
import dev.sinkscope.app.gui.lessons.LessonView;
import dev.sinkscope.app.gui.lessons.LessonViewModel;
import dev.sinkscope.app.gui.main.MainViewModel;
import dev.sinkscope.app.gui.tasks.BackgroundTask;
import dev.sinkscope.app.report.MetricHelp;
import java.io.IOException;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Consumer;
import javafx.geometry.Orientation;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.Menu;
import javafx.scene.control.MenuBar;
import javafx.scene.control.MenuItem;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.SeparatorMenuItem;
import javafx.scene.control.SplitPane;
import javafx.scene.control.TextInputControl;
import javafx.scene.control.Tooltip;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyCodeCombination;
import javafx.scene.input.KeyCombination;
import javafx.scene.input.KeyEvent;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.Pane;
import javafx.scene.layout.StackPane;
import javafx.stage.FileChooser;
import javafx.stage.Window;

/**
 * The teaching features, added to the main window in one call: Help > Lessons (and a "Lessons"
 * button on the left panel), File > "Export animation (GIF)…" (Ctrl+G), View > Presentation (F11),
 * and their keys. Kept apart from the window's own layout code; it finds the menus by their names.
 */
public final class Teaching {
  public static final String STYLESHEET = "teaching.css";
  public static final FileChooser.ExtensionFilter GIF =
      new FileChooser.ExtensionFilter("Animated GIF", "*.gif");

  private final MainViewModel vm;
  private final BorderPane main;
  private final Window owner;
  private final FileDialogs dialogs;
  private final LessonViewModel lessons;
  private final PresentationMode presentation;
  private final Consumer<Boolean> showComparison;
  private final Set<String> offered = new HashSet<>();
  private SplitPane lessonColumn;
  private Node rightBeforeLesson;

  private Teaching(
      MainViewModel vm,
      StackPane root,
      BorderPane main,
      Window owner,
      FileDialogs dialogs,
      Consumer<Boolean> showComparison) {
    this.vm = vm;
    this.main = main;
    this.owner = owner;
    this.dialogs = dialogs;
    this.showComparison = showComparison;
    this.presentation = new PresentationMode(main, root, owner);
    this.lessons =
        new LessonViewModel(
            vm,
            new LessonViewModel.Host() {
              @Override
              public void showComparison(boolean on) {
                Teaching.this.showComparison.accept(on);
              }

              @Override
              public Set<String> features() {
                return Teaching.this.features();
              }
            });
  }

  /**
   * Adds the teaching features to a main window.
   *
   * @param showComparison shows the comparison tab (true) or the single view (false)
   */
  public static Teaching install(
      MainViewModel vm,
      StackPane root,
      BorderPane main,
      Window owner,
      FileDialogs dialogs,
      Consumer<Boolean> showComparison) {
    Teaching t = new Teaching(vm, root, main, owner, dialogs, showComparison);
    // Parse the metric catalogue off the FX thread before the first "?" needs it.
    BackgroundTask.run("Reading the metric catalogue", context -> MetricHelp.all())
        .quiet()
        .executeWith(vm.tasks());
    java.net.URL css = Teaching.class.getResource(STYLESHEET);
    if (css != null) {
      root.getStylesheets().add(css.toExternalForm());
    }
    t.addMenus();
    t.addLessonButton();
    t.lessons.showingProperty().addListener((obs, was, now) -> t.showLessonPanel(now));
    root.sceneProperty()
        .addListener(
            (obs, old, scene) -> {
              if (old != null) {
                old.removeEventFilter(KeyEvent.KEY_PRESSED, t::onKey);
              }
              if (scene != null) {
                scene.addEventFilter(KeyEvent.KEY_PRESSED, t::onKey);
              }
            });
    if (root.getScene() != null) {
      root.getScene().addEventFilter(KeyEvent.KEY_PRESSED, t::onKey);
    }
    return t;
  }

  public LessonViewModel lessons() {
    return lessons;
  }

  public PresentationMode presentation() {
    return presentation;
  }

  /** Opens the bundled course. */
  public void openLessons() {
    lessons.open(Lesson.bundled());
  }

  /**
   * Tells lessons that the app offers a feature (a lesson paragraph with {@code "when":
   * "feature:NAME"} shows only then), e.g. {@code offer("distill")} where the self-distilled
   * student is available. A "Distill…" button in the side panel or a menu item starting with
   * "Distill" counts as {@code distill} too.
   */
  public void offer(String feature) {
    offered.add(feature);
  }

  /** Features this build offers that a lesson may mention. */
  Set<String> features() {
    Set<String> features = new HashSet<>(offered);
    if (main.getLeft() != null && main.getLeft().lookup("#distillButton") != null) {
      features.add("distill"); // the "Self-distilled registers" card's "Distill…"
    }
    MenuBar bar = menuBar();
    if (bar != null) {
      for (Menu m : bar.getMenus()) {
        for (MenuItem item : m.getItems()) {
          if (item.getText() != null
              && item.getText().toLowerCase(Locale.ROOT).startsWith("distill")) {
            features.add("distill");
          }
        }
      }
    }
    return features;
  }

  private MenuBar menuBar() {
    return main.getTop() instanceof MenuBar bar ? bar : null;
  }

  private Menu menu(String name) {
    MenuBar bar = menuBar();
    if (bar == null) {
      return null;
    }
    for (Menu m : bar.getMenus()) {
      if (name.equals(m.getText())) {
        return m;
      }
    }
    Menu m = new Menu(name);
    bar.getMenus().add(m);
    return m;
  }

  private void addMenus() {
    Menu file = menu("File");
    if (file != null) {
      MenuItem animation =
          item(
              "Export animation (GIF)…",
              new KeyCodeCombination(KeyCode.G, KeyCombination.SHORTCUT_DOWN),
              this::exportAnimation);
      animation.setId("exportAnimationItem");
      int at = indexAfter(file, "Export report");
      file.getItems().add(at, animation);
    }
    Menu view = menu("View");
    if (view != null) {
      MenuItem present =
          item("Presentation", new KeyCodeCombination(KeyCode.F11), presentation::toggle);
      present.setId("presentationItem");
      view.getItems().addAll(new SeparatorMenuItem(), present);
    }
    Menu help = menu("Help");
    if (help != null) {
      MenuItem lesson =
          item(
              "Lessons",
              new KeyCodeCombination(KeyCode.L, KeyCombination.SHORTCUT_DOWN),
              this::openLessons);
      lesson.setId("lessonsItem");
      help.getItems().add(0, lesson);
    }
  }

  private static int indexAfter(Menu menu, String prefix) {
    List<MenuItem> items = menu.getItems();
    for (int i = 0; i < items.size(); i++) {
      if (items.get(i).getText() != null && items.get(i).getText().startsWith(prefix)) {
        return i + 1;
      }
    }
    return items.size();
  }

  /** A "Lessons" button at the top of the left panel, where a newcomer looks first. */
  private void addLessonButton() {
    Node left = main.getLeft();
    Node content = left instanceof ScrollPane s ? s.getContent() : left;
    if (content instanceof Pane pane) {
      Button start = new Button("New here? Start the lessons");
      start.setId("startLessons");
      start.getStyleClass().add("start-lessons");
      start.setMaxWidth(Double.MAX_VALUE);
      start.setTooltip(
          new Tooltip("A short guided course on attention sinks (Help > Lessons, Ctrl+L)"));
      start.setOnAction(e -> openLessons());
      pane.getChildren().add(0, start);
    }
  }

  private void showLessonPanel(boolean show) {
    if (show && lessonColumn == null) {
      LessonView view =
          new LessonView(
              lessons,
              new LessonView.Actions() {
                @Override
                public void openLessonFile() {
                  dialogs
                      .openFile(
                          owner,
                          "Open a lesson (JSON)",
                          vm.preferences().lastFolder("lesson"),
                          List.of(FileDialogs.JSON))
                      .ifPresent(
                          p -> {
                            vm.preferences()
                                .setLastFolder("lesson", p.toAbsolutePath().getParent());
                            try {
                              lessons.open(Lesson.read(p));
                            } catch (IOException e) {
                              vm.reportError(
                                  UserError.simple("Cannot open the lesson", e.getMessage()));
                            }
                          });
                }

                @Override
                public void exportLesson() {
                  dialogs
                      .chooseFolder(
                          owner,
                          "Export the lesson into folder",
                          vm.preferences().lastFolder("export"))
                      .ifPresent(lessons::exportHtml);
                }
              });
      rightBeforeLesson = main.getRight();
      lessonColumn =
          rightBeforeLesson == null ? new SplitPane(view) : new SplitPane(view, rightBeforeLesson);
      lessonColumn.setOrientation(Orientation.VERTICAL);
      lessonColumn.setDividerPositions(0.62);
      lessonColumn.setId("lessonColumn");
      lessonColumn.setPrefWidth(350);
      main.setRight(lessonColumn);
    } else if (!show && lessonColumn != null) {
      lessonColumn.getItems().clear();
      main.setRight(rightBeforeLesson);
      lessonColumn = null;
    }
  }

  private void exportAnimation() {
    dialogs
        .saveFile(
            owner,
            "Export animation",
            vm.preferences().lastFolder("export"),
            vm.exports()
                .suggestedFileName("animation", "gif")
                .replace(
                    "_animation",
                    "_animation_"
                        + vm.viewer()
                            .quantityProperty()
                            .get()
                            .name()
                            .toLowerCase(Locale.ROOT)
                            .replace('_', '-')),
            List.of(GIF))
        .ifPresent(
            p -> {
              vm.preferences().setLastFolder("export", p.toAbsolutePath().getParent());
              AnimationExport.export(vm, p);
            });
  }

  /**
   * Page Down / Page Up walk the lesson; F11 or Esc leave presentation mode (its menu is hidden
   * then).
   */
  private void onKey(KeyEvent e) {
    if (presentation.onProperty().get()
        && (e.getCode() == KeyCode.F11 || e.getCode() == KeyCode.ESCAPE)) {
      presentation.onProperty().set(false);
      e.consume();
      return;
    }
    if (!lessons.showingProperty().get() || e.getTarget() instanceof TextInputControl) {
      return;
    }
    if (e.getCode() == KeyCode.PAGE_DOWN) {
      lessons.next();
      e.consume();
    } else if (e.getCode() == KeyCode.PAGE_UP) {
      lessons.back();
      e.consume();
    }
  }

  private static MenuItem item(String text, KeyCombination accelerator, Runnable action) {
    MenuItem item = new MenuItem(text);
    item.setOnAction(e -> action.run());
    item.setAccelerator(accelerator);
    return item;
  }
}
