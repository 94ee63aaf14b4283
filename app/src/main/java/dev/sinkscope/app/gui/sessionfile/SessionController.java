package dev.sinkscope.app.gui.sessionfile;

import dev.sinkscope.app.assets.BundledAssets;
import dev.sinkscope.app.gui.canvas.HeadChoice;
import dev.sinkscope.app.gui.canvas.NormalizationChoice;
import dev.sinkscope.app.gui.canvas.Quantity;
import dev.sinkscope.app.gui.canvas.ViewerViewModel;
import dev.sinkscope.app.gui.common.UserError;
import dev.sinkscope.app.gui.hub.HubModelLocation;
import dev.sinkscope.app.gui.main.MainViewModel;
import dev.sinkscope.app.gui.mitigations.MitigationsViewModel;
import dev.sinkscope.app.gui.mitigations.NeuronMapChoice;
import dev.sinkscope.app.gui.session.CompareTarget;
import dev.sinkscope.app.gui.session.ImageSource;
import dev.sinkscope.app.gui.session.ModelLocation;
import dev.sinkscope.app.gui.session.ViewOutcome;
import dev.sinkscope.app.gui.tasks.BackgroundTask;
import dev.sinkscope.app.gui.tasks.TaskExecutor;
import dev.sinkscope.app.report.SessionReport;
import dev.sinkscope.inference.hub.HubCache;
import dev.sinkscope.inference.hub.HubSettings;
import dev.sinkscope.inference.mitigation.AttentionNormalizer;
import dev.sinkscope.inference.mitigation.HeadGate;
import dev.sinkscope.inference.mitigation.Mitigation;
import dev.sinkscope.inference.mitigation.MitigationSpecs;
import dev.sinkscope.inference.mitigation.MitigationStack;
import dev.sinkscope.inference.mitigation.NeuronMap;
import dev.sinkscope.inference.mitigation.RegisterAblation;
import dev.sinkscope.inference.mitigation.TestTimeRegisters;
import dev.sinkscope.inference.report.CompareMode;
import dev.sinkscope.inference.report.ImageReference;
import dev.sinkscope.inference.report.ModelReference;
import dev.sinkscope.inference.report.SessionFile;
import dev.sinkscope.inference.report.ViewSettings;
import dev.sinkscope.inference.report.WeightsFingerprint;
import dev.sinkscope.render.Colormaps;
import dev.sinkscope.render.PatchPosition;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;

/**
 * File > "Save session…" and "Open session…": writes what the main picture shows (model with its
 * weights hash, photo with its hash, block, head, quantity, colours, mitigations, before/after
 * comparison) in the session format the command line's {@code save-session} and {@code report} use,
 * and restores it. Hashing, file reading and writing run on the I/O executor; the state is read and
 * set on the UI thread. A session opens only when its photo and its model's weights still hash as
 * recorded.
 *
 * <p>Long on purpose: saving, opening and the report export share the session vocabulary and the
 * checks a reopened session must pass.
 */
public final class SessionController {
  /** Files in a model folder that carry a register-neuron map, as the command line reads them. */
  private final MainViewModel vm;

  private final Supplier<HubSettings> hub;
  private final TaskExecutor tasks;
  private final ReadOnlyObjectWrapper<Opened> opened = new ReadOnlyObjectWrapper<>(this, "opened");

  /**
   * A session that has been restored.
   *
   * @param file the session file
   * @param session its content
   * @param notes what could not be restored exactly (empty when everything was)
   */
  public record Opened(Path file, SessionFile session, List<String> notes) {}

  /** A session that cannot be opened or saved, with the message for the user. */
  static final class Problem extends Exception {
    private static final long serialVersionUID = 1L;
    final transient UserError error;

    Problem(String title, String message) {
      super(message);
      this.error = UserError.simple(title, message);
    }
  }

  /** Everything read and checked off the UI thread, ready to apply. */
  private record Prepared(
      Path file,
      SessionFile session,
      ModelLocation model,
      ModelLocation modelB,
      ImageSource image,
      MitigationStack mitigations,
      String neuronLabel,
      List<String> notes) {}

  public SessionController(MainViewModel vm, Supplier<HubSettings> hub, TaskExecutor tasks) {
    this.vm = vm;
    this.hub = hub;
    this.tasks = tasks;
    // Ctrl+M writes the view as a session would record it
    vm.exports()
        .setMetricsView(
            () ->
                SessionCodec.view(
                    vm.viewer().blockProperty().get(),
                    vm.viewer().headProperty().get(),
                    vm.viewer().quantityProperty().get(),
                    vm.viewer().colormapProperty().get(),
                    vm.viewer().normalizationProperty().get(),
                    vm.viewer().selectedPatchProperty().get()));
  }

  /** The last session restored completely (view and mitigations set); a new object per session. */
  public ReadOnlyObjectProperty<Opened> openedProperty() {
    return opened.getReadOnlyProperty();
  }

  // ------------------------------------------------------------------ save

  /** Writes the session of the picture on screen to {@code file}. */
  public void save(Path file) {
    Optional<Snapshot> shot = snapshot("Cannot save this view as a session", "save");
    if (shot.isEmpty()) {
      return;
    }
    String note = denoisingNote();
    vm.showMessage("Saving session " + file.getFileName() + "…");
    BackgroundTask.of(
            "Saving session " + file.getFileName() + "…", context -> write(file, shot.get()))
        .notCancellable()
        .onSuccess(
            session ->
                vm.showMessage(
                    "Saved session to "
                        + file
                        + " (weights sha256 "
                        + session.model().weights().sha256().substring(0, 12)
                        + "…)."
                        + note))
        .onFailure(e -> vm.reportError(problem(e, "session " + file)))
        .executeWith(tasks);
  }

  /** The message for a failed session task: a {@link Problem}'s own, else from the exception. */
  private static UserError problem(Throwable e, String what) {
    return e instanceof Problem p ? p.error : UserError.of(e, what);
  }

  /**
   * File > "Export report…": writes the session of the picture on screen into {@code folder} as
   * {@code session.json} and renders it there as {@code sinkscope report} does (panels, metrics,
   * the session), on the I/O executor with the steps in the status bar.
   *
   * <p>The report runs on the inference thread on the models on screen (no second load).
   */
  public void exportReport(Path folder) {
    Optional<Snapshot> shot = snapshot("Cannot export this view as a report", "export");
    if (shot.isEmpty()) {
      return;
    }
    String note = denoisingNote();
    vm.showMessage("Exporting report to " + folder + "…");
    SessionReport.ModelOpener models = vm.reportModels();
    BackgroundTask.of(
            "Exporting report…",
            context -> {
              Path file = folder.resolve(SessionReport.SESSION_JSON);
              SessionFile session = write(file, shot.get());
              Path folderB = shot.get().modelB() == null ? null : shot.get().modelB().resolve();
              return SessionReport.write(
                  session,
                  file,
                  shot.get().model().resolve(),
                  folderB,
                  folder,
                  models,
                  (step, fraction) ->
                      context.progress(
                          fraction,
                          "Exporting report: " + step + "… (" + Math.round(100 * fraction) + "%)"),
                  context);
            })
        .on(BackgroundTask.Lane.INFERENCE)
        .onSuccess(
            written ->
                vm.showMessage(
                    "Exported report to " + folder + " (" + written.size() + " files)." + note))
        .onCancelled(
            () ->
                vm.showMessage(
                    "Report export cancelled; " + folder + " may hold some of its files."))
        .onFailure(
            e ->
                vm.reportError(
                    e instanceof IOException io
                        ? UserError.simple(
                            "Cannot export the report",
                            "Cannot write the report into " + folder + ": " + cause(io) + ".")
                        : problem(e, "report " + folder)))
        .executeWith(tasks);
  }

  /** The cause of a file error in words; the JDK's messages are often just the path. */
  static String cause(IOException e) {
    if (e instanceof java.nio.file.AccessDeniedException) {
      return "permission denied for " + e.getMessage();
    }
    if (e instanceof java.nio.file.FileAlreadyExistsException) {
      return e.getMessage() + " is in the way (a file where a folder is needed)";
    }
    if (e instanceof java.nio.file.NoSuchFileException) {
      return "no such file or folder " + e.getMessage();
    }
    if (e instanceof java.nio.file.FileSystemException) {
      java.nio.file.FileSystemException f = (java.nio.file.FileSystemException) e;
      return f.getFile() + (f.getReason() != null ? ": " + f.getReason() : "");
    }
    return e.getMessage() == null ? e.toString() : e.getMessage();
  }

  /** What a session records, read on the UI thread. */
  private record Snapshot(
      ModelLocation model,
      ModelLocation modelB,
      ImageSource image,
      ViewSettings view,
      MitigationStack stack,
      CompareMode mode) {}

  /**
   * Said when saving while shift/flip denoising is on: a session does not record it, nor a
   * before/after comparison that only denoising made (no mitigation in the stack).
   */
  private String denoisingNote() {
    ViewOutcome o = vm.outcomeProperty().get();
    if (o == null || o.primary() == null || !o.primary().denoised()) {
      return "";
    }
    var features = o.primary().finalFeatures();
    boolean comparisonDropped =
        o.request().compare().kind() == CompareTarget.Kind.BEFORE_AFTER
            && o.primary().mitigations().isEmpty();
    return " Left out of the session: shift/flip denoising ("
        + features.views()
        + " views, seed "
        + features.seed()
        + ")"
        + (comparisonDropped ? " and the before/after comparison it made" : "")
        + "; reopened, and in its report, it shows the single pass without denoising.";
  }

  /** The picture on screen as a session, or empty after telling the user why not. */
  private Optional<Snapshot> snapshot(String cannot, String verb) {
    ViewOutcome o = vm.outcomeProperty().get();
    if (o == null || o.primary() == null || o.image() == null) {
      vm.reportError(UserError.simple("Nothing to " + verb, "Open a model and an image first."));
      return Optional.empty();
    }
    ViewerViewModel viewer = vm.viewer();
    Quantity shown = viewer.quantityProperty().get();
    PatchPosition selected = viewer.selectedPatchProperty().get();
    if (shown.needsSelection() && selected == null) {
      vm.reportError(
          UserError.simple(
              cannot,
              "The view shows "
                  + shown.label()
                  + " but no patch is selected. "
                  + "Click a patch and "
                  + verb
                  + " again."));
      return Optional.empty();
    }
    MitigationStack stack = o.primary().mitigations();
    CompareTarget compare = vm.appliedCompareTarget();
    ViewSettings view =
        new ViewSettings(
            viewer.blockProperty().get(),
            SessionCodec.head(viewer.headProperty().get()),
            SessionCodec.quantity(shown),
            viewer.colormapProperty().get(),
            SessionCodec.normalization(viewer.normalizationProperty().get()),
            SessionCodec.patch(selected));
    ModelLocation modelB =
        compare.kind() == CompareTarget.Kind.OTHER_MODEL ? compare.otherModel() : null;
    CompareMode mode =
        modelB != null
            ? CompareMode.OTHER_MODEL
            : compare.kind() == CompareTarget.Kind.BEFORE_AFTER && !stack.isEmpty()
                ? CompareMode.BEFORE_AFTER
                : CompareMode.NONE;
    return Optional.of(
        new Snapshot(o.model().location(), modelB, o.image().source(), view, stack, mode));
  }

  private SessionFile write(Path file, Snapshot shot) throws IOException, Problem {
    return write(
        file, shot.model(), shot.modelB(), shot.image(), shot.view(), shot.stack(), shot.mode());
  }

  private SessionFile write(
      Path file,
      ModelLocation model,
      ModelLocation modelB,
      ImageSource image,
      ViewSettings view,
      MitigationStack stack,
      CompareMode mode)
      throws IOException, Problem {
    ModelReference modelRef = reference(file, model);
    ModelReference modelBRef = modelB == null ? null : reference(file, modelB);
    Path photo = photoFile(file, image);
    List<String> specs = new ArrayList<>();
    for (Mitigation m : stack.mitigations()) {
      specs.add(SessionCodec.spec(m));
    }
    String neurons = null;
    Optional<TestTimeRegisters> ttr = SessionCodec.testTimeRegisters(stack);
    if (ttr.isPresent() && !SessionCodec.usesPublishedMap(ttr.get())) {
      Path map = sibling(file, "neurons.json");
      ttr.get().neurons().write(map, Map.of("source", ttr.get().neurons().source()));
      neurons = SessionFile.storedPath(file, map);
    }
    SessionFile session =
        SessionFile.of(
            modelRef,
            ImageReference.of(photo, SessionFile.storedPath(file, photo)),
            view,
            specs,
            neurons,
            mode,
            modelBRef);
    session.write(file);
    return session;
  }

  /** How a session names {@code model}, with the hash of its weights. */
  private static ModelReference reference(Path file, ModelLocation model) throws IOException {
    Path folder = model.resolve();
    WeightsFingerprint weights = WeightsFingerprint.of(folder);
    if (model instanceof HubModelLocation) {
      HubModelLocation hubModel = (HubModelLocation) model;
      return ModelReference.hub(hubModel.repoId(), hubModel.commit(), weights);
    } else if (model instanceof ModelLocation.Bundled) {
      return ModelReference.bundled(
          SessionCodec.bundledNameForSession(model.displayName()), weights);
    }
    return ModelReference.folder(SessionFile.storedPath(file, folder), weights);
  }

  /** The photo as a file: itself, or a copy beside the session for bundled and pasted pictures. */
  private static Path photoFile(Path sessionFile, ImageSource image) throws IOException, Problem {
    Optional<Path> file = image.file();
    if (file.isPresent()) {
      return file.get();
    }
    byte[] bytes;
    String name;
    if (image instanceof ImageSource.Bundled) {
      ImageSource.Bundled bundled = (ImageSource.Bundled) image;
      bytes = bundled.assets().photoBytes(bundled.name());
      name = bundled.name();
    } else if (image instanceof ImageSource.FromBytes) {
      bytes = ((ImageSource.FromBytes) image).bytes();
      name = "image" + extensionOf(bytes);
    } else {
      throw new Problem(
          "Cannot save this session",
          "The photo "
              + image.displayName()
              + " is not a file; open it "
              + "from a file and save again.");
    }
    Path target = sibling(sessionFile, name);
    Files.write(target, bytes);
    return target;
  }

  /**
   * The photo's own name: a copy the session keeps beside itself ({@code session2-coffee.png} for
   * {@code session2.json}) is called by the name it had ({@code coffee.png}).
   */
  static String photoName(Path sessionFile, Path photo) {
    Path own = photo.getFileName();
    if (own == null) {
      return photo.toString();
    }
    String copyPrefix = sibling(sessionFile, "").getFileName().toString();
    Path folder = sessionFile.toAbsolutePath().getParent();
    boolean besideSession =
        folder != null && folder.equals(photo.toAbsolutePath().normalize().getParent());
    String name = own.toString();
    return besideSession && name.startsWith(copyPrefix) && name.length() > copyPrefix.length()
        ? name.substring(copyPrefix.length())
        : name;
  }

  /** {@code session.json} + {@code suffix} → {@code session-suffix} in the same folder. */
  private static Path sibling(Path sessionFile, String suffix) {
    String name = sessionFile.getFileName().toString();
    int dot = name.lastIndexOf('.');
    String stem = dot > 0 ? name.substring(0, dot) : name;
    return sessionFile.toAbsolutePath().resolveSibling(stem + "-" + suffix);
  }

  private static String extensionOf(byte[] bytes) {
    if (bytes.length > 3 && (bytes[0] & 0xFF) == 0xFF && (bytes[1] & 0xFF) == 0xD8) {
      return ".jpg";
    }
    if (bytes.length > 3 && bytes[0] == 'G' && bytes[1] == 'I' && bytes[2] == 'F') {
      return ".gif";
    }
    if (bytes.length > 2 && bytes[0] == 'B' && bytes[1] == 'M') {
      return ".bmp";
    }
    return ".png";
  }

  // ------------------------------------------------------------------ open

  /**
   * Reads {@code file}, checks its photo and weights, then opens the model and photo and restores
   * the view.
   */
  public void open(Path file) {
    vm.showMessage("Opening session " + file.getFileName() + "…");
    BackgroundTask.of("Opening session " + file.getFileName() + "…", context -> prepare(file))
        .notCancellable()
        .onSuccess(p -> vm.openModelAndImage(p.model(), p.image(), () -> apply(p)))
        .onFailure(e -> vm.reportError(problem(e, "session " + file)))
        .executeWith(tasks);
  }

  private Prepared prepare(Path file) throws Problem {
    SessionFile session;
    try {
      session = SessionFile.read(file);
    } catch (IOException e) {
      throw new Problem("Cannot open session", e.getMessage() + ".");
    }
    try {
      session.verifyImage(file);
    } catch (IOException e) {
      throw new Problem(
          "The session's photo is missing or changed",
          "Cannot open " + file.getFileName() + ": " + e.getMessage() + ".");
    }
    ModelReference ref = session.model();
    Located a = locate(file, ref, "model");
    Path folder = a.folder();
    ModelLocation location = a.location();
    checkWeights(file, ref, folder);
    ModelLocation modelB = null;
    if (session.comparesOtherModel()) {
      Located b = locate(file, session.modelB(), "model B");
      checkWeights(file, session.modelB(), b.folder());
      modelB = b.location();
    }
    List<String> notes = new ArrayList<>();
    MitigationStack stack = mitigations(file, session, folder);
    try {
      Colormaps.byName(session.view().colormap());
    } catch (IllegalArgumentException e) {
      throw new Problem(
          "Cannot open session", "Cannot open " + file.getFileName() + ": " + e.getMessage() + ".");
    }
    if (SessionCodec.normalization(session.view().normalization()).isEmpty()) {
      notes.add(
          "the colour scale "
              + session.view().normalization()
              + " is not offered here; min-max is shown");
    }
    String neuronLabel =
        session.neurons() != null
            ? Path.of(session.neurons()).getFileName().toString()
            : "session map";
    return new Prepared(
        file,
        session,
        location,
        modelB,
        new ImageSource.FromFile(session.imagePath(file), photoName(file, session.imagePath(file))),
        stack,
        neuronLabel,
        notes);
  }

  /** A model a session names, found on this machine. */
  private record Located(Path folder, ModelLocation location) {}

  /** Finds the folder of {@code ref} ({@code which}: "model" or "model B") as the app opens it. */
  private Located locate(Path file, ModelReference ref, String which) throws Problem {
    Path folder;
    ModelLocation location;
    switch (ref.source()) {
      case FOLDER:
        folder = SessionFile.resolve(file, ref.path());
        if (!Files.isDirectory(folder)) {
          throw new Problem(
              "The session's " + which + " is missing",
              "Cannot open "
                  + file.getFileName()
                  + ": its "
                  + which
                  + " folder "
                  + folder
                  + " does not exist (moved or deleted?).");
        }
        location = new ModelLocation.Folder(folder);
        break;
      case BUNDLED:
        String name = SessionCodec.bundledAssetName(ref.id());
        BundledAssets assets = vm.assets();
        if (!assets.hasModel(name)) {
          throw new Problem(
              "The session's " + which + " is missing",
              "Cannot open "
                  + file.getFileName()
                  + ": there is no bundled model '"
                  + ref.id()
                  + "' in this build.");
        }
        try {
          folder = assets.model(name);
        } catch (IOException e) {
          throw new Problem(
              "Cannot open session",
              "Cannot unpack the bundled model " + name + ": " + e.getMessage());
        }
        location = new ModelLocation.Bundled(name, assets);
        break;
      default:
        HubSettings settings = hub.get();
        HubCache cache = new HubCache(settings.cacheDir());
        Optional<Path> snapshot = cache.completeSnapshot(ref.id(), ref.revision());
        if (snapshot.isEmpty()) {
          throw new Problem(
              "The session's " + which + " is not downloaded",
              "Cannot open "
                  + file.getFileName()
                  + ": "
                  + ref.id()
                  + " at revision "
                  + ref.revision()
                  + " is not in the Hugging Face cache ("
                  + cache.root()
                  + "). Download it with File > Open from hub… (repo id "
                  + ref.id()
                  + ", revision "
                  + ref.revision()
                  + ") and open the session again.");
        }
        folder = snapshot.get();
        location = HubModelLocation.ofSnapshot(ref.id(), folder);
    }
    return new Located(folder, location);
  }

  private static void checkWeights(Path file, ModelReference ref, Path folder) throws Problem {
    String now;
    try {
      now = WeightsFingerprint.of(folder).sha256();
    } catch (IOException e) {
      throw new Problem(
          "Cannot open session", "Cannot hash the weights in " + folder + ": " + e.getMessage());
    }
    String recorded = ref.weights().sha256();
    if (!now.equals(recorded)) {
      throw new Problem(
          "The session does not match its model",
          "Cannot open "
              + file.getFileName()
              + ": the "
              + "weights of "
              + ref.displayName()
              + " ("
              + folder
              + ") are not the ones the session was saved with "
              + "(sha256 now "
              + now.substring(0, 12)
              + "…, recorded "
              + recorded.substring(0, 12)
              + "…), so it would "
              + "not show the same picture. Put the original weights back or save a new session.");
    }
  }

  private static MitigationStack mitigations(Path file, SessionFile session, Path modelFolder)
      throws Problem {
    Path neurons = session.neuronsPath(file);
    Path map = neurons != null ? neurons : modelNeuronMap(modelFolder).orElse(null);
    List<Mitigation> list = new ArrayList<>();
    try {
      for (String spec : session.mitigations()) {
        list.add(MitigationSpecs.parse(spec, () -> map == null ? null : NeuronMap.read(map)));
      }
    } catch (IOException | IllegalArgumentException e) {
      throw new Problem(
          "Cannot use the session's mitigations",
          "Cannot open " + file.getFileName() + ": " + e.getMessage() + ".");
    }
    MitigationStack stack = new MitigationStack(list);
    Optional<String> unsupported = SessionCodec.unsupported(stack);
    if (unsupported.isPresent()) {
      throw new Problem(
          "Cannot show the session's mitigations",
          "Cannot open "
              + file.getFileName()
              + " in the app: "
              + unsupported.get()
              + ". 'sinkscope report --session' renders it.");
    }
    return stack;
  }

  /**
   * The map a model folder ships (ttr.json, or the phantom's phantom.json), as the command line
   * picks it.
   */
  static Optional<Path> modelNeuronMap(Path modelFolder) {
    return dev.sinkscope.app.report.Mitigations.modelNeuronMap(modelFolder);
  }

  // ------------------------------------------------------------------ restore (UI thread, model
  // loaded)

  private void apply(Prepared p) {
    List<String> notes = new ArrayList<>(p.notes());
    ViewSettings view = p.session().view();
    ViewerViewModel viewer = vm.viewer();
    viewer.quantityProperty().set(SessionCodec.quantity(view.quantity()));
    int blocks = viewer.blockCountProperty().get();
    if (view.layer() > blocks) {
      notes.add(
          "block " + view.layer() + " does not exist in this model; block " + blocks + " is shown");
    }
    viewer.blockProperty().set(view.layer() == 0 ? blocks : Math.min(view.layer(), blocks));
    HeadChoice head = SessionCodec.head(view.head());
    if (viewer.headChoices().contains(head)) {
      viewer.headProperty().set(head);
    } else {
      notes.add(
          "head " + view.head() + " does not exist in this model; the mean of heads is shown");
      viewer.headProperty().set(HeadChoice.MEAN);
    }
    viewer.colormapProperty().set(view.colormap());
    viewer
        .normalizationProperty()
        .set(SessionCodec.normalization(view.normalization()).orElse(NormalizationChoice.MIN_MAX));

    MitigationsViewModel switches = vm.mitigations();
    switches.allOff();
    for (Mitigation m : p.mitigations().mitigations()) {
      set(switches, m, p.neuronLabel());
    }
    viewer.selectedPatchProperty().set(SessionCodec.patch(view.patch()));
    if (p.modelB() != null) {
      // Model B first, so the comparison runs once, against the right model.
      vm.compare().otherModelProperty().set(p.modelB());
      vm.compare().modeProperty().set(CompareTarget.Kind.OTHER_MODEL);
    } else {
      vm.compare()
          .modeProperty()
          .set(
              p.session().comparesBeforeAfter()
                  ? CompareTarget.Kind.BEFORE_AFTER
                  : CompareTarget.Kind.NONE);
    }
    if (!SessionCodec.sameMitigations(switches.stackProperty().get(), p.mitigations())) {
      vm.reportError(
          UserError.simple(
              "The session's mitigations do not fit this model",
              "Opened "
                  + p.file().getFileName()
                  + ", but "
                  + String.join(", ", SessionCodec.specsOf(p.mitigations()))
                  + " could not all be switched on for "
                  + vm.modelProperty().get().displayName()
                  + ": "
                  + problems(switches)
                  + "."));
      return;
    }
    vm.showMessage(
        "Opened session "
            + p.file().getFileName()
            + (notes.isEmpty() ? "." : "; note: " + String.join("; ", notes) + "."));
    opened.set(new Opened(p.file(), p.session(), List.copyOf(notes)));
  }

  private static void set(MitigationsViewModel switches, Mitigation m, String neuronLabel) {
    if (m instanceof TestTimeRegisters) {
      TestTimeRegisters t = (TestTimeRegisters) m;
      switches.addNeuronMap(
          new NeuronMapChoice(
              "session: " + neuronLabel + " (" + t.neurons().neurons().size() + " neurons)",
              t.neurons()));
      switches.ttrRegistersProperty().set(t.registers());
      switches.ttrNormalProperty().set(t.normalValues());
      switches.ttrOnProperty().set(true);
    } else if (m instanceof RegisterAblation) {
      switches.registersOffProperty().set(true);
    } else if (m instanceof AttentionNormalizer) {
      AttentionNormalizer a = (AttentionNormalizer) m;
      // The kind first: choosing it resets the parameter field to the kind's default.
      switches.normalizerKindProperty().set(a.kind());
      switches
          .normalizerParameterProperty()
          .set(Double.isNaN(a.parameter()) ? "" : Double.toString(a.parameter()));
      switches.normalizerZetaProperty().set(Double.toString(a.zeta()));
      switches.normalizerBlocksProperty().set(a.blocks().toString());
      switches.normalizerHeadsProperty().set(a.heads().toString());
      switches.normalizerOnProperty().set(true);
    } else if (m instanceof HeadGate) {
      HeadGate g = (HeadGate) m;
      switches.gateValueProperty().set(g.gate());
      switches.gateBlocksProperty().set(g.blocks().toString());
      switches.gateHeadsProperty().set(g.heads().toString());
      switches.gateOnProperty().set(true);
    }
  }

  private static String problems(MitigationsViewModel switches) {
    List<String> found = new ArrayList<>();
    for (String p :
        List.of(
            switches.ttrProblemProperty().get(),
            switches.normalizerProblemProperty().get(),
            switches.gateProblemProperty().get())) {
      if (p != null && !p.isBlank()) {
        found.add(p);
      }
    }
    if (switches.registersOffProperty().get() && !switches.registersAvailableProperty().get()) {
      found.add("the model has no trained registers to switch off");
    }
    return found.isEmpty() ? "they do not fit the model" : String.join("; ", found);
  }
}
