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
import dev.sinkscope.app.gui.session.ModelInfo;
import dev.sinkscope.app.gui.session.ModelLocation;
import dev.sinkscope.app.gui.sessionfile.SessionController;
import dev.sinkscope.app.gui.teaching.Teaching;
import dev.sinkscope.app.report.SessionReport;
import dev.sinkscope.inference.analysis.DetectionRule;
import dev.sinkscope.inference.hub.HubSettings;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import javafx.beans.binding.Bindings;
import javafx.embed.swing.SwingFXUtils;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.Parent;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.ComboBoxBase;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.control.Menu;
import javafx.scene.control.MenuBar;
import javafx.scene.control.MenuItem;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.ScrollPane;
import javafx.scene.control.SeparatorMenuItem;
import javafx.scene.control.Spinner;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.control.TableView;
import javafx.scene.control.TextInputControl;
import javafx.scene.control.Tooltip;
import javafx.scene.image.Image;
import javafx.scene.image.ImageView;
import javafx.scene.input.Clipboard;
import javafx.scene.input.DragEvent;
import javafx.scene.input.Dragboard;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyCodeCombination;
import javafx.scene.input.KeyCombination;
import javafx.scene.input.KeyEvent;
import javafx.scene.input.TransferMode;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.TilePane;
import javafx.scene.layout.VBox;
import javafx.stage.Window;
import javax.imageio.ImageIO;

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
  private final javafx.event.EventHandler<KeyEvent> keyPressed = this::onKey;
  private final javafx.event.EventHandler<KeyEvent> keyTyped = this::onKeyTyped;
  private Supplier<HubSettings> hubSettings = HubSettings::fromEnvironment;
  private HubDialog hubDialog;
  private MenuBar menuBar;
  private boolean menuJustClosed;
  private ExecutorService hubWorker;
  private SessionController sessions;
  private final Teaching teaching;
  private SessionReport.ModelOpener reportOpener;

  public MainView(MainViewModel vm, Window owner, FileDialogs dialogs) {
    this.vm = vm;
    this.reportOpener = vm.reportOpener();
    this.owner = owner;
    this.dialogs = dialogs;
    this.playback = new LayerPlayback(vm.viewer());
    this.errors = new ErrorDialogs(owner);
    this.canvas = new CanvasView(vm.viewer(), viewport);

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
    main.setBottom(new VBox(new LayerBarView(vm.viewer(), playback), statusBar()));
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
    root.setOnDragOver(this::onDragOver);
    root.setOnDragDropped(this::onDragDropped);
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
      // Downloads get their own thread so exports and sessions never wait behind one.
      hubWorker =
          Executors.newCachedThreadPool(
              r -> {
                Thread t = new Thread(r, "sinkscope-hub");
                t.setDaemon(true);
                return t;
              });
      HubDialogModel model =
          new HubDialogModel(
              () -> hubSettings.get(), hubWorker, vm.uiExecutor(), vm::openModelLocation);
      java.net.URL css = SinkscopeApp.class.getResource(SinkscopeApp.STYLESHEET);
      hubDialog = new HubDialog(model, owner, css == null ? null : css.toExternalForm());
    }
    return hubDialog;
  }

  /** How File > "Export report…" opens the models it renders (a fresh session each time). */
  public void setReportOpener(SessionReport.ModelOpener opener) {
    this.reportOpener = opener;
  }

  /** Saving and opening session files. */
  public SessionController sessions() {
    if (sessions == null) {
      sessions =
          new SessionController(vm, () -> hubSettings.get(), vm.ioExecutor(), vm.uiExecutor());
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
            this::paste);
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
    for (Menu m : menuBar.getMenus()) {
      m.showingProperty()
          .addListener(
              (obs, was, now) -> {
                if (!now) {
                  // The Esc that closed the menu may reach the window after the menu is gone: it is
                  // still the menu's.
                  menuJustClosed = true;
                  javafx.application.Platform.runLater(() -> menuJustClosed = false);
                }
              });
    }
    return menuBar;
  }

  private ScrollPane leftPanel() {
    VBox box =
        new VBox(
            12,
            modelSection(),
            imageSection(),
            analysisSection(),
            header("Mitigations"),
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
                              vm.loadNeuronMap(p);
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
                        .ifPresent(vm::saveNeuronMap);
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

  private VBox modelSection() {
    Label name = new Label("No model");
    name.setId("modelName");
    name.getStyleClass().add("model-name");
    Label badge = new Label("SYNTHETIC PHANTOM");
    badge.setId("syntheticBadge");
    badge.getStyleClass().add("badge");
    badge.setTooltip(
        new Tooltip(
            "A small hand-wired ViT whose artifact circuit is planted on purpose, so the"
                + " phenomenon shows on any photo. Not a trained model: open a real checkpoint to study one."));
    badge
        .visibleProperty()
        .bind(
            Bindings.createBooleanBinding(
                () -> vm.modelProperty().get() != null && vm.modelProperty().get().synthetic(),
                vm.modelProperty()));
    badge.managedProperty().bind(badge.visibleProperty());
    Label spec = new Label();
    spec.setId("modelSpec");
    spec.setWrapText(true);
    spec.getStyleClass().add("model-spec");
    vm.modelProperty()
        .addListener(
            (obs, old, now) -> {
              name.setText(now == null ? "No model" : now.displayName());
              spec.setText(
                  now == null
                      ? ""
                      : now.spec().summary()
                          + "\n"
                          + now.device()
                          + (now.warnings().isEmpty()
                              ? ""
                              : "\n" + String.join("\n", now.warnings())));
            });
    Button open = new Button("Open folder…");
    open.setId("openModel");
    open.setOnAction(e -> chooseModel());
    open.setTooltip(
        new Tooltip(
            "A folder with config.json and model.safetensors (Ctrl+O), or drop it on the window."));
    Button phantom = new Button("Phantom");
    phantom.setOnAction(e -> vm.openBundledModel(BundledAssets.PHANTOM));
    phantom.setTooltip(new Tooltip("The bundled synthetic sink phantom (no registers)."));
    Button twin = new Button("+ registers");
    twin.setOnAction(e -> vm.openBundledModel(BundledAssets.PHANTOM_REGISTERS));
    twin.setTooltip(new Tooltip("The phantom's twin with 4 registers."));
    // Flow panes: in a narrow panel a long model name pushes the badge, and the buttons, onto a new
    // line
    // instead of cutting them off.
    javafx.scene.layout.FlowPane buttons =
        new javafx.scene.layout.FlowPane(6, 6, open, phantom, twin);
    name.setWrapText(true);
    name.setMinWidth(0);
    badge.setMinWidth(Region.USE_PREF_SIZE);
    javafx.scene.layout.FlowPane title = new javafx.scene.layout.FlowPane(8, 4, name, badge);
    title.setAlignment(Pos.CENTER_LEFT);
    name.maxWidthProperty().bind(title.widthProperty());
    return new VBox(6, header("Model"), title, spec, buttons);
  }

  private VBox imageSection() {
    Label name = new Label("No image");
    name.setId("imageName");
    name.getStyleClass().add("model-name");
    vm.outcomeProperty()
        .addListener(
            (obs, old, now) ->
                name.setText(
                    now == null || now.image() == null
                        ? "No image"
                        : now.image().displayName()
                            + "  ("
                            + now.image().originalWidth()
                            + "×"
                            + now.image().originalHeight()
                            + ")"));
    Button open = new Button("Open…");
    open.setId("openImage");
    open.setOnAction(e -> chooseImage());
    Button paste = new Button("Paste");
    paste.setId("pasteImage");
    paste.setOnAction(e -> paste());
    paste.setTooltip(new Tooltip("Paste an image or an image file from the clipboard (Ctrl+V)."));
    TilePane gallery = new TilePane(6, 6);
    gallery.setId("gallery");
    gallery.setPrefColumns(3);
    for (String photo : vm.assets().photos()) {
      String url = vm.assets().photoUrl(photo);
      ImageView thumb = new ImageView(new Image(url, 92, 64, true, true, true));
      Button b = new Button(null, thumb);
      b.setId("photo-" + photo.replaceAll("[^A-Za-z0-9]", "-"));
      b.getStyleClass().add("gallery-button");
      b.setTooltip(new Tooltip(photo));
      b.setOnAction(e -> vm.openBundledPhoto(photo));
      gallery.getChildren().add(b);
    }
    VBox box = new VBox(6, header("Image"), name, new HBox(6, open, paste));
    if (!gallery.getChildren().isEmpty()) {
      box.getChildren().add(gallery);
    }
    return box;
  }

  private VBox analysisSection() {
    ComboBox<DetectionRule> rule = new ComboBox<>();
    rule.setId("detectionRule");
    rule.getItems().setAll(DetectionRule.values());
    rule.valueProperty().bindBidirectional(vm.detectionRuleProperty());
    rule.setConverter(
        new javafx.util.StringConverter<>() {
          @Override
          public String toString(DetectionRule r) {
            if (r == null) {
              return "";
            }
            switch (r) {
              case ABSOLUTE:
                return "A: norm > τ (model preset)";
              case MEDIAN_RATIO:
                return "B: norm > k × median";
              case ROBUST_Z:
                return "C: robust z > 3.5";
              default:
                return "D: bimodal split (Otsu)";
            }
          }

          @Override
          public DetectionRule fromString(String s) {
            throw new UnsupportedOperationException();
          }
        });
    rule.setTooltip(
        new Tooltip(
            "How high-norm artifacts are flagged at each block (methods §1.3). D splits the"
                + " log-norm histogram and accepts only a small, well separated upper mode."));
    Spinner<Double> k = new Spinner<>(1.5, 10, vm.medianRatioFactorProperty().get(), 0.5);
    k.setId("medianRatioK");
    k.setPrefWidth(80);
    k.getValueFactory()
        .valueProperty()
        .addListener((obs, old, now) -> vm.medianRatioFactorProperty().set(now));
    HBox kRow = new HBox(6, new Label("k"), k);
    kRow.setAlignment(Pos.CENTER_LEFT);
    kRow.visibleProperty().bind(vm.detectionRuleProperty().isEqualTo(DetectionRule.MEDIAN_RATIO));
    kRow.managedProperty().bind(kRow.visibleProperty());
    // Rule A's τ: empty uses the model's preset (when there is one).
    javafx.scene.control.TextField tau = new javafx.scene.control.TextField();
    tau.setId("absoluteThreshold");
    tau.setPrefColumnCount(7);
    tau.setPromptText("preset");
    tau.setTooltip(
        new Tooltip(
            "Rule A flags patches whose norm is above τ at every block. Empty: the model's"
                + " preset, if it has one."));
    double initial = vm.absoluteThresholdProperty().get();
    tau.setText(Double.isNaN(initial) ? "" : Double.toString(initial));
    Label tauProblem = new Label();
    tauProblem.getStyleClass().add("mitigation-problem");
    tauProblem.setWrapText(true);
    Runnable applyTau =
        () -> {
          String text = tau.getText().trim();
          try {
            double v = text.isEmpty() ? Double.NaN : Double.parseDouble(text);
            if (!Double.isNaN(v) && !(v > 0 && Double.isFinite(v))) {
              tauProblem.setText("τ must be a positive number.");
              return;
            }
            tauProblem.setText("");
            vm.absoluteThresholdProperty().set(v);
          } catch (NumberFormatException ex) {
            tauProblem.setText("τ must be a number (or empty for the preset).");
          }
        };
    tau.setOnAction(e -> applyTau.run());
    tau.focusedProperty()
        .addListener(
            (obs, was, now) -> {
              if (!now) {
                applyTau.run();
              }
            });
    HBox tauRow = new HBox(6, new Label("τ"), tau);
    tauRow.setAlignment(Pos.CENTER_LEFT);
    VBox tauBox = new VBox(4, tauRow, tauProblem);
    tauBox.visibleProperty().bind(vm.detectionRuleProperty().isEqualTo(DetectionRule.ABSOLUTE));
    tauBox.managedProperty().bind(tauBox.visibleProperty());
    return new VBox(6, header("Artifact rule"), rule, kRow, tauBox);
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

  private HBox statusBar() {
    Label model = new Label();
    model.setId("statusModel");
    model
        .textProperty()
        .bind(
            Bindings.createStringBinding(
                () -> {
                  ModelInfo m = vm.modelProperty().get();
                  return m == null
                      ? "No model"
                      : m.displayName()
                          + (m.synthetic() ? " (synthetic)" : "")
                          + " · "
                          + m.device();
                },
                vm.modelProperty()));
    ProgressBar progress = new ProgressBar();
    progress.setId("progress");
    progress.setPrefWidth(140);
    progress.progressProperty().bind(vm.progressProperty());
    Label activity = new Label();
    activity.setId("activity");
    activity.textProperty().bind(vm.activityProperty());
    Button cancel = new Button("Cancel");
    cancel.setId("cancelButton");
    cancel.setOnAction(e -> vm.cancel());
    HBox running = new HBox(8, progress, activity, cancel);
    running.setAlignment(Pos.CENTER_LEFT);
    running
        .visibleProperty()
        .bind(vm.busyProperty().or(vm.discoveringProperty()).or(vm.exportingProperty()));
    running.managedProperty().bind(running.visibleProperty());
    Label timings = new Label();
    timings.setId("timings");
    timings.textProperty().bind(vm.timingsProperty());
    Label message = new Label();
    message.setId("statusMessage");
    message.textProperty().bind(vm.statusProperty());
    message.setMinWidth(0);
    // Messages such as what a saved session leaves out must be read whole: they wrap, and the
    // tooltip
    // holds them too.
    message.setWrapText(true);
    Tooltip whole = new Tooltip();
    whole.setWrapText(true);
    whole.setMaxWidth(600);
    whole.textProperty().bind(vm.statusProperty());
    message
        .tooltipProperty()
        .bind(Bindings.when(vm.statusProperty().isEmpty()).then((Tooltip) null).otherwise(whole));
    HBox.setHgrow(message, Priority.ALWAYS);
    message.setMaxWidth(Double.MAX_VALUE);
    Region gap = new Region();
    HBox bar = new HBox(14, model, sep(), timings, sep(), running, message, gap);
    bar.setId("statusBar");
    bar.getStyleClass().add("status-bar");
    bar.setAlignment(Pos.CENTER_LEFT);
    bar.setPadding(new Insets(4, 10, 4, 10));
    return bar;
  }

  // ------------------------------------------------------------------ gestures

  private void onKey(KeyEvent e) {
    Node focus = focusOwner();
    boolean typing = focus instanceof TextInputControl;
    boolean listLike =
        focus instanceof ComboBoxBase
            || focus instanceof Spinner
            || focus instanceof ListView
            || focus instanceof TableView;
    if (e.isShortcutDown() || e.isAltDown()) {
      return; // menu accelerators
    }
    KeyCode code = e.getCode();
    if (code == KeyCode.ESCAPE && (menuOpen() || menuJustClosed)) {
      return; // Esc closes the menu and nothing else
    }
    if (code == KeyCode.ESCAPE) {
      if (help.isVisible()) {
        help.setVisible(false);
      } else if (vm.busyProperty().get()
          || vm.discoveringProperty().get()
          || vm.exportingProperty().get()) {
        vm.cancel();
      } else {
        vm.viewer().selectedPatchProperty().set(null);
      }
      e.consume();
      return;
    }
    if (typing) {
      return;
    }
    boolean arrows =
        code == KeyCode.LEFT || code == KeyCode.RIGHT || code == KeyCode.UP || code == KeyCode.DOWN;
    if (arrows && listLike) {
      return;
    }
    switch (code) {
      case LEFT:
        vm.viewer().stepBlock(-1);
        break;
      case RIGHT:
        vm.viewer().stepBlock(1);
        break;
      case UP:
        vm.viewer().stepHead(-1);
        break;
      case DOWN:
        vm.viewer().stepHead(1);
        break;
      case SPACE:
        playback.toggle();
        break;
      case C:
        toggleCompare();
        break;
      case DIGIT0:
      case NUMPAD0:
        viewport.reset();
        break;
      case PLUS:
      case ADD:
      case EQUALS:
        viewport.zoomAt(1.25, viewport.centerXProperty().get(), viewport.centerYProperty().get());
        break;
      case MINUS:
      case SUBTRACT:
        viewport.zoomAt(0.8, viewport.centerXProperty().get(), viewport.centerYProperty().get());
        break;
      default:
        if (code.isDigitKey()) {
          int n =
              Integer.parseInt(code.getChar().isEmpty() ? "0" : code.getChar().substring(0, 1)) - 1;
          if (n >= 0 && n < Quantity.values().length) {
            vm.viewer().quantityProperty().set(Quantity.values()[n]);
            break;
          }
        }
        return;
    }
    e.consume();
  }

  /** Whether a menu of the menu bar is open (including its submenus). */
  boolean menuOpen() {
    return menuBar != null && menuBar.getMenus().stream().anyMatch(Menu::isShowing);
  }

  private void onKeyTyped(KeyEvent e) {
    if ("?".equals(e.getCharacter()) && !(focusOwner() instanceof TextInputControl)) {
      help.toggle();
      e.consume();
    }
  }

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

  private void onDragOver(DragEvent e) {
    Dragboard board = e.getDragboard();
    if (board.hasFiles() || board.hasImage()) {
      e.acceptTransferModes(TransferMode.COPY);
    }
    e.consume();
  }

  private void onDragDropped(DragEvent e) {
    Dragboard board = e.getDragboard();
    boolean done =
        board.hasFiles()
            ? openDropped(board.getFiles())
            : board.hasImage() && openImage(board.getImage(), "dropped image");
    e.setDropCompleted(done);
    e.consume();
  }

  /** A folder or config.json opens a model; anything else is tried as a photo. */
  private boolean openDropped(List<File> files) {
    if (files.isEmpty()) {
      return false;
    }
    Path path = files.get(0).toPath();
    if (Files.isDirectory(path)
        || path.getFileName().toString().equals("config.json")
        || path.getFileName().toString().endsWith(".safetensors")) {
      vm.openModel(path);
    } else {
      vm.openImage(path);
    }
    return true;
  }

  private void paste() {
    Clipboard clipboard = Clipboard.getSystemClipboard();
    if (clipboard.hasFiles()) {
      openDropped(clipboard.getFiles());
    } else if (clipboard.hasImage()) {
      openImage(clipboard.getImage(), "pasted image");
    } else {
      vm.showMessage("The clipboard holds no image.");
    }
  }

  /** An in-memory picture (clipboard, browser drop) goes to the decoder as PNG bytes. */
  private boolean openImage(Image image, String name) {
    try {
      ByteArrayOutputStream png = new ByteArrayOutputStream();
      ImageIO.write(SwingFXUtils.fromFXImage(image, null), "png", png);
      vm.openImageBytes(name, png.toByteArray());
      return true;
    } catch (IOException e) {
      vm.showMessage("Cannot read the " + name + ": " + e.getMessage());
      return false;
    }
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
            vm.uiExecutor(),
            () -> vm.assets().photosFolder(),
            folder,
            model.displayName(),
            out,
            vm.assets().cacheDir().resolveSibling("distill-teacher-cache"));
    distillVm.modelSpecProperty().set(model.spec());
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
            vm.discoveryDefaults(),
            () ->
                dialogs.chooseFolder(
                    owner, "Folder of photos", vm.preferences().lastFolder("discovery")))
        .ifPresent(
            choice -> {
              vm.preferences().setLastFolder("discovery", choice.folder());
              vm.discoverNeurons(choice.folder(), choice.settings());
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
            vm.suggestedFileName("session", "json"),
            List.of(FileDialogs.JSON))
        .ifPresent(
            p -> {
              vm.preferences().setLastFolder("session", p.toAbsolutePath().getParent());
              sessions().save(p);
            });
  }

  private void exportView() {
    save("Export view", vm.suggestedFileName("view", "png"), List.of(FileDialogs.PNG))
        .ifPresent(vm::exportView);
  }

  private void exportComparison() {
    save("Export comparison", vm.suggestedFileName("comparison", "png"), List.of(FileDialogs.PNG))
        .ifPresent(vm::exportComparison);
  }

  private void exportMetrics() {
    save(
            "Export metrics",
            vm.suggestedFileName("metrics", "json"),
            List.of(FileDialogs.JSON, FileDialogs.CSV))
        .ifPresent(vm::exportMetrics);
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
              sessions().exportReport(p, reportOpener);
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

  private static Label header(String text) {
    Label l = new Label(text.toUpperCase(Locale.ROOT));
    l.getStyleClass().add("section-header");
    return l;
  }

  private static Label sep() {
    Label l = new Label("│");
    l.getStyleClass().add("status-separator");
    return l;
  }
}
