package dev.sinkscope.app.gui.main;

import dev.sinkscope.app.assets.BundledAssets;
import dev.sinkscope.app.gui.canvas.Format;
import dev.sinkscope.app.gui.canvas.RenderWarmUp;
import dev.sinkscope.app.gui.canvas.ViewerViewModel;
import dev.sinkscope.app.gui.common.UserError;
import dev.sinkscope.app.gui.compare.CompareViewModel;
import dev.sinkscope.app.gui.mitigations.MitigationsViewModel;
import dev.sinkscope.app.gui.session.AnalyzedPass;
import dev.sinkscope.app.gui.session.CompareTarget;
import dev.sinkscope.app.gui.session.ImageSource;
import dev.sinkscope.app.gui.session.InferenceService;
import dev.sinkscope.app.gui.session.ModelInfo;
import dev.sinkscope.app.gui.session.ModelLocation;
import dev.sinkscope.app.gui.session.ViewOutcome;
import dev.sinkscope.app.gui.session.ViewRequest;
import dev.sinkscope.app.gui.tasks.BackgroundTask;
import dev.sinkscope.app.gui.tasks.TaskExecutor;
import dev.sinkscope.app.gui.tasks.TaskStatus;
import dev.sinkscope.inference.analysis.AnalysisOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyDoubleProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * The application-wide presentation model: which model and photo are open, what is running, what
 * failed, and the commands of the menus. It owns the feature presentation models (viewer,
 * mitigations, comparison) and the {@link InferenceService}; every state change that needs the
 * model becomes one immutable {@link ViewRequest}. Lives on the FX thread; all callbacks arrive
 * there.
 */
// Over 400 lines as one thing: the request / result cycle of the picture (asked, running, shown).
public final class MainViewModel implements InferenceService.Listener, AutoCloseable {

  /** Builds the inference service once the listener exists. */
  @FunctionalInterface
  public interface ServiceFactory {
    InferenceService create(InferenceService.Listener listener);
  }

  private final InferenceService service;
  private final BundledAssets assets;
  private final AppPreferences prefs;
  private final TaskExecutor tasks;

  private final ViewerViewModel viewer = new ViewerViewModel();
  private final MitigationsViewModel mitigations = new MitigationsViewModel();
  private final CompareViewModel compare = new CompareViewModel(viewer);
  private final ExportModel exports;
  private final NeuronMapsModel neuronMaps;

  // What the next request asks for.
  private ModelLocation requestedModel;
  private ImageSource requestedImage;
  private ViewRequest applied;

  private final ArtifactRuleModel artifactRule = new ArtifactRuleModel();
  private final javafx.beans.property.BooleanProperty wholeAnalysisWanted =
      new javafx.beans.property.SimpleBooleanProperty(this, "wholeAnalysisWanted");

  private final ReadOnlyObjectWrapper<ModelInfo> model = new ReadOnlyObjectWrapper<>(this, "model");
  private final ReadOnlyObjectWrapper<ViewOutcome> outcome =
      new ReadOnlyObjectWrapper<>(this, "outcome");
  private final ReadOnlyBooleanWrapper busy = new ReadOnlyBooleanWrapper(this, "busy");
  // The running pass in the task status (cancel: supersede it), and a selected patch's recompute.
  private TaskStatus.Activity pass;
  private TaskStatus.Activity attentionFill;
  private final ReadOnlyStringWrapper status = new ReadOnlyStringWrapper(this, "status", "");

  /**
   * The status message that belongs to the model on screen, if one is shown (see showModelMessage).
   */
  private String modelMessage;

  private final ReadOnlyStringWrapper timings = new ReadOnlyStringWrapper(this, "timings", "");
  private final ReadOnlyStringWrapper title = new ReadOnlyStringWrapper(this, "title", "Sinkscope");
  private final ReadOnlyObjectWrapper<UserError> error = new ReadOnlyObjectWrapper<>(this, "error");
  private final ReadOnlyBooleanWrapper stale = new ReadOnlyBooleanWrapper(this, "stale");
  private final ObservableList<Path> recentModels = FXCollections.observableArrayList();
  private final ObservableList<Path> recentImages = FXCollections.observableArrayList();
  private boolean closed;
  // A saved session waits for its model before it sets the view and the mitigations.
  private ModelLocation readyFor;
  private Runnable whenReady;

  /**
   * @param tasks runs the long jobs; the service's requests go to its inference lane
   */
  public MainViewModel(
      ServiceFactory services, BundledAssets assets, AppPreferences prefs, TaskExecutor tasks) {
    this.assets = assets;
    this.prefs = prefs;
    this.tasks = tasks;
    this.service = services.create(this);
    this.exports = new ExportModel(this, tasks);
    this.neuronMaps = new NeuronMapsModel(this, service, tasks);
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
    artifactRule.addListener(x -> submit());
    viewer.setAttentionRequester(this::fillAttention);
    viewer.renderedProperty().addListener(x -> updateTimings());
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

  /** File > Export of the view, the comparison and the metrics. */
  public ExportModel exports() {
    return exports;
  }

  /** Register-neuron maps: ttr.json files, the planted circuit, discovery. */
  public NeuronMapsModel neuronMaps() {
    return neuronMaps;
  }

  /** Runs the long jobs; its status is what the status bar shows. */
  public TaskExecutor tasks() {
    return tasks;
  }

  /**
   * Opens the models of a report: lends the open ones (a report task runs on the inference lane).
   */
  public dev.sinkscope.app.report.SessionReport.ModelOpener reportModels() {
    return service.reportModels();
  }

  /** The loaded model (changes only when a model opened successfully). */
  public ReadOnlyObjectProperty<ModelInfo> modelProperty() {
    return model.getReadOnlyProperty();
  }

  /** The last finished result, which stays on screen while newer work runs. */
  public ReadOnlyObjectProperty<ViewOutcome> outcomeProperty() {
    return outcome.getReadOnlyProperty();
  }

  /** True while a pass (with its model and photo loads) runs. */
  public ReadOnlyBooleanProperty busyProperty() {
    return busy.getReadOnlyProperty();
  }

  /** Share done of what runs, or negative while the amount of work is unknown. */
  public ReadOnlyDoubleProperty progressProperty() {
    return tasks.status().progressProperty();
  }

  /** What is running, e.g. "sink-phantom: block 3 of 8". */
  public ReadOnlyStringProperty activityProperty() {
    return tasks.status().messageProperty();
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

  /** True while register-neuron discovery runs. */
  public ReadOnlyBooleanProperty discoveringProperty() {
    return neuronMaps.discoveringProperty();
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

  /** The artifact rule and its settings; a change runs the analysis again. */
  public ArtifactRuleModel artifactRule() {
    return artifactRule;
  }

  // ------------------------------------------------------------------ opening

  /**
   * Opens the bundled phantom (or {@code modelOverride}) on the default photo (or {@code
   * imageOverride}).
   */
  public void startDefault(Path modelOverride, Path imageOverride) {
    BackgroundTask.run("Warming up the renderer", context -> RenderWarmUp.run())
        .quiet()
        .executeWith(tasks); // while the model loads
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

  /**
   * Stops the newest thing running (Cancel, Esc): an export, a discovery, a download or the pass;
   * the last finished picture stays.
   */
  public void cancel() {
    tasks.status().cancel();
  }

  /** The pass's cancel: supersedes it without queuing another. */
  private void cancelPass() {
    if (busy.get()) {
      service.cancelCurrent();
      endPass();
      stale.set(true);
      status.set("Cancelled. The picture shows the last finished run; press F5 to run again.");
    }
  }

  private void endPass() {
    busy.set(false);
    if (pass != null) {
      pass.end();
      pass = null;
    }
  }

  private void fillAttention(AnalyzedPass shown, int token) {
    TaskStatus.Activity fill =
        tasks.status().begin("Recomputing the selected patch's attention", null);
    attentionFill = fill;
    service.fillAttention(
        shown,
        token,
        () -> {
          fill.end();
          if (attentionFill == fill) {
            attentionFill = null;
          }
          viewer.refresh();
        });
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
            mitigations.denoisingProperty().get(),
            wholeAnalysisFirst());
    busy.set(true);
    stale.set(false);
    if (pass == null) {
      pass = tasks.status().begin("Working…", this::cancelPass);
    }
    pass.update(-1, "Working…");
    service.submit(request);
  }

  /**
   * Whether the next picture needs the whole analysis: the view shown reads sink scores, rollout or
   * PCA, a comparison shows its metric table, or a lesson reads every metric of its run. Otherwise
   * the rest of the analysis follows the first picture.
   */
  private boolean wholeAnalysisFirst() {
    return viewer.quantityProperty().get().needsWholeAnalysis()
        || compare.targetBinding().get().kind() != CompareTarget.Kind.NONE
        || compare.activeProperty().get()
        || wholeAnalysisWanted.get();
  }

  /** Set while a view reads every metric of each run (a lesson): see {@link #submit}. */
  public javafx.beans.property.BooleanProperty wholeAnalysisWantedProperty() {
    return wholeAnalysisWanted;
  }

  AnalysisOptions analysisOptions() {
    return artifactRule.analysisOptions();
  }

  // ------------------------------------------------------------------ results

  @Override
  public void completed(ViewOutcome result) {
    ModelInfo before = model.get();
    applied = result.request();
    endPass();
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

  @Override
  public void analysisReady(ViewOutcome result) {
    if (outcome.get() != result) {
      return; // another outcome is shown; it has its own
    }
    viewer.analysisArrived();
    if (compare.activeProperty().get()) {
      compare.refresh();
    }
  }

  @Override
  public void pcaReady(ViewOutcome result) {
    if (outcome.get() != result) {
      return; // another outcome is shown; it has its own
    }
    if (viewer.quantityProperty().get() == dev.sinkscope.app.gui.canvas.Quantity.PCA_RGB) {
      viewer.refresh();
      if (compare.activeProperty().get()) {
        compare.refresh();
      }
    }
  }

  /**
   * A status message about the model on screen (and its mitigation settings): it goes when another
   * model opens, and when the user does what it suggests.
   */
  void showModelMessage(String text) {
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
    endPass();
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
    TaskStatus.Activity target = p.generation() >= 0 ? pass : attentionFill;
    if (target != null) {
      target.update(p.fraction(), p.phase());
    }
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

  void report(UserError e) {
    error.set(e);
    status.set(e.title() + ": " + e.message());
  }

  private void modelChanged(ModelInfo info) {
    mitigations.modelProperty().set(info.spec());
    if (info.synthetic()) {
      Path folder = info.folder();
      BackgroundTask.of(
              "Reading the planted circuit", context -> NeuronMapsModel.plantedCircuit(folder))
          .quiet()
          .onSuccess(
              planted -> {
                mitigations.setModelPreset(planted);
                modelReady(info.location());
              })
          .executeWith(tasks);
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

  // ------------------------------------------------------------------ lifecycle

  /** Stops the inference thread and closes the models; the window is going away. */
  @Override
  public void close() {
    closed = true;
    neuronMaps.cancel();
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
