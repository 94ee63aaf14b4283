package dev.sinkscope.app.gui.main;

import dev.sinkscope.app.assets.BundledAssets;
import dev.sinkscope.app.gui.canvas.Format;
import dev.sinkscope.app.gui.canvas.LayerMaps;
import dev.sinkscope.app.gui.canvas.RenderedView;
import dev.sinkscope.app.gui.canvas.ViewerViewModel;
import dev.sinkscope.app.gui.common.UserError;
import dev.sinkscope.app.gui.compare.CompareViewModel;
import dev.sinkscope.app.gui.export.Exporter;
import dev.sinkscope.app.gui.mitigations.MitigationsViewModel;
import dev.sinkscope.app.gui.mitigations.NeuronMapChoice;
import dev.sinkscope.app.gui.session.AnalyzedPass;
import dev.sinkscope.app.gui.session.CompareTarget;
import dev.sinkscope.app.gui.session.ImageSource;
import dev.sinkscope.app.gui.session.InferenceService;
import dev.sinkscope.app.gui.session.ModelInfo;
import dev.sinkscope.app.gui.session.ModelLocation;
import dev.sinkscope.app.gui.session.ViewOutcome;
import dev.sinkscope.app.gui.session.ViewRequest;
import dev.sinkscope.inference.analysis.AnalysisOptions;
import dev.sinkscope.inference.analysis.DetectionOptions;
import dev.sinkscope.inference.analysis.DetectionRule;
import dev.sinkscope.inference.analysis.LayerNormAnalysis;
import dev.sinkscope.inference.mitigation.NeuronDiscovery;
import dev.sinkscope.inference.mitigation.NeuronMap;
import dev.sinkscope.inference.phantom.PhantomGenerator;
import dev.sinkscope.render.Comparison;
import dev.sinkscope.render.ExportMetadata;
import dev.sinkscope.render.LegendStyle;
import dev.sinkscope.render.Marker;
import dev.sinkscope.render.OverlayLayer;
import dev.sinkscope.render.Raster;
import dev.sinkscope.render.Upsampling;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.Executor;
import java.util.stream.Stream;
import javafx.beans.Observable;
import javafx.beans.property.DoubleProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyDoubleProperty;
import javafx.beans.property.ReadOnlyDoubleWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleDoubleProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * The application-wide presentation model: which model and photo are open, what is running, what
 * failed, and the commands of the menus. It owns the feature presentation models (viewer,
 * mitigations, comparison) and the {@link InferenceService}; every state change that needs the
 * model becomes one immutable {@link ViewRequest}. Lives on the FX thread; all callbacks arrive
 * there.
 */
public final class MainViewModel implements InferenceService.Listener, AutoCloseable {

  /** Builds the inference service once the listener exists. */
  @FunctionalInterface
  public interface ServiceFactory {
    InferenceService create(InferenceService.Listener listener);
  }

  private final InferenceService service;
  private final BundledAssets assets;
  private final AppPreferences prefs;
  private final Executor io;
  private final Executor ui;

  private final ViewerViewModel viewer = new ViewerViewModel();
  private final MitigationsViewModel mitigations = new MitigationsViewModel();
  private final CompareViewModel compare = new CompareViewModel(viewer);

  // What the next request asks for.
  private ModelLocation requestedModel;
  private ImageSource requestedImage;
  private ViewRequest applied;

  private final ObjectProperty<DetectionRule> detectionRule =
      new SimpleObjectProperty<>(this, "detectionRule", DetectionRule.BIMODAL_SPLIT);
  private final DoubleProperty medianRatioFactor =
      new SimpleDoubleProperty(this, "medianRatioFactor", 3);
  private final DoubleProperty robustZ = new SimpleDoubleProperty(this, "robustZ", 3.5);
  private final DoubleProperty absoluteThreshold =
      new SimpleDoubleProperty(this, "absoluteThreshold", Double.NaN);

  private final ReadOnlyObjectWrapper<ModelInfo> model = new ReadOnlyObjectWrapper<>(this, "model");
  private final ReadOnlyObjectWrapper<ViewOutcome> outcome =
      new ReadOnlyObjectWrapper<>(this, "outcome");
  private final ReadOnlyBooleanWrapper busy = new ReadOnlyBooleanWrapper(this, "busy");
  private final ReadOnlyDoubleWrapper progress = new ReadOnlyDoubleWrapper(this, "progress", 0);
  private final ReadOnlyStringWrapper activity = new ReadOnlyStringWrapper(this, "activity", "");
  private final ReadOnlyStringWrapper status = new ReadOnlyStringWrapper(this, "status", "");

  /**
   * The status message that belongs to the model on screen, if one is shown (see showModelMessage).
   */
  private String modelMessage;

  private final ReadOnlyStringWrapper timings = new ReadOnlyStringWrapper(this, "timings", "");
  private final ReadOnlyStringWrapper title = new ReadOnlyStringWrapper(this, "title", "Sinkscope");
  private final ReadOnlyObjectWrapper<UserError> error = new ReadOnlyObjectWrapper<>(this, "error");
  private final ReadOnlyBooleanWrapper discovering =
      new ReadOnlyBooleanWrapper(this, "discovering");
  private final ReadOnlyBooleanWrapper exporting = new ReadOnlyBooleanWrapper(this, "exporting");

  /** Stops the running export (a report re-runs the model), or null when none runs. */
  private Runnable exportCancel;

  private final ReadOnlyBooleanWrapper stale = new ReadOnlyBooleanWrapper(this, "stale");
  private final ObservableList<Path> recentModels = FXCollections.observableArrayList();
  private final ObservableList<Path> recentImages = FXCollections.observableArrayList();
  private InferenceService.Job discovery;
  private boolean closed;
  // A saved session waits for its model before it sets the view and the mitigations.
  private ModelLocation readyFor;
  private Runnable whenReady;

  public MainViewModel(
      ServiceFactory services,
      BundledAssets assets,
      AppPreferences prefs,
      Executor io,
      Executor ui) {
    this.assets = assets;
    this.prefs = prefs;
    this.io = io;
    this.ui = ui;
    this.service = services.create(this);
    recentModels.setAll(prefs.recentModels());
    recentImages.setAll(prefs.recentImages());
    mitigations.stackProperty().addListener(x -> submit());
    mitigations
        .ttrOnProperty()
        .addListener(
            (obs, was, on) -> {
              if (on) {
                dropModelMessage(); // "switch test-time registers on" is done
              }
            });
    mitigations.denoisingProperty().addListener(x -> submit());
    compare.targetBinding().addListener(x -> submit());
    for (Observable o : List.of(detectionRule, medianRatioFactor, robustZ, absoluteThreshold)) {
      o.addListener(x -> submit());
    }
    viewer.setAttentionRequester(
        (pass, token) -> service.fillAttention(pass, token, viewer::refresh));
    viewer.renderedProperty().addListener(x -> updateTimings());
  }

  /**
   * How a report export opens its second copy of a model: on the device the app was started with.
   * The composition root may replace it (tests: the CPU); views never open models themselves.
   */
  public dev.sinkscope.app.report.SessionReport.ModelOpener reportOpener() {
    return folder ->
        dev.sinkscope.inference.session.ModelSession.open(
            folder, System.getProperty("sinkscope.device", "auto"));
  }

  // ------------------------------------------------------------------ feature models and state

  public ViewerViewModel viewer() {
    return viewer;
  }

  public MitigationsViewModel mitigations() {
    return mitigations;
  }

  public CompareViewModel compare() {
    return compare;
  }

  public BundledAssets assets() {
    return assets;
  }

  public AppPreferences preferences() {
    return prefs;
  }

  /** Where file work runs (never the UI thread). */
  public Executor ioExecutor() {
    return io;
  }

  /** The UI thread. */
  public Executor uiExecutor() {
    return ui;
  }

  /** The loaded model (changes only when a model opened successfully). */
  public ReadOnlyObjectProperty<ModelInfo> modelProperty() {
    return model.getReadOnlyProperty();
  }

  /** The last finished result, which stays on screen while newer work runs. */
  public ReadOnlyObjectProperty<ViewOutcome> outcomeProperty() {
    return outcome.getReadOnlyProperty();
  }

  public ReadOnlyBooleanProperty busyProperty() {
    return busy.getReadOnlyProperty();
  }

  /** Share done, or negative while the amount of work is unknown. */
  public ReadOnlyDoubleProperty progressProperty() {
    return progress.getReadOnlyProperty();
  }

  /** What is running, e.g. "sink-phantom: block 3 of 8". */
  public ReadOnlyStringProperty activityProperty() {
    return activity.getReadOnlyProperty();
  }

  /** The latest message for the status bar (exports, cancellation). */
  public ReadOnlyStringProperty statusProperty() {
    return status.getReadOnlyProperty();
  }

  /** Forward, analysis and render times of what is shown. */
  public ReadOnlyStringProperty timingsProperty() {
    return timings.getReadOnlyProperty();
  }

  public ReadOnlyStringProperty titleProperty() {
    return title.getReadOnlyProperty();
  }

  /** The latest failure; a new object per failure, so every one is seen. */
  public ReadOnlyObjectProperty<UserError> errorProperty() {
    return error.getReadOnlyProperty();
  }

  public ReadOnlyBooleanProperty discoveringProperty() {
    return discovering.getReadOnlyProperty();
  }

  /** True while a long export (a report) runs on the I/O thread; Cancel / Esc stops it. */
  public ReadOnlyBooleanProperty exportingProperty() {
    return exporting.getReadOnlyProperty();
  }

  /**
   * A cancellable export has started (UI thread); {@code cancelAction} is called by Cancel / Esc.
   */
  public void exportStarted(String what, Runnable cancelAction) {
    exportCancel = cancelAction;
    exporting.set(true);
    activity.set(what);
    progress.set(-1);
  }

  /** Progress of the running export, {@code fraction} in [0, 1] (UI thread). */
  public void exportProgress(String step, double fraction) {
    if (exporting.get()) {
      activity.set(step);
      progress.set(fraction);
    }
  }

  /** The export ended, finished or not (UI thread). */
  public void exportEnded() {
    exportCancel = null;
    exporting.set(false);
    if (!busy.get()) {
      activity.set("");
      progress.set(0);
    }
  }

  /** True after a cancel: the picture is older than the settings until the next run. */
  public ReadOnlyBooleanProperty staleProperty() {
    return stale.getReadOnlyProperty();
  }

  public ObservableList<Path> recentModels() {
    return recentModels;
  }

  public ObservableList<Path> recentImages() {
    return recentImages;
  }

  public ObjectProperty<DetectionRule> detectionRuleProperty() {
    return detectionRule;
  }

  public DoubleProperty medianRatioFactorProperty() {
    return medianRatioFactor;
  }

  public DoubleProperty robustZProperty() {
    return robustZ;
  }

  /** Rule A τ; NaN uses the model's preset. */
  public DoubleProperty absoluteThresholdProperty() {
    return absoluteThreshold;
  }

  // ------------------------------------------------------------------ opening

  /**
   * Opens the bundled phantom (or {@code modelOverride}) on the default photo (or {@code
   * imageOverride}).
   */
  public void startDefault(Path modelOverride, Path imageOverride) {
    io.execute(dev.sinkscope.app.gui.canvas.RenderWarmUp::run); // while the model loads
    requestedModel =
        modelOverride != null
            ? new ModelLocation.Folder(modelOverride)
            : new ModelLocation.Bundled(BundledAssets.PHANTOM, assets);
    if (imageOverride != null) {
      requestedImage = new ImageSource.FromFile(imageOverride);
    } else {
      List<String> photos = assets.photos();
      String photo =
          photos.contains(BundledAssets.DEFAULT_PHOTO)
              ? BundledAssets.DEFAULT_PHOTO
              : photos.isEmpty() ? null : photos.get(0);
      requestedImage = photo == null ? null : new ImageSource.Bundled(photo, assets);
    }
    submit();
  }

  /** Opens a model folder; a config.json (or any file) stands for its folder. */
  public void openModel(Path folderOrFile) {
    Path folder =
        Files.isDirectory(folderOrFile) ? folderOrFile : folderOrFile.toAbsolutePath().getParent();
    if (folder == null || !Files.isDirectory(folder)) {
      report(
          UserError.simple(
              "Cannot open model",
              folderOrFile
                  + " is not a model folder (expected a folder with"
                  + " config.json and model.safetensors)."));
      return;
    }
    requestedModel = new ModelLocation.Folder(folder);
    submit();
  }

  /** Opens a model from anywhere (a hub snapshot, a folder, a bundled model). */
  public void openModelLocation(ModelLocation location) {
    requestedModel = location;
    submit();
  }

  /**
   * Opens a model and a photo together (a saved session) and runs {@code whenReady} on this thread
   * once that model's picture is on screen and its presets are in place; dropped if it fails.
   */
  public void openModelAndImage(ModelLocation location, ImageSource image, Runnable whenReady) {
    requestedModel = location;
    requestedImage = image;
    readyFor = location;
    this.whenReady = whenReady;
    submit();
  }

  public void openBundledModel(String name) {
    requestedModel = new ModelLocation.Bundled(name, assets);
    submit();
  }

  public void openImage(Path file) {
    requestedImage = new ImageSource.FromFile(file);
    submit();
  }

  /** A picture from the clipboard or a drop, already encoded (PNG, JPEG...). */
  public void openImageBytes(String name, byte[] bytes) {
    requestedImage = new ImageSource.FromBytes(name, bytes);
    submit();
  }

  public void openBundledPhoto(String name) {
    requestedImage = new ImageSource.Bundled(name, assets);
    submit();
  }

  /** Puts a line in the status bar. */
  public void showMessage(String text) {
    status.set(text);
  }

  /** Runs the current settings again (after a cancel). */
  public void rerun() {
    submit();
  }

  /** Stops what is running; the last finished picture stays. */
  public void cancel() {
    if (exportCancel != null) {
      exportCancel.run();
      status.set("Cancelling the export…");
      return;
    }
    if (discovery != null) {
      discovery.cancel();
      return;
    }
    if (busy.get()) {
      service.cancelCurrent();
      busy.set(false);
      progress.set(0);
      activity.set("");
      stale.set(true);
      status.set("Cancelled. The picture shows the last finished run; press F5 to run again.");
    }
  }

  private void submit() {
    if (closed || requestedModel == null) {
      return;
    }
    ViewRequest request =
        new ViewRequest(
            requestedModel,
            requestedImage,
            mitigations.stackProperty().get(),
            analysisOptions(),
            compare.targetBinding().get(),
            mitigations.denoisingProperty().get());
    busy.set(true);
    stale.set(false);
    progress.set(-1);
    activity.set("Working…");
    service.submit(request);
  }

  AnalysisOptions analysisOptions() {
    DetectionOptions detection =
        DetectionOptions.defaults()
            .withRule(detectionRule.get())
            .withMedianRatioFactor(medianRatioFactor.get())
            .withRobustZThreshold(robustZ.get())
            .withAbsoluteThreshold(absoluteThreshold.get());
    return AnalysisOptions.defaults().withDetection(detection);
  }

  // ------------------------------------------------------------------ results

  @Override
  public void completed(ViewOutcome result) {
    ModelInfo before = model.get();
    applied = result.request();
    busy.set(false);
    progress.set(0);
    activity.set("");
    boolean newModel = before == null || !before.location().equals(result.model().location());
    model.set(result.model());
    outcome.set(result);
    viewer.outcomeProperty().set(result);
    if (compare.activeProperty().get()) {
      compare.refresh();
    }
    title.set(titleOf(result));
    remember(result);
    if (newModel) {
      dropModelMessage();
      modelChanged(result.model());
    }
    if (!newModel || !result.model().synthetic()) {
      modelReady(result.model().location());
    }
    if (result.nonFinite() != null) {
      status.set(result.nonFinite());
    }
    updateTimings();
  }

  /**
   * A status message about the model on screen (and its mitigation settings): it goes when another
   * model opens, and when the user does what it suggests.
   */
  private void showModelMessage(String text) {
    modelMessage = text;
    status.set(text);
  }

  private void dropModelMessage() {
    if (modelMessage != null && modelMessage.equals(status.get())) {
      status.set("");
    }
    modelMessage = null;
  }

  private void modelReady(ModelLocation location) {
    if (whenReady != null && location.equals(readyFor)) {
      Runnable action = whenReady;
      whenReady = null;
      readyFor = null;
      action.run();
    }
  }

  @Override
  public void failed(ViewRequest request, Throwable failure) {
    whenReady = null;
    readyFor = null;
    busy.set(false);
    progress.set(0);
    activity.set("");
    String what = describe(request, failure);
    // Go back to what is shown, so the next change does not retry the broken input.
    if (applied != null) {
      requestedModel = applied.model();
      requestedImage = applied.image();
      if (!request.compare().equals(applied.compare())) {
        compare.modeProperty().set(applied.compare().kind());
        compare.otherModelProperty().set(applied.compare().otherModel());
      }
    } else if (!(failure instanceof dev.sinkscope.inference.preprocess.ImageLoadException)) {
      requestedModel = null;
    } else {
      requestedImage = null;
    }
    UserError reported = UserError.of(failure, what);
    if (applied != null) {
      reported =
          reported.withNote(
              "Still showing "
                  + applied.model().displayName()
                  + (applied.image() == null ? "" : " on " + applied.image().displayName())
                  + ".");
    }
    report(reported);
  }

  @Override
  public void progress(InferenceService.Progress p) {
    if (p.generation() >= 0 && !busy.get()) {
      return;
    }
    activity.set(p.phase());
    progress.set(p.fraction());
  }

  private String describe(ViewRequest request, Throwable failure) {
    if (failure instanceof dev.sinkscope.inference.preprocess.ImageLoadException
        && request.image() != null) {
      return "image " + request.image().displayName();
    }
    if (request.compare().otherModel() != null
        && (applied == null || !request.compare().equals(applied.compare()))
        && (applied != null && applied.model().equals(request.model()))) {
      return "model B " + request.compare().otherModel().displayName();
    }
    return "model " + request.model().displayName();
  }

  /** Shows a failure in the error dialog and the status bar. */
  public void reportError(UserError e) {
    report(e);
  }

  private void report(UserError e) {
    error.set(e);
    status.set(e.title() + ": " + e.message());
  }

  private void modelChanged(ModelInfo info) {
    mitigations.modelProperty().set(info.spec());
    if (info.synthetic()) {
      Path folder = info.folder();
      io.execute(
          () -> {
            NeuronMapChoice planted = plantedCircuit(folder);
            ui.execute(
                () -> {
                  mitigations.setModelPreset(planted);
                  modelReady(info.location());
                });
          });
    } else {
      mitigations.setModelPreset(null);
    }
    if (compare.otherModelProperty().get() == null
        && info.location() instanceof ModelLocation.Bundled
        && info.location().displayName().equals(BundledAssets.PHANTOM)
        && assets.hasModel(BundledAssets.PHANTOM_REGISTERS)) {
      compare
          .otherModelProperty()
          .set(new ModelLocation.Bundled(BundledAssets.PHANTOM_REGISTERS, assets));
    }
  }

  /**
   * The phantom's planted register neurons: from its phantom.json when readable, else the
   * generator's constants.
   */
  public static NeuronMapChoice plantedCircuit(Path folder) {
    Path card = folder.resolve("phantom.json");
    if (Files.isRegularFile(card)) {
      try {
        NeuronMap map = NeuronMap.read(card);
        return new NeuronMapChoice("planted circuit (" + map.neurons().size() + " neurons)", map);
      } catch (IOException e) {
        // phantom.json without a register_neurons list: fall back to the generator's constants
      }
    }
    List<NeuronMap.RegisterNeuron> neurons = new ArrayList<>();
    for (int n : PhantomGenerator.REGISTER_NEURONS) {
      neurons.add(new NeuronMap.RegisterNeuron(PhantomGenerator.CIRCUIT_BLOCK, n));
    }
    return new NeuronMapChoice(
        "planted circuit (block "
            + (PhantomGenerator.CIRCUIT_BLOCK + 1)
            + ", "
            + neurons.size()
            + " neurons)",
        new NeuronMap(neurons, "the phantom's planted circuit"));
  }

  private void remember(ViewOutcome result) {
    if (result.model().location() instanceof ModelLocation.Folder) {
      prefs.addRecentModel(result.model().folder());
      recentModels.setAll(prefs.recentModels());
    }
    if (result.image() != null) {
      result
          .image()
          .source()
          .file()
          .ifPresent(
              f -> {
                prefs.addRecentImage(f);
                recentImages.setAll(prefs.recentImages());
              });
    }
  }

  private static String titleOf(ViewOutcome result) {
    StringBuilder s = new StringBuilder("Sinkscope — ").append(result.model().displayName());
    if (result.model().synthetic()) {
      s.append(" (synthetic phantom, not a trained model)");
    }
    if (result.image() != null) {
      s.append(" — ").append(result.image().displayName());
    }
    return s.toString();
  }

  private void updateTimings() {
    ViewOutcome o = outcome.get();
    if (o == null || o.primary() == null) {
      timings.set("");
      return;
    }
    AnalyzedPass p = o.primary();
    int blocks = p.blocks();
    String forward =
        p.recomputedFromBlock() >= blocks
            ? "forward cached"
            : "forward "
                + Format.millis(p.forwardMillis())
                + (p.recomputedFromBlock() > 0
                    ? " (from block " + (p.recomputedFromBlock() + 1) + ")"
                    : "");
    timings.set(
        forward
            + " · analysis "
            + Format.millis(p.analysisMillis())
            + " · draw "
            + String.format(Locale.ROOT, "%.1f ms", viewer.renderMillisProperty().get()));
  }

  // ------------------------------------------------------------------ register-neuron maps

  /** Reads a ttr.json map and selects it. */
  public void loadNeuronMap(Path file) {
    io.execute(
        () -> {
          try {
            NeuronMap map = NeuronMap.read(file);
            ui.execute(
                () ->
                    mitigations.addNeuronMap(
                        new NeuronMapChoice(
                            file.getFileName() + " (" + map.neurons().size() + " neurons)", map)));
          } catch (IOException e) {
            ui.execute(() -> report(UserError.of(e, "neuron map " + file.getFileName())));
          }
        });
  }

  /** Writes the selected map as ttr.json. */
  public void saveNeuronMap(Path file) {
    NeuronMapChoice choice = mitigations.neuronMapProperty().get();
    if (choice == null) {
      return;
    }
    io.execute(
        () -> {
          try {
            choice.map().write(file, Map.of("source", choice.map().source()));
            ui.execute(() -> status.set("Saved the neuron map to " + file));
          } catch (IOException e) {
            ui.execute(() -> report(UserError.of(e, "neuron map " + file.getFileName())));
          }
        });
  }

  /**
   * Discovery settings to start from: the published preset for the model when there is one, else
   * the last block with τ halfway between the median and the largest patch norm shown now.
   */
  public NeuronDiscovery.Settings discoveryDefaults() {
    ModelInfo info = model.get();
    if (info == null) {
      return new NeuronDiscovery.Settings(-1, 100, 100, true, -1, 0, 10, 0);
    }
    NeuronDiscovery.Settings preset = NeuronDiscovery.Settings.presetFor(info.spec());
    if (preset != null) {
      return preset;
    }
    double tau = 100;
    AnalyzedPass pass = viewer.pass();
    if (pass != null) {
      LayerNormAnalysis last = pass.report().norms().get(pass.report().norms().size() - 1);
      tau = Math.round((last.patchNorms().median() + last.patchNorms().max()) / 2);
    }
    return new NeuronDiscovery.Settings(-1, tau, 100, true, -1, 0, 10, 0);
  }

  /**
   * Finds register neurons from the photos in {@code folder}; the result is added to the neuron
   * maps.
   */
  public void discoverNeurons(Path folder, NeuronDiscovery.Settings settings) {
    if (discovery != null) {
      return;
    }
    discovering.set(true);
    activity.set("Discovering register neurons…");
    progress.set(-1);
    io.execute(
        () -> {
          List<Path> images;
          try (Stream<Path> list = Files.list(folder)) {
            images = list.filter(MainViewModel::looksLikeImage).sorted().toList();
          } catch (IOException e) {
            ui.execute(() -> discoveryFailed(e, folder));
            return;
          }
          if (images.isEmpty()) {
            ui.execute(
                () ->
                    discoveryFailed(
                        new IOException("no photos (.png, .jpg, .jpeg, .bmp, .gif) in " + folder),
                        folder));
            return;
          }
          ui.execute(
              () ->
                  discovery =
                      service.discoverNeurons(
                          images,
                          settings,
                          result -> {
                            discovery = null;
                            discovering.set(false);
                            activity.set("");
                            progress.set(0);
                            mitigations.addNeuronMap(
                                new NeuronMapChoice(
                                    "discovered on "
                                        + folder.getFileName()
                                        + " ("
                                        + result.selected().neurons().size()
                                        + " neurons, "
                                        + result.imagesWithOutliers()
                                        + " of "
                                        + result.imagesUsed()
                                        + " images had outliers)",
                                    result.selected()));
                            String found =
                                "Register neurons found ("
                                    + result.selected().neurons().size()
                                    + ")";
                            showModelMessage(
                                mitigations.ttrOnProperty().get()
                                    ? found + "; test-time registers now use them."
                                    : found + "; switch test-time registers on to use them.");
                          },
                          e -> discoveryFailed(e, folder)));
        });
  }

  private void discoveryFailed(Throwable e, Path folder) {
    discovery = null;
    discovering.set(false);
    activity.set("");
    progress.set(0);
    if (e instanceof CancellationException) {
      status.set("Neuron discovery cancelled.");
    } else {
      report(UserError.of(e, "register-neuron discovery on " + folder));
    }
  }

  static boolean looksLikeImage(Path file) {
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    return Files.isRegularFile(file)
        && (name.endsWith(".png")
            || name.endsWith(".jpg")
            || name.endsWith(".jpeg")
            || name.endsWith(".bmp")
            || name.endsWith(".gif"));
  }

  // ------------------------------------------------------------------ export

  /** A file name for exports of {@code kind}, e.g. "sink-phantom_coffee_block8_patch-norm.png". */
  public String suggestedFileName(String kind, String extension) {
    ViewOutcome o = outcome.get();
    String modelName = o == null ? "sinkscope" : o.model().displayName();
    String image =
        o == null || o.image() == null ? "" : "_" + stripExtension(o.image().displayName());
    String what =
        kind
            + (kind.equals("view") || kind.equals("comparison")
                ? "_block"
                    + viewer.blockProperty().get()
                    + "_"
                    + viewer
                        .quantityProperty()
                        .get()
                        .name()
                        .toLowerCase(Locale.ROOT)
                        .replace('_', '-')
                : "");
    return (modelName + image + "_" + what + "." + extension).replaceAll("[^A-Za-z0-9._-]", "_");
  }

  /** The canvas as shown (picture, colorbar, caption) with its provenance. */
  public void exportView(Path file) {
    RenderedView view = viewer.renderedProperty().get();
    AnalyzedPass pass = viewer.pass();
    if (view == null || pass == null) {
      report(UserError.simple("Nothing to export", "Open a model and an image first."));
      return;
    }
    Map<String, String> metadata =
        Exporter.metadata(
            pass,
            outcome.get().image().displayName(),
            blockText(pass),
            headText(),
            viewer.quantityProperty().get().label(),
            view.scale() == null
                ? "PCA components, min-max per channel"
                : ExportMetadata.describe(viewer.colormap(), view.scale()));
    write(file, () -> Exporter.writeView(view, metadata, LegendStyle.LIGHT.withFontSize(13), file));
  }

  /** Before, after and difference with the shared and the difference colorbars, as one PNG. */
  public void exportComparison(Path file) {
    compare.refresh();
    AnalyzedPass left = compare.leftPass();
    AnalyzedPass right = compare.rightPass();
    RenderedView l = compare.leftProperty().get();
    RenderedView r = compare.rightProperty().get();
    if (left == null
        || right == null
        || l == null
        || r == null
        || l.map() == null
        || r.map() == null
        || l.map().grid() == null
        || r.map().grid() == null) {
      report(
          UserError.simple(
              "Nothing to compare",
              "Switch the comparison on (C) and choose a quantity with a"
                  + " colour scale (PCA colours cannot be differenced)."));
      return;
    }
    if (l.map().grid().rows() != r.map().grid().rows()
        || l.map().grid().cols() != r.map().grid().cols()) {
      report(
          UserError.simple(
              "Cannot export this comparison", "The two passes have different patch grids."));
      return;
    }
    Raster photo = outcome.get().image().photo();
    Comparison.BeforeAfter spec =
        new Comparison.BeforeAfter(
                photo,
                right.geometry(),
                l.map().grid(),
                r.map().grid(),
                left.label(),
                right.label(),
                viewer.quantityProperty().get().label(),
                viewer.quantityProperty().get().symbol(),
                viewer.colormap(),
                viewer.normalizationProperty().get().normalization(),
                viewer.smoothProperty().get() ? Upsampling.BILINEAR : Upsampling.NEAREST,
                viewer.opacityProperty().get(),
                Math.min(420, photo.width()),
                LegendStyle.LIGHT.withFontSize(13))
            .withMarkers(ringsOf(left), ringsOf(right));
    Map<String, String> metadata =
        Exporter.metadata(
            right,
            outcome.get().image().displayName(),
            blockText(right),
            headText(),
            viewer.quantityProperty().get().label() + ": " + left.label() + " vs " + right.label(),
            ExportMetadata.describe(viewer.colormap(), compare.sharedScaleProperty().get()));
    metadata.put("Compared", left.label() + " | " + right.label());
    write(file, () -> Exporter.writePicture(Comparison.beforeAfter(spec).raster(), metadata, file));
  }

  /**
   * The view as a session records it, for the metrics JSON; null until the session controller
   * provides it (it owns the session vocabulary), or when the view needs a patch and has none.
   */
  private java.util.function.Supplier<dev.sinkscope.inference.report.ViewSettings> metricsView =
      () -> null;

  /** Set by the session controller: how the view on screen reads as session view settings. */
  public void setMetricsView(
      java.util.function.Supplier<dev.sinkscope.inference.report.ViewSettings> view) {
    this.metricsView = view;
  }

  /** Per-block metrics of every pass on screen, JSON or CSV by the file's extension. */
  public void exportMetrics(Path file) {
    ViewOutcome o = outcome.get();
    if (o == null || o.primary() == null) {
      report(UserError.simple("Nothing to export", "Open a model and an image first."));
      return;
    }
    List<AnalyzedPass> passes = new ArrayList<>();
    passes.add(o.primary());
    if (o.comparison() != null) {
      passes.add(o.comparison());
    }
    boolean csv = file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".csv");
    // JSON: the layout of report's metrics.json, with the view as a session records it
    var view = metricsView.get();
    int block = Math.max(1, Math.min(o.primary().blocks(), viewer.blockProperty().get()));
    write(
        file,
        () -> {
          if (csv) {
            Exporter.writeMetricsCsv(passes, file);
          } else {
            Exporter.writeMetricsJson(o, view, block, file);
          }
        });
  }

  @FunctionalInterface
  private interface FileWork {
    void run() throws IOException;
  }

  private void write(Path file, FileWork work) {
    status.set("Writing " + file.getFileName() + "…");
    io.execute(
        () -> {
          try {
            work.run();
            ui.execute(() -> status.set("Exported " + file));
          } catch (IOException | RuntimeException e) {
            ui.execute(() -> report(UserError.of(e, "export to " + file)));
          }
        });
  }

  /**
   * The rings the window draws on {@code pass}'s panel (same block, same switches), or null for
   * none.
   */
  private OverlayLayer.Markers ringsOf(AnalyzedPass pass) {
    int block =
        viewer.quantityProperty().get().perBlock()
            ? Math.max(1, Math.min(pass.blocks(), viewer.blockProperty().get()))
            : pass.blocks();
    List<Marker> markers =
        LayerMaps.markers(
            pass, block, viewer.showArtifactsProperty().get(), viewer.showSinksProperty().get());
    var layout = pass.result().layout();
    return markers.isEmpty()
        ? null
        : new OverlayLayer.Markers(layout.gridRows(), layout.gridCols(), markers);
  }

  private String blockText(AnalyzedPass pass) {
    return viewer.quantityProperty().get().perBlock()
        ? viewer.blockProperty().get() + " of " + pass.blocks()
        : "all " + pass.blocks();
  }

  private String headText() {
    return viewer.quantityProperty().get().perHead()
        ? viewer.headProperty().get().shortName()
        : "n/a";
  }

  private static String stripExtension(String name) {
    int dot = name.lastIndexOf('.');
    return dot > 0 ? name.substring(0, dot) : name;
  }

  // ------------------------------------------------------------------ lifecycle

  /** Stops the inference thread and closes the models; the window is going away. */
  @Override
  public void close() {
    closed = true;
    if (discovery != null) {
      discovery.cancel();
    }
    service.close();
    prefs.flush();
  }

  /**
   * After {@link #close()}: waits until the inference thread has closed the models (releasing their
   * native memory) and ended. Only for when the window is gone (application stop) or in tests.
   */
  public boolean awaitClosed(long timeout, java.util.concurrent.TimeUnit unit)
      throws InterruptedException {
    return service.awaitTermination(timeout, unit);
  }

  /** The compare target in force for the picture on screen (for tests and the status bar). */
  public CompareTarget appliedCompareTarget() {
    return applied == null ? CompareTarget.NONE : applied.compare();
  }
}
