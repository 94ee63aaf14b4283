package dev.sinkscope.app.gui;

import static dev.sinkscope.app.gui.WindowTestSupport.onFx;
import static dev.sinkscope.app.gui.WindowTestSupport.waitUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sinkscope.app.assets.BundledAssets;
import dev.sinkscope.app.gui.common.UserError;
import dev.sinkscope.app.gui.common.WindowFit;
import dev.sinkscope.app.gui.main.AppPreferences;
import dev.sinkscope.app.gui.main.MainViewModel;
import dev.sinkscope.app.gui.mitigations.DiscoveryDialog;
import dev.sinkscope.app.gui.session.InferenceService;
import dev.sinkscope.app.gui.session.ModelLocation;
import dev.sinkscope.app.gui.tasks.FxTaskExecutor;
import dev.sinkscope.inference.hub.HubSettings;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.prefs.Preferences;
import javafx.geometry.Bounds;
import javafx.geometry.Rectangle2D;
import javafx.scene.Node;
import javafx.scene.Parent;
import javafx.scene.Scene;
import javafx.scene.control.Control;
import javafx.scene.control.Dialog;
import javafx.scene.control.Labeled;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.text.Text;
import javafx.stage.Stage;
import javafx.stage.Window;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/**
 * The window at the smallest and a common size, on the bundled phantom with registers (the longest
 * names), in the default state of every tab and dialog: no control lies outside the window or the
 * screen, no label is cut off with an ellipsis, and the photo stays larger than the thumbnails.
 */
@ExtendWith(ApplicationExtension.class)
class LayoutFitTest {
  // The smallest supported window, the default first window (1440 x 900), a full HD screen.
  private static final double[][] SIZES = {{1024, 700}, {1440, 900}, {1920, 1080}};

  @TempDir Path tmp;

  private Stage stage;
  private MainViewModel vm;
  private MainView view;
  private Preferences node;
  private FxTaskExecutor tasks;

  @Start
  void start(Stage stage) {
    this.stage = stage;
    node = Preferences.userRoot().node("dev/sinkscope/test/layout-" + System.nanoTime());
    tasks = FxTaskExecutor.start();
    BundledAssets assets =
        new BundledAssets(
            getClass().getClassLoader(), BundledAssets.DEFAULT_ROOT, tmp.resolve("cache"));
    vm =
        new MainViewModel(
            listener ->
                new InferenceService(tasks.inferenceLane(), tasks.ui(), Fixtures.cpu(), listener),
            assets,
            new AppPreferences(node),
            tasks);
    view = new MainView(vm, stage, new MainWindowTest.AnsweringDialogs());
    HubSettings hub =
        HubSettings.from(
            Map.of("HF_HUB_CACHE", tmp.resolve("hf-cache").toString(), "HF_HUB_OFFLINE", "1"),
            Map.of("user.home", tmp.toString()));
    view.setHubSettings(() -> hub);
    stage.setScene(SinkscopeApp.createScene(view));
    stage.setX(0);
    stage.setY(0);
    stage.setWidth(1024);
    stage.setHeight(700);
    stage.show();
    vm.startDefault(null, null);
    vm.openModelLocation(new ModelLocation.Bundled(BundledAssets.PHANTOM_REGISTERS, assets));
  }

  @AfterEach
  void close() throws Exception {
    onFx(() -> vm.close());
    tasks.close();
    node.removeNode();
  }

  @Test
  void everyTabAndDialogFitsAt1024x700And1920x1080() throws Exception {
    waitUntil(
        "the phantom with registers is shown",
        () ->
            !vm.busyProperty().get()
                && vm.modelProperty().get() != null
                && vm.modelProperty().get().displayName().contains("registers")
                && vm.viewer().renderedProperty().get() != null);
    List<String> problems = new ArrayList<>();
    for (double[] size : SIZES) {
      String where = (int) size[0] + "x" + (int) size[1] + " ";
      onFx(
          () -> {
            stage.setWidth(size[0]);
            stage.setHeight(size[1]);
          });
      settle();
      TabPane tabs = onFx(() -> (TabPane) stage.getScene().lookup("#centerTabs"));
      for (int i = 0; i < 4; i++) {
        int index = i;
        Tab tab = onFx(() -> tabs.getTabs().get(index));
        onFx(() -> tabs.getSelectionModel().select(tab));
        settle();
        problems.addAll(
            onFx(() -> prefixed(where + tab.getText() + " tab: ", problemsIn(stage.getScene()))));
        if (tab.getId().equals("viewTab")) {
          double[] photo =
              onFx(
                  () ->
                      new double[] {
                        view.canvas().zoomPane().getWidth(), view.canvas().zoomPane().getHeight()
                      });
          if (Math.min(photo[0], photo[1]) < 240) {
            problems.add(
                where
                    + "the photo area is only "
                    + (int) photo[0]
                    + " x "
                    + (int) photo[1]
                    + " px");
          }
        }
      }
      onFx(() -> tabs.getSelectionModel().select(0));

      List<Dialog<?>> dialogs =
          onFx(
              () ->
                  List.of(
                      DiscoveryDialog.create(stage, vm.neuronMaps().defaults(), Optional::empty),
                      view.showRealCheckpointHelp(),
                      view.showPhantomNote()));
      onFx(() -> dialogs.get(0).show());
      onFx(
          () ->
              view.errors()
                  .show(
                      UserError.simple(
                          "Cannot open model",
                          "/a/rather/long/path/to/a/model/folder"
                              + "/that/someone/chose/model.safetensors is not a model file: it is a named pipe (FIFO).")));
      onFx(() -> view.hubDialog().show());
      settle();
      for (Window w : onFx(() -> List.copyOf(Window.getWindows()))) {
        if (w == stage || !onFx(w::isShowing)) {
          continue;
        }
        String name =
            where
                + onFx(
                    () ->
                        w.getScene().getRoot().getId() != null
                            ? w.getScene().getRoot().getId()
                            : w instanceof Stage s ? s.getTitle() : w.toString())
                + ": ";
        problems.addAll(onFx(() -> prefixed(name, problemsIn(w.getScene()))));
        problems.addAll(onFx(() -> prefixed(name, offScreen(w))));
        // The headless screen is 1920 x 1080: a dialog must also fit a screen as small as the
        // window.
        if (onFx(w::getWidth) > size[0] || onFx(w::getHeight) > size[1]) {
          problems.add(
              name
                  + "is "
                  + onFx(w::getWidth).intValue()
                  + " x "
                  + onFx(w::getHeight).intValue()
                  + ", larger than a "
                  + where
                  + "screen");
        }
      }
      onFx(
          () -> {
            for (Dialog<?> d : dialogs) {
              d.close();
            }
            view.errors().current().close();
            view.hubDialog().stage().close();
          });
      settle();
    }
    assertEquals(List.of(), problems, "layout problems");
  }

  @Test
  void sidePanelsCollapseToGiveThePhotoTheRoom() throws Exception {
    waitUntil(
        "a picture",
        () -> !vm.busyProperty().get() && vm.viewer().renderedProperty().get() != null);
    double before = onFx(() -> view.canvas().zoomPane().getWidth());
    onFx(() -> view.sidePanelsShownProperty().set(false));
    settle();
    double after = onFx(() -> view.canvas().zoomPane().getWidth());
    assertTrue(
        after > before + 200,
        "hiding both side panels widens the photo: " + before + " -> " + after);
    assertEquals(List.of(), onFx(() -> problemsIn(stage.getScene())));
  }

  @Test
  void theCompareTabOpensOnBeforeAfterAndSaysWhenBothSidesAreOnePass() throws Exception {
    waitUntil(
        "a picture",
        () -> !vm.busyProperty().get() && vm.viewer().renderedProperty().get() != null);
    TabPane tabs = onFx(() -> (TabPane) stage.getScene().lookup("#centerTabs"));
    onFx(() -> tabs.getSelectionModel().select(3));
    waitUntil(
        "both passes are shown",
        () -> !vm.busyProperty().get() && vm.compare().rightProperty().get() != null);

    assertEquals(
        dev.sinkscope.app.gui.session.CompareTarget.Kind.BEFORE_AFTER,
        onFx(() -> vm.compare().modeProperty().get()));
    assertTrue(onFx(() -> vm.compare().noteProperty().get()).startsWith("No mitigation is on"));
    assertTrue(onFx(() -> stage.getScene().lookup("#ratioChart").isVisible()));
    // The phantom with registers: its registers are listed under both pictures.
    for (String side : List.of("#compareLeftChips", "#compareRightChips")) {
      assertTrue(
          onFx(
              () ->
                  ((Parent) stage.getScene().lookup(side))
                      .getChildrenUnmodifiable().stream()
                          .anyMatch(n -> n instanceof Labeled l && l.getText().startsWith("reg"))),
          side + " shows the registers");
    }

    onFx(() -> vm.mitigations().gateOnProperty().set(true));
    waitUntil(
        "the gated pass is compared",
        () ->
            !vm.busyProperty().get()
                && vm.compare().rightPass() != null
                && !vm.compare().rightPass().mitigations().isEmpty());
    assertEquals("", onFx(() -> vm.compare().noteProperty().get()));
  }

  @Test
  void allHeadsAndAllBlocksFitTheirTabAt1024x700() throws Exception {
    waitUntil(
        "a picture",
        () -> !vm.busyProperty().get() && vm.viewer().renderedProperty().get() != null);
    onFx(
        () ->
            vm.viewer()
                .quantityProperty()
                .set(dev.sinkscope.app.gui.canvas.Quantity.ATTENTION_RECEIVED));
    TabPane tabs = onFx(() -> (TabPane) stage.getScene().lookup("#centerTabs"));
    for (String tab : List.of("heads", "blocks")) {
      onFx(
          () ->
              tabs.getSelectionModel()
                  .select(
                      tabs.getTabs().stream()
                          .filter(t -> (tab + "Tab").equals(t.getId()))
                          .findFirst()
                          .orElseThrow()));
      settle();
      javafx.scene.image.Image image =
          onFx(
              () ->
                  ((javafx.scene.image.ImageView) stage.getScene().lookup("#" + tab + "Image"))
                      .getImage());
      double viewport =
          onFx(
              () ->
                  ((javafx.scene.control.ScrollPane) stage.getScene().lookup("#" + tab + "View"))
                      .getViewportBounds()
                      .getWidth());
      assertTrue(image != null, tab + ": a picture");
      assertTrue(
          image.getWidth() <= viewport,
          tab
              + ": the panels and their colour bar ("
              + image.getWidth()
              + " px) fit the "
              + viewport
              + " px view, so no title or range is cut off");
    }
  }

  @Test
  void pcaColoursDisableTheColourChoicesThatDoNothing() throws Exception {
    waitUntil(
        "a picture",
        () -> !vm.busyProperty().get() && vm.viewer().renderedProperty().get() != null);
    assertTrue(onFx(() -> !stage.getScene().lookup("#colormapChoice").isDisabled()));
    onFx(() -> vm.viewer().quantityProperty().set(dev.sinkscope.app.gui.canvas.Quantity.PCA_RGB));
    for (String id : List.of("#colormapChoice", "#normalizationChoice", "#scaleAcrossBlocks")) {
      assertTrue(
          onFx(() -> stage.getScene().lookup(id).isDisabled()),
          id + " is disabled for PCA colours");
    }
    waitUntil(
        "the PCA key",
        () ->
            vm.viewer().renderedProperty().get() != null
                && vm.viewer().renderedProperty().get().map() != null
                && vm.viewer().renderedProperty().get().map().isRgb());
    settle();
    assertTrue(
        onFx(
            () ->
                ((javafx.scene.image.ImageView) stage.getScene().lookup("#legend")).getImage()
                    != null),
        "PCA colours show their key where the colour bar was");
    assertEquals(List.of(), onFx(() -> problemsIn(stage.getScene())), "the key fits");
  }

  private static void settle() {
    for (int i = 0; i < 6; i++) {
      WaitForAsyncUtils.waitForFxEvents();
    }
  }

  private static List<String> prefixed(String prefix, List<String> problems) {
    return problems.stream().map(p -> prefix + p).toList();
  }

  /** Controls outside the scene and labels whose shown text is cut short. */
  static List<String> problemsIn(Scene scene) {
    List<String> out = new ArrayList<>();
    walk(scene.getRoot(), scene, false, null, out);
    return out;
  }

  /**
   * {@code clipped}: inside a scrolling or clipped container, where being off-window is not a
   * fault; {@code panel}: the scene bounds of the nearest side panel that never scrolls sideways,
   * which its content must not stick out of on the right.
   */
  private static void walk(
      Node node, Scene scene, boolean clipped, Bounds panel, List<String> out) {
    if (!node.isVisible() || node.getOpacity() == 0) {
      return;
    }
    if (node instanceof Labeled l
        && l.isWrapText()
        && l.getWidth() > 0
        && l.getWidth() < 40
        && l.getText() != null
        && l.getText().length() > 4) {
      out.add("\"" + l.getText() + "\" wraps in a column " + (int) l.getWidth() + " px wide");
    }
    if (node instanceof Labeled l && isElided(l)) {
      out.add("\"" + l.getText() + "\" is shown as \"" + shownText(l) + "\" (" + describe(l) + ")");
    }
    Bounds b = node.localToScene(node.getLayoutBounds());
    if (!clipped
        && (node instanceof Control || node instanceof javafx.scene.image.ImageView)
        && b.getWidth() > 0
        && b.getHeight() > 0
        && (b.getMinX() < -1
            || b.getMinY() < -1
            || b.getMaxX() > scene.getWidth() + 1
            || b.getMaxY() > scene.getHeight() + 1)) {
      out.add(
          describe(node)
              + " lies outside the "
              + (int) scene.getWidth()
              + " x "
              + (int) scene.getHeight()
              + " window at "
              + (int) b.getMinX()
              + ","
              + (int) b.getMinY()
              + " "
              + (int) b.getWidth()
              + " x "
              + (int) b.getHeight());
    }
    if (panel != null
        && (node instanceof Control || node instanceof Text)
        && b.getWidth() > 0
        && b.getMaxX() > panel.getMaxX() + 1) {
      out.add(
          describe(node)
              + " sticks out of its panel on the right by "
              + (int) (b.getMaxX() - panel.getMaxX())
              + " px");
    }
    boolean clipsChildren =
        clipped
            || node instanceof ScrollPane
            || node.getClip() != null
            || node.getStyleClass().contains("virtual-flow");
    Bounds inner = panel;
    // The scroll pane's viewport (without its scroll bar) of a panel that never scrolls sideways.
    if (node.getStyleClass().contains("viewport")
        && node.getParent() instanceof ScrollPane sp
        && sp.getHbarPolicy() == ScrollPane.ScrollBarPolicy.NEVER) {
      inner = node.localToScene(node.getLayoutBounds());
    }
    if (node instanceof Parent p) {
      for (Node child : p.getChildrenUnmodifiable()) {
        walk(child, scene, clipsChildren, inner, out);
      }
    }
  }

  private static boolean isElided(Labeled l) {
    String text = l.getText();
    String shown = shownText(l);
    return text != null
        && !text.isEmpty()
        && shown != null
        && !shown.equals(text)
        && l.getWidth() > 0;
  }

  /** The text the skin actually draws (LabeledText), or null before it has one. */
  private static String shownText(Labeled l) {
    for (Node child : l.getChildrenUnmodifiable()) {
      if (child instanceof Text t && child.getClass().getSimpleName().equals("LabeledText")) {
        return t.getText();
      }
    }
    return null;
  }

  private static String describe(Node n) {
    String id = n.getId() != null ? "#" + n.getId() : n.getClass().getSimpleName();
    return n instanceof Labeled l
            && l.getText() != null
            && !l.getText().isEmpty()
            && n.getId() == null
        ? id + " \"" + l.getText() + "\""
        : id;
  }

  private static List<String> offScreen(Window w) {
    Rectangle2D screen = WindowFit.screenOf(w);
    boolean inside =
        w.getX() >= screen.getMinX() - 1
            && w.getY() >= screen.getMinY() - 1
            && w.getX() + w.getWidth() <= screen.getMaxX() + 1
            && w.getY() + w.getHeight() <= screen.getMaxY() + 1;
    return inside
        ? List.of()
        : List.of(
            "the window at "
                + (int) w.getX()
                + ","
                + (int) w.getY()
                + " "
                + (int) w.getWidth()
                + " x "
                + (int) w.getHeight()
                + " leaves the screen "
                + screen);
  }
}
