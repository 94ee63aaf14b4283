package dev.sinkscope.app.gui.lessons;

import javafx.beans.binding.Bindings;
import javafx.collections.ListChangeListener;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;

/**
 * The lesson side panel: the step's title and filled-in text, Back / Show me again / Next. Binds to
 * {@link LessonViewModel}.
 */
public final class LessonView extends VBox {
  /** What the panel's file buttons do (they need dialogs). */
  public interface Actions {
    void openLessonFile();

    void exportLesson();
  }

  private final VBox text = new VBox(10);

  public LessonView(LessonViewModel vm, Actions actions) {
    setId("lessonPanel");
    getStyleClass().add("lesson-panel");
    setSpacing(8);
    setPadding(new Insets(10));

    Label course = new Label();
    course.setId("lessonTitle");
    course.getStyleClass().add("lesson-title");
    course.setWrapText(true);
    course
        .textProperty()
        .bind(
            Bindings.createStringBinding(
                () -> vm.lessonProperty().get() == null ? "" : vm.lessonProperty().get().title(),
                vm.lessonProperty()));
    Label position = new Label();
    position.setId("lessonPosition");
    position.getStyleClass().add("lesson-position");
    position.textProperty().bind(vm.positionProperty());
    Label stepTitle = new Label();
    stepTitle.setId("lessonStepTitle");
    stepTitle.getStyleClass().add("lesson-step-title");
    stepTitle.setWrapText(true);
    stepTitle.textProperty().bind(vm.titleProperty());

    text.setId("lessonText");
    vm.paragraphs().addListener((ListChangeListener<String>) c -> showText(vm));
    showText(vm);
    ScrollPane scroll = new ScrollPane(text);
    scroll.setFitToWidth(true);
    scroll.setHbarPolicy(ScrollPane.ScrollBarPolicy.NEVER);
    scroll.getStyleClass().add("lesson-scroll");
    VBox.setVgrow(scroll, Priority.ALWAYS);

    Button back = button("← Back", "lessonBack", "Previous step (Page Up)", vm::back);
    Button again =
        button("Show me again", "lessonAgain", "Put this step's picture back", vm::showAgain);
    Button next = button("Next →", "lessonNext", "Next step (Page Down)", vm::next);
    back.disableProperty()
        .bind(
            Bindings.createBooleanBinding(
                () -> !vm.canGoBack(), vm.indexProperty(), vm.lessonProperty()));
    next.disableProperty()
        .bind(
            Bindings.createBooleanBinding(
                () -> !vm.canGoNext(), vm.indexProperty(), vm.lessonProperty()));
    next.setDefaultButton(false);
    Region gap = new Region();
    HBox.setHgrow(gap, Priority.ALWAYS);
    HBox nav = new HBox(6, back, again, gap, next);
    nav.setAlignment(Pos.CENTER_LEFT);

    Button open =
        button(
            "Open lesson file…",
            "lessonOpen",
            "A lesson written as JSON (see the README)",
            actions::openLessonFile);
    Button export =
        button(
            "Export as HTML…",
            "lessonExport",
            "Walks every step and writes a page with its" + " pictures",
            actions::exportLesson);
    Button close = button("Close", "lessonClose", "Hide the lesson", vm::close);
    // Buttons keep their whole labels; the file row wraps in a narrow panel instead of eliding
    // them.
    for (Button b : new Button[] {back, again, next, open, export, close}) {
      b.setMinWidth(Region.USE_PREF_SIZE);
    }
    javafx.scene.layout.FlowPane files =
        new javafx.scene.layout.FlowPane(6, 6, open, export, close);
    files.setAlignment(Pos.CENTER_LEFT);

    Label waiting = new Label("Working…");
    waiting.getStyleClass().add("lesson-waiting");
    waiting.visibleProperty().bind(vm.waitingProperty());
    waiting.managedProperty().bind(waiting.visibleProperty());

    getChildren().addAll(course, position, stepTitle, waiting, scroll, nav, files);
    setMinWidth(300);
    setPrefWidth(360);
  }

  private void showText(LessonViewModel vm) {
    text.getChildren().clear();
    for (String p : vm.paragraphs()) {
      Label l = new Label(p);
      l.setWrapText(true);
      l.getStyleClass().add("lesson-paragraph");
      l.setMinHeight(Region.USE_PREF_SIZE);
      text.getChildren().add(l);
    }
  }

  private static Button button(String text, String id, String tip, Runnable action) {
    Button b = new Button(text);
    b.setId(id);
    b.setTooltip(new Tooltip(tip));
    b.setOnAction(e -> action.run());
    b.setFocusTraversable(false);
    return b;
  }
}
