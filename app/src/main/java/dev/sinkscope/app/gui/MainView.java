package dev.sinkscope.app.gui;

import dev.sinkscope.app.assets.BundledAssets;
import dev.sinkscope.app.gui.canvas.CanvasView;
import dev.sinkscope.app.gui.canvas.InspectorView;
import dev.sinkscope.app.gui.canvas.Quantity;
import dev.sinkscope.app.gui.canvas.ViewControlsView;
import dev.sinkscope.app.gui.canvas.Viewport;
import dev.sinkscope.app.gui.common.ErrorDialogs;
import dev.sinkscope.app.gui.common.FileDialogs;
import dev.sinkscope.app.gui.common.WindowFit;
import dev.sinkscope.app.gui.compare.CompareView;
import dev.sinkscope.app.gui.hub.HubDialog;
import dev.sinkscope.app.gui.hub.HubDialogModel;
import dev.sinkscope.app.gui.layers.LayerBarView;
import dev.sinkscope.app.gui.layers.LayerPlayback;
import dev.sinkscope.app.gui.layers.SmallMultiplesView;
import dev.sinkscope.app.gui.main.MainViewModel;
import dev.sinkscope.app.gui.mitigations.DiscoveryDialog;
import dev.sinkscope.app.gui.mitigations.MitigationsView;
import dev.sinkscope.app.gui.session.CompareTarget;
import dev.sinkscope.app.gui.session.ModelLocation;
import dev.sinkscope.app.gui.sessionfile.SessionController;
import dev.sinkscope.app.gui.teaching.Teaching;
import dev.sinkscope.inference.hub.HubSettings;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
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
            this::chooseModel);
    MenuItem openFromHub =
        item(
            "Open from hub…",
            new KeyCodeCombination(
                KeyCode.O, KeyCombination.SHORTCUT_DOWN, KeyCombination.SHIFT_DOWN),
            () -> hubDialog().show());
    openFromHub.setId("openFromHubItem");
    MenuItem openSession = item("Open session…", null, this::openSession);
    openSession.setId("openSessionItem");
    MenuItem saveSession =
        item(
            "Save session…",
            new KeyCodeCombination(KeyCode.S, KeyCombination.SHORTCUT_DOWN),
            this::saveSession);
    saveSession.setId("saveSessionItem");
    MenuItem openImage =
        item(
            "Open image…",
            new KeyCodeCombination(KeyCode.I, KeyCombination.SHORTCUT_DOWN),
            this::chooseImage);
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
            this::exportView);
    exportView.setId("exportViewItem");
    MenuItem exportComparison =
        item(
            "Export comparison as PNG…",
            new KeyCodeCombination(
                KeyCode.E, KeyCombination.SHORTCUT_DOWN, KeyCombination.SHIFT_DOWN),
            this::exportComparison);
    MenuItem exportMetrics =
        item(
            "Export metrics (JSON or CSV)…",
            new KeyCodeCombination(KeyCode.M, KeyCombination.SHORTCUT_DOWN),
            this::exportMetrics);
    MenuItem exportReport = item("Export report…", null, this::exportReport);
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
        item("How to open a real checkpoint…", null, this::showRealCheckpointHelp);
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
            item("About the sink phantom", null, this::showPhantomNote));
    menuBar = new MenuBar(file, view, helpMenu);
    keys.watch(menuBar);
    return menuBar;
  }

  private ScrollPane leftPanel() {
    VBox box =
        new VBox(
            12,
            PanelSections.modelSection(vm, this::chooseModel),
            PanelSections.imageSection(vm, this::chooseImage, drops::paste),
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
                    MainView.this.discoverNeurons();
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
                    MainView.this.distill();
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

  private void chooseModel() {
    dialogs
        .chooseFolder(
            owner,
            "Model folder (config.json + model.safetensors)",
            vm.preferences().lastFolder("model"))
        .ifPresent(
            p -> {
              vm.preferences().setLastFolder("model", p.getParent());
              vm.openModel(p);
            });
  }

  private void chooseImage() {
    dialogs
        .openFile(
            owner, "Open image", vm.preferences().lastFolder("image"), List.of(FileDialogs.IMAGES))
        .ifPresent(
            p -> {
              vm.preferences().setLastFolder("image", p.getParent());
              vm.openImage(p);
            });
  }

  /**
   * The PH-Reg student dialog; when it finishes, the student is model B and Compare shows A / B.
   */
  private void distill() {
    var model = vm.modelProperty().get();
    if (model == null) {
      return;
    }
    Path folder = model.folder();
    Path parent = folder.toAbsolutePath().getParent();
    Path out = (parent == null ? folder : parent).resolve(folder.getFileName() + "-distilled");
    var distillVm =
        new dev.sinkscope.app.gui.distill.DistillViewModel(
            vm.tasks(),
            () -> vm.assets().photosFolder(),
            folder,
            model.displayName(),
            out,
            vm.assets().cacheDir().resolveSibling("distill-teacher-cache"));
    dev.sinkscope.app.gui.distill.DistillDialog.show(
        owner,
        distillVm,
        () ->
            dialogs.chooseFolder(
                owner, "Folder of training photos", vm.preferences().lastFolder("distill")),
        () ->
            dialogs.chooseFolder(
                owner, "Output folder for the student", vm.preferences().lastFolder("distill")),
        result -> {
          vm.mitigations()
              .distillSummaryProperty()
              .set(dev.sinkscope.app.gui.distill.DistillViewModel.summary(result));
          vm.compare().otherModelProperty().set(new ModelLocation.Folder(result.output()));
          vm.compare().modeProperty().set(CompareTarget.Kind.OTHER_MODEL);
        });
  }

  private void discoverNeurons() {
    if (vm.modelProperty().get() == null) {
      return;
    }
    DiscoveryDialog.ask(
            owner,
            vm.neuronMaps().defaults(),
            () ->
                dialogs.chooseFolder(
                    owner, "Folder of photos", vm.preferences().lastFolder("discovery")))
        .ifPresent(
            choice -> {
              vm.preferences().setLastFolder("discovery", choice.folder());
              vm.neuronMaps().discover(choice.folder(), choice.settings());
            });
  }

  private void openSession() {
    dialogs
        .openFile(
            owner,
            "Open session",
            vm.preferences().lastFolder("session"),
            List.of(FileDialogs.JSON))
        .ifPresent(
            p -> {
              vm.preferences().setLastFolder("session", p.toAbsolutePath().getParent());
              sessions().open(p);
            });
  }

  private void saveSession() {
    dialogs
        .saveFile(
            owner,
            "Save session",
            vm.preferences().lastFolder("session"),
            vm.exports().suggestedFileName("session", "json"),
            List.of(FileDialogs.JSON))
        .ifPresent(
            p -> {
              vm.preferences().setLastFolder("session", p.toAbsolutePath().getParent());
              sessions().save(p);
            });
  }

  private void exportView() {
    save("Export view", vm.exports().suggestedFileName("view", "png"), List.of(FileDialogs.PNG))
        .ifPresent(vm.exports()::view);
  }

  private void exportComparison() {
    save(
            "Export comparison",
            vm.exports().suggestedFileName("comparison", "png"),
            List.of(FileDialogs.PNG))
        .ifPresent(vm.exports()::comparison);
  }

  private void exportMetrics() {
    save(
            "Export metrics",
            vm.exports().suggestedFileName("metrics", "json"),
            List.of(FileDialogs.JSON, FileDialogs.CSV))
        .ifPresent(vm.exports()::metrics);
  }

  /**
   * A folder with every panel, the metrics and the session, as {@code sinkscope report} writes it.
   */
  private void exportReport() {
    dialogs
        .chooseFolder(owner, "Export report into folder", vm.preferences().lastFolder("export"))
        .ifPresent(
            p -> {
              vm.preferences().setLastFolder("export", p.toAbsolutePath());
              sessions().exportReport(p);
            });
  }

  private Optional<Path> save(
      String title, String name, List<javafx.stage.FileChooser.ExtensionFilter> filters) {
    Optional<Path> file =
        dialogs.saveFile(owner, title, vm.preferences().lastFolder("export"), name, filters);
    file.ifPresent(p -> vm.preferences().setLastFolder("export", p.toAbsolutePath().getParent()));
    return file;
  }

  javafx.scene.control.Alert showRealCheckpointHelp() {
    javafx.scene.control.Alert note =
        new javafx.scene.control.Alert(javafx.scene.control.Alert.AlertType.INFORMATION);
    note.initOwner(owner);
    note.setTitle("Sinkscope");
    note.setHeaderText("Opening a real checkpoint");
    note.setContentText(
        "The model opened at start is the synthetic sink phantom. To study a trained model, use"
            + " File > Open model folder… (or drop the folder on the window) and pick a folder holding config.json and"
            + " model.safetensors (or a sharded index): Hugging Face DINOv2 (with or without registers), ViT, DeiT,"
            + " CLIP vision, or a timm vit_*/deit3_* checkpoint. Models you downloaded from Python are in the"
            + " Hugging Face cache, e.g. ~/.cache/huggingface/hub/models--facebook--dinov2-small/snapshots/<commit>;"
            + " to download one, use File > Open from hub… or run: java -jar sinkscope.jar download"
            + " facebook/dinov2-small."
            + " Pickle files (.bin, .pth) are never opened: use the repository's safetensors weights.");
    WindowFit.dialog(note, 620);
    note.show();
    return note;
  }

  javafx.scene.control.Alert showPhantomNote() {
    javafx.scene.control.Alert note =
        new javafx.scene.control.Alert(javafx.scene.control.Alert.AlertType.INFORMATION);
    note.initOwner(owner);
    note.setTitle("Sinkscope");
    note.setHeaderText("The sink phantom");
    // Blocks numbered from 1, as on the block slider.
    note.setContentText(
        "The sink phantom is a hand-wired 8-block ViT (DINOv2 layout) whose register neurons"
            + " (in the MLP of block 4) write a large vector into the flattest patches; blocks 5-8 attend to them. It shows the"
            + " phenomenon on purpose; it is not a trained model. Its twin with registers gives register 0 the"
            + " payload instead of a patch.");
    WindowFit.dialog(note);
    note.show();
    return note;
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
