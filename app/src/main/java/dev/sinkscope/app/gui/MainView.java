package dev.sinkscope.app.gui;

import dev.sinkscope.app.assets.BundledAssets;
import dev.sinkscope.app.gui.canvas.CanvasView;
import dev.sinkscope.app.gui.canvas.InspectorView;
import dev.sinkscope.app.gui.canvas.Quantity;
import dev.sinkscope.app.gui.canvas.ViewControlsView;
import dev.sinkscope.app.gui.canvas.Viewport;
import dev.sinkscope.app.gui.common.ErrorDialogs;
import dev.sinkscope.app.gui.common.FileDialogs;
import dev.sinkscope.app.gui.compare.CompareView;
import dev.sinkscope.app.gui.hub.HubDialog;
import dev.sinkscope.app.gui.hub.HubDialogModel;
import dev.sinkscope.app.gui.layers.LayerBarView;
import dev.sinkscope.app.gui.layers.LayerPlayback;
import dev.sinkscope.app.gui.layers.SmallMultiplesView;
import dev.sinkscope.app.gui.main.MainViewModel;
import dev.sinkscope.app.gui.mitigations.MitigationsView;
import dev.sinkscope.app.gui.session.CompareTarget;
import dev.sinkscope.app.gui.session.ModelLocation;
import dev.sinkscope.app.gui.sessionfile.SessionController;
import dev.sinkscope.app.gui.teaching.Teaching;
import dev.sinkscope.inference.hub.HubSettings;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;
import javafx.beans.binding.Bindings;
import javafx.geometry.Insets;
import javafx.scene.Node;
import javafx.scene.Parent;
import javafx.scene.control.Menu;
import javafx.scene.control.MenuBar;
import javafx.scene.control.MenuItem;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.SeparatorMenuItem;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyCodeCombination;
import javafx.scene.input.KeyCombination;
import javafx.scene.input.KeyEvent;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;
import javafx.stage.Window;

/**
 * The main window's content: menus, the open/model/image and mitigation panel on the left, the
 * canvas tabs in the centre, the inspector on the right, the layer bar and status bar below, and
 * the help overlay on top. It binds to {@link MainViewModel} and forwards gestures; the only logic
 * here is turning gestures (keys, drops, file dialogs) into view-model commands.
 */
public final class MainView {
  private final MainViewModel vm;
  private final Window owner;
  private final FileDialogs dialogs;
  private final StackPane root = new StackPane();
  private final HelpOverlay help = new HelpOverlay();
  private final TabPane tabs = new TabPane();
  private final javafx.beans.property.BooleanProperty sidePanelsShown =
      new javafx.beans.property.SimpleBooleanProperty(this, "sidePanelsShown", true);
  private final Tab viewTab = new Tab("View");
  private final Tab compareTab = new Tab("Compare");
  private final Viewport viewport = new Viewport();
  private final LayerPlayback playback;
  private final ErrorDialogs errors;
  private final CanvasView canvas;
  private final KeyRouting keys;
  private final Drops drops;
  private final WindowActions actions;
  private final javafx.event.EventHandler<KeyEvent> keyPressed;
  private final javafx.event.EventHandler<KeyEvent> keyTyped;
  private Supplier<HubSettings> hubSettings = HubSettings::fromEnvironment;
  private HubDialog hubDialog;
  private MenuBar menuBar;
  private SessionController sessions;
  private final Teaching teaching;

  public MainView(MainViewModel vm, Window owner, FileDialogs dialogs) {
    this.vm = vm;
    this.owner = owner;
    this.dialogs = dialogs;
    this.playback = new LayerPlayback(vm.viewer());
    this.errors = new ErrorDialogs(owner);
    this.canvas = new CanvasView(vm.viewer(), viewport);
    this.keys =
        new KeyRouting(
            vm, help, playback, viewport, this::toggleCompare, this::focusOwner, () -> menuBar);
    this.drops = new Drops(vm);
    this.actions = new WindowActions(vm, owner, dialogs, this::sessions);
    this.keyPressed = keys::onKey;
    this.keyTyped = keys::onKeyTyped;

    BorderPane main = new BorderPane();
    main.setId("mainPane");
    main.setTop(menus());
    ScrollPane left = leftPanel();
    main.setLeft(left);
    main.setCenter(centre());
    ScrollPane inspector = new ScrollPane(new InspectorView(vm.viewer()));
    inspector.setId("inspectorPanel");
    inspector.setFitToWidth(true);
    inspector.setHbarPolicy(ScrollPane.ScrollBarPolicy.NEVER);
    inspector.getStyleClass().add("side-panel");
    main.setRight(inspector);
    // Side panels take a share of a small window and their full width on a large one, so the photo
    // keeps
    // the most room; View > "Side panels" (F9) hides both.
    left.prefWidthProperty()
        .bind(Bindings.max(272, Bindings.min(350, main.widthProperty().multiply(0.25))));
    inspector
        .prefWidthProperty()
        .bind(Bindings.max(252, Bindings.min(340, main.widthProperty().multiply(0.22))));
    left.setMinWidth(Region.USE_PREF_SIZE);
    inspector.setMinWidth(Region.USE_PREF_SIZE);
    left.visibleProperty().bind(sidePanelsShown);
    left.managedProperty().bind(left.visibleProperty());
    // The comparison needs the width; the inspector describes the single view.
    inspector.visibleProperty().bind(compareTab.selectedProperty().not().and(sidePanelsShown));
    inspector.managedProperty().bind(inspector.visibleProperty());
    main.setBottom(new VBox(new LayerBarView(vm.viewer(), playback), StatusBar.create(vm)));
    root.getChildren().addAll(main, help);
    teaching =
        Teaching.install(vm, root, main, owner, dialogs, this::showComparison); // lessons, F11, GIF
    root.getStyleClass().add("sinkscope");

    // On the scene, so keys arrive even when no control has the focus.
    root.sceneProperty()
        .addListener(
            (obs, old, scene) -> {
              if (old != null) {
                old.removeEventFilter(KeyEvent.KEY_PRESSED, keyPressed);
                old.removeEventFilter(KeyEvent.KEY_TYPED, keyTyped);
              }
              if (scene != null) {
                scene.addEventFilter(KeyEvent.KEY_PRESSED, keyPressed);
                scene.addEventFilter(KeyEvent.KEY_TYPED, keyTyped);
              }
            });
    root.setOnDragOver(drops::onDragOver);
    root.setOnDragDropped(drops::onDragDropped);
    vm.errorProperty()
        .addListener(
            (obs, old, now) -> {
              if (now != null) {
                errors.show(now);
              }
            });
  }

  public Parent root() {
    return root;
  }

  public CanvasView canvas() {
    return canvas;
  }

  public ErrorDialogs errors() {
    return errors;
  }

  /** Whether the left panel and the inspector are shown (View > Side panels, F9). */
  public javafx.beans.property.BooleanProperty sidePanelsShownProperty() {
    return sidePanelsShown;
  }

  public HelpOverlay help() {
    return help;
  }

  /** Lessons, presentation mode and the animation export. */
  public Teaching teaching() {
    return teaching;
  }

  /** Shows the comparison tab (true) or the single view (false). */
  public void showComparison(boolean on) {
    tabs.getSelectionModel().select(on ? compareTab : viewTab);
  }

  public LayerPlayback playback() {
    return playback;
  }

  /**
   * Where "Open from hub…" and hub sessions find the hub and the cache (the environment by
   * default).
   */
  public void setHubSettings(Supplier<HubSettings> settings) {
    this.hubSettings = settings;
  }

  /** The "Open from hub…" window, created on first use. */
  public HubDialog hubDialog() {
    if (hubDialog == null) {
      HubDialogModel model =
          new HubDialogModel(() -> hubSettings.get(), vm.tasks(), vm::openModelLocation);
      java.net.URL css = SinkscopeApp.class.getResource(SinkscopeApp.STYLESHEET);
      hubDialog = new HubDialog(model, owner, css == null ? null : css.toExternalForm());
    }
    return hubDialog;
  }

  /** Saving and opening session files. */
  public SessionController sessions() {
    if (sessions == null) {
      sessions = new SessionController(vm, () -> hubSettings.get(), vm.tasks());
    }
    return sessions;
  }

  // ------------------------------------------------------------------ layout

  private MenuBar menus() {
    Menu file = new Menu("File");
    MenuItem openModel =
        item(
            "Open model folder…",
            new KeyCodeCombination(KeyCode.O, KeyCombination.SHORTCUT_DOWN),
            actions::chooseModel);
    MenuItem openFromHub =
        item(
            "Open from hub…",
            new KeyCodeCombination(
                KeyCode.O, KeyCombination.SHORTCUT_DOWN, KeyCombination.SHIFT_DOWN),
            () -> hubDialog().show());
    openFromHub.setId("openFromHubItem");
    MenuItem openSession = item("Open session…", null, actions::openSession);
    openSession.setId("openSessionItem");
    MenuItem saveSession =
        item(
            "Save session…",
            new KeyCodeCombination(KeyCode.S, KeyCombination.SHORTCUT_DOWN),
            actions::saveSession);
    saveSession.setId("saveSessionItem");
    MenuItem openImage =
        item(
            "Open image…",
            new KeyCodeCombination(KeyCode.I, KeyCombination.SHORTCUT_DOWN),
            actions::chooseImage);
    MenuItem paste =
        item(
            "Paste image",
            new KeyCodeCombination(KeyCode.V, KeyCombination.SHORTCUT_DOWN),
            drops::paste);
    Menu recentModels = new Menu("Recent models");
    Menu recentImages = new Menu("Recent images");
    vm.recentModels()
        .addListener(
            (javafx.collections.ListChangeListener<Path>)
                c -> fillRecent(recentModels, vm.recentModels(), vm::openModel));
    vm.recentImages()
        .addListener(
            (javafx.collections.ListChangeListener<Path>)
                c -> fillRecent(recentImages, vm.recentImages(), vm::openImage));
    fillRecent(recentModels, vm.recentModels(), vm::openModel);
    fillRecent(recentImages, vm.recentImages(), vm::openImage);
    MenuItem exportView =
        item(
            "Export view as PNG…",
            new KeyCodeCombination(KeyCode.E, KeyCombination.SHORTCUT_DOWN),
            actions::exportView);
    exportView.setId("exportViewItem");
    MenuItem exportComparison =
        item(
            "Export comparison as PNG…",
            new KeyCodeCombination(
                KeyCode.E, KeyCombination.SHORTCUT_DOWN, KeyCombination.SHIFT_DOWN),
            actions::exportComparison);
    MenuItem exportMetrics =
        item(
            "Export metrics (JSON or CSV)…",
            new KeyCodeCombination(KeyCode.M, KeyCombination.SHORTCUT_DOWN),
            actions::exportMetrics);
    MenuItem exportReport = item("Export report…", null, actions::exportReport);
    exportReport.setId("exportReportItem");
    MenuItem quit =
        item(
            "Quit",
            new KeyCodeCombination(KeyCode.Q, KeyCombination.SHORTCUT_DOWN),
            () -> {
              if (owner instanceof javafx.stage.Stage) {
                ((javafx.stage.Stage) owner).close();
              }
            });
    MenuItem realCheckpoint =
        item("How to open a real checkpoint…", null, actions::showRealCheckpointHelp);
    realCheckpoint.setId("realCheckpointHelp");
    file.getItems()
        .addAll(
            openModel,
            openFromHub,
            realCheckpoint,
            openImage,
            paste,
            new SeparatorMenuItem(),
            recentModels,
            recentImages,
            new SeparatorMenuItem(),
            openSession,
            saveSession,
            new SeparatorMenuItem(),
            exportView,
            exportComparison,
            exportMetrics,
            exportReport,
            new SeparatorMenuItem(),
            quit);

    Menu view = new Menu("View");
    for (Quantity q : Quantity.values()) {
      view.getItems()
          .add(
              item(
                  (q.ordinal() + 1) + "  " + q.label(),
                  null,
                  () -> vm.viewer().quantityProperty().set(q)));
    }
    javafx.scene.control.CheckMenuItem panels =
        new javafx.scene.control.CheckMenuItem("Side panels");
    panels.setId("sidePanelsItem");
    panels.setAccelerator(new KeyCodeCombination(KeyCode.F9));
    panels.selectedProperty().bindBidirectional(sidePanelsShown);
    view.getItems()
        .addAll(
            new SeparatorMenuItem(),
            panels,
            item("Toggle comparison", null, this::toggleCompare),
            item("Fit to window", null, viewport::reset),
            item("Run again", new KeyCodeCombination(KeyCode.F5), vm::rerun));

    Menu helpMenu = new Menu("Help");
    helpMenu
        .getItems()
        .addAll(
            item("Keyboard shortcuts", new KeyCodeCombination(KeyCode.F1), help::toggle),
            item("About the sink phantom", null, actions::showPhantomNote));
    menuBar = new MenuBar(file, view, helpMenu);
    keys.watch(menuBar);
    return menuBar;
  }

  private ScrollPane leftPanel() {
    VBox box =
        new VBox(
            12,
            PanelSections.modelSection(vm, actions::chooseModel),
            PanelSections.imageSection(vm, actions::chooseImage, drops::paste),
            PanelSections.analysisSection(vm),
            PanelSections.header("Mitigations"),
            new MitigationsView(
                vm.mitigations(),
                new MitigationsView.Actions() {
                  @Override
                  public void loadNeuronMap() {
                    dialogs
                        .openFile(
                            owner,
                            "Register-neuron map (ttr.json)",
                            vm.preferences().lastFolder("neurons"),
                            List.of(FileDialogs.JSON))
                        .ifPresent(
                            p -> {
                              vm.preferences().setLastFolder("neurons", p.getParent());
                              vm.neuronMaps().load(p);
                            });
                  }

                  @Override
                  public void discoverNeurons() {
                    actions.discoverNeurons();
                  }

                  @Override
                  public void saveNeuronMap() {
                    dialogs
                        .saveFile(
                            owner,
                            "Save register-neuron map",
                            vm.preferences().lastFolder("neurons"),
                            "ttr.json",
                            List.of(FileDialogs.JSON))
                        .ifPresent(vm.neuronMaps()::save);
                  }

                  @Override
                  public void distill() {
                    actions.distill();
                  }
                }));
    box.setPadding(new Insets(10));
    box.getStyleClass().add("left-panel");
    ScrollPane scroll = new ScrollPane(box);
    scroll.setFitToWidth(true);
    scroll.getStyleClass().add("side-panel");
    scroll.setHbarPolicy(ScrollPane.ScrollBarPolicy.NEVER);
    return scroll;
  }

  private TabPane centre() {
    VBox viewBox = new VBox(new ViewControlsView(vm.viewer(), viewport), canvas);
    VBox.setVgrow(canvas, Priority.ALWAYS);
    viewTab.setContent(viewBox);
    viewTab.setId("viewTab");
    SmallMultiplesView heads = new SmallMultiplesView(vm.viewer(), SmallMultiplesView.Kind.HEADS);
    SmallMultiplesView blocks = new SmallMultiplesView(vm.viewer(), SmallMultiplesView.Kind.BLOCKS);
    Tab headsTab = new Tab("All heads", heads);
    headsTab.setId("headsTab");
    Tab blocksTab = new Tab("All blocks", blocks);
    blocksTab.setId("blocksTab");
    heads.activeProperty().bind(headsTab.selectedProperty());
    blocks.activeProperty().bind(blocksTab.selectedProperty());
    CompareView compare =
        new CompareView(
            vm.compare(),
            new CompareView.Actions() {
              @Override
              public void chooseModelB() {
                dialogs
                    .chooseFolder(owner, "Model B folder", vm.preferences().lastFolder("model"))
                    .ifPresent(
                        p -> vm.compare().otherModelProperty().set(new ModelLocation.Folder(p)));
              }

              @Override
              public Runnable phantomTwin() {
                return vm.assets().hasModel(BundledAssets.PHANTOM_REGISTERS)
                    ? () ->
                        vm.compare()
                            .otherModelProperty()
                            .set(
                                new ModelLocation.Bundled(
                                    BundledAssets.PHANTOM_REGISTERS, vm.assets()))
                    : null;
              }
            });
    compareTab.setContent(compare);
    compareTab.setId("compareTab");
    // Opening the tab with nothing chosen compares before and after (as C does) instead of an empty
    // page.
    compareTab
        .selectedProperty()
        .addListener(
            (obs, was, now) -> {
              if (now && vm.compare().modeProperty().get() == CompareTarget.Kind.NONE) {
                vm.compare().modeProperty().set(CompareTarget.Kind.BEFORE_AFTER);
              }
            });
    vm.compare().activeProperty().bind(compareTab.selectedProperty());
    tabs.getTabs().addAll(viewTab, headsTab, blocksTab, compareTab);
    tabs.setTabClosingPolicy(TabPane.TabClosingPolicy.UNAVAILABLE);
    tabs.setId("centerTabs");
    return tabs;
  }

  // ------------------------------------------------------------------ gestures

  /** Shows the comparison (switching it on as before/after when off), or goes back to the view. */
  public void toggleCompare() {
    if (tabs.getSelectionModel().getSelectedItem() == compareTab) {
      tabs.getSelectionModel().select(viewTab);
      return;
    }
    if (vm.compare().modeProperty().get() == CompareTarget.Kind.NONE) {
      vm.compare().modeProperty().set(CompareTarget.Kind.BEFORE_AFTER);
    }
    tabs.getSelectionModel().select(compareTab);
  }

  javafx.scene.control.Alert showRealCheckpointHelp() {
    return actions.showRealCheckpointHelp();
  }

  javafx.scene.control.Alert showPhantomNote() {
    return actions.showPhantomNote();
  }

  /** Whether a menu of the menu bar is open (including its submenus). */
  boolean menuOpen() {
    return keys.menuOpen();
  }

  private Node focusOwner() {
    return root.getScene() == null ? null : root.getScene().getFocusOwner();
  }

  private static void fillRecent(
      Menu menu, List<Path> paths, java.util.function.Consumer<Path> open) {
    menu.getItems().clear();
    for (Path p : paths) {
      MenuItem item = new MenuItem(p.toString());
      item.setMnemonicParsing(false);
      item.setOnAction(e -> open.accept(p));
      menu.getItems().add(item);
    }
    menu.setDisable(paths.isEmpty());
  }

  private static MenuItem item(String text, KeyCombination accelerator, Runnable action) {
    MenuItem item = new MenuItem(text);
    item.setMnemonicParsing(false);
    if (accelerator != null) {
      item.setAccelerator(accelerator);
    }
    item.setOnAction(e -> action.run());
    return item;
  }
}
