package dev.sinkscope.app.gui.lessons;

import dev.sinkscope.app.assets.BundledAssets;
import dev.sinkscope.app.gui.animation.AnimationExport;
import dev.sinkscope.app.gui.canvas.HeadChoice;
import dev.sinkscope.app.gui.canvas.Quantity;
import dev.sinkscope.app.gui.canvas.RenderedView;
import dev.sinkscope.app.gui.export.Exporter;
import dev.sinkscope.app.gui.main.MainViewModel;
import dev.sinkscope.app.gui.mitigations.MitigationsViewModel;
import dev.sinkscope.app.gui.session.CompareTarget;
import dev.sinkscope.app.gui.session.ImageSource;
import dev.sinkscope.app.gui.session.ModelLocation;
import dev.sinkscope.app.gui.session.ViewOutcome;
import dev.sinkscope.app.gui.tasks.BackgroundTask;
import dev.sinkscope.inference.mitigation.AttentionNormalizer;
import dev.sinkscope.render.Raster;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * Walks a {@link Lesson}: Next / Back move between steps, each step drives the app into its state
 * (model, photo, mitigations, comparison, then block, head and quantity once the run is on screen),
 * and the step's text is filled with the numbers of the run on screen. The user can still touch
 * everything; "Show me again" puts the step's state back. No toolkit calls: the view binds to this.
 */
public final class LessonViewModel {
  /**
   * What the lesson needs from the window: the comparison tab, and the features this build offers.
   */
  public interface Host {
    /** Shows the comparison (true) or the single view (false). */
    void showComparison(boolean on);

    /** Optional features, e.g. {@code distill} when the app offers the self-distilled student. */
    Set<String> features();
  }

  private final MainViewModel vm;
  private final Host host;
  private final ObjectProperty<Lesson> lesson = new SimpleObjectProperty<>(this, "lesson");
  private final IntegerProperty index = new SimpleIntegerProperty(this, "index", 0);
  private final BooleanProperty showing = new SimpleBooleanProperty(this, "showing", false);
  private final ReadOnlyStringWrapper title = new ReadOnlyStringWrapper(this, "title", "");
  private final ReadOnlyStringWrapper position = new ReadOnlyStringWrapper(this, "position", "");
  private final ReadOnlyBooleanWrapper waiting = new ReadOnlyBooleanWrapper(this, "waiting", false);
  private final ObservableList<String> paragraphs = FXCollections.observableArrayList();
  private final Map<Integer, Raster> pictures = new HashMap<>();

  /** Set while a step's state is being applied: 1 = model/photo requested, 2 = the rest applied. */
  private int phase;

  private static final int DISCOVERING = 3;

  /** The label the window gives neuron maps discovered on the bundled photos' folder. */
  static final String DISCOVERED_PREFIX = "discovered on ";

  private int resolvedBlock = 1;
  private Runnable onReady;

  public LessonViewModel(MainViewModel vm, Host host) {
    this.vm = vm;
    this.host = host;
    // The viewer's outcome: it is set after the window's, so the comparison passes are current by
    // then.
    // a lesson's text reads every metric of its run, so its pictures wait for the whole analysis
    vm.wholeAnalysisWantedProperty().bind(lesson.isNotNull());
    vm.viewer().outcomeProperty().addListener((obs, old, now) -> onRun());
    vm.busyProperty().addListener((obs, old, now) -> onRun());
    vm.discoveringProperty()
        .addListener(
            (obs, was, now) -> {
              if (!now && phase == DISCOVERING) {
                // the discovered map is already added: the flag drops after the task's success
                applyMitigationsAndComparison();
              }
            });
  }

  public ObjectProperty<Lesson> lessonProperty() {
    return lesson;
  }

  /** 0-based step number. */
  public IntegerProperty indexProperty() {
    return index;
  }

  /** Whether the lesson panel is shown. */
  public BooleanProperty showingProperty() {
    return showing;
  }

  public ReadOnlyStringProperty titleProperty() {
    return title.getReadOnlyProperty();
  }

  /** E.g. "Step 2 of 8". */
  public ReadOnlyStringProperty positionProperty() {
    return position.getReadOnlyProperty();
  }

  /** True while the app is getting into the step's state. */
  public ReadOnlyBooleanProperty waitingProperty() {
    return waiting.getReadOnlyProperty();
  }

  /** The step's text, filled in. */
  public ObservableList<String> paragraphs() {
    return paragraphs;
  }

  /** The picture captured when each visited step was ready (step index to view export). */
  public Map<Integer, Raster> pictures() {
    return pictures;
  }

  public Lesson.Step step() {
    Lesson l = lesson.get();
    return l == null ? null : l.steps().get(index.get());
  }

  public boolean canGoBack() {
    return lesson.get() != null && index.get() > 0;
  }

  public boolean canGoNext() {
    return lesson.get() != null && index.get() < lesson.get().steps().size() - 1;
  }

  /** Opens a lesson at its first step and shows the panel. */
  public void open(Lesson l) {
    pictures.clear();
    lesson.set(l);
    showing.set(true);
    go(0);
  }

  public void next() {
    if (canGoNext()) {
      go(index.get() + 1);
    }
  }

  public void back() {
    if (canGoBack()) {
      go(index.get() - 1);
    }
  }

  /** Puts the current step's state back, whatever the user changed since. */
  public void showAgain() {
    if (lesson.get() != null) {
      go(index.get());
    }
  }

  public void close() {
    showing.set(false);
    phase = 0;
    waiting.set(false);
  }

  /**
   * Goes to step {@code i} and runs {@code whenReady} once its state is on screen (used to walk the
   * whole lesson for the HTML export).
   */
  public void go(int i, Runnable whenReady) {
    onReady = whenReady;
    go(i);
  }

  private void go(int i) {
    Lesson l = lesson.get();
    index.set(i);
    Lesson.Step s = l.steps().get(i);
    title.set(s.title());
    position.set("Step " + (i + 1) + " of " + l.steps().size());
    waiting.set(true);
    paragraphs.setAll("Getting the app ready for this step…");
    Lesson.StepState st = s.state();
    ViewOutcome o = vm.outcomeProperty().get();
    boolean modelDiffers =
        st.model() != null && (o == null || !o.model().displayName().equals(st.model()));
    boolean photoDiffers =
        st.photo() != null
            && (o == null || o.image() == null || !o.image().displayName().equals(st.photo()));
    if (modelDiffers || photoDiffers) {
      phase = 1;
      String model =
          st.model() != null
              ? st.model()
              : o == null ? BundledAssets.PHANTOM : o.model().displayName();
      String photo = st.photo() != null ? st.photo() : BundledAssets.DEFAULT_PHOTO;
      ModelLocation location =
          st.model() == null && o != null
              ? o.model().location()
              : new ModelLocation.Bundled(model, vm.assets());
      ImageSource image =
          st.photo() == null && o != null && o.image() != null
              ? o.image().source()
              : new ImageSource.Bundled(photo, vm.assets());
      vm.openModelAndImage(location, image, this::applyRest);
    } else {
      applyRest();
    }
  }

  /**
   * Neuron discovery when asked, mitigations and comparison (they need the model's presets), then
   * the run.
   */
  private void applyRest() {
    Lesson.StepState st = step().state();
    boolean discovered =
        vm.mitigations().neuronMaps().stream()
            .anyMatch(c -> c.label().startsWith(DISCOVERED_PREFIX));
    if (Boolean.TRUE.equals(st.discoverNeurons()) && !discovered) {
      phase = DISCOVERING;
      var settings = vm.neuronMaps().defaults();
      // the photos are extracted to a folder first: file work, off the FX thread
      BackgroundTask.of("Extracting the bundled photos…", context -> vm.assets().photosFolder())
          .notCancellable()
          .onSuccess(photos -> vm.neuronMaps().discover(photos, settings))
          .onFailure(
              e -> {
                vm.reportError(
                    dev.sinkscope.app.gui.common.UserError.of(
                        e, "register-neuron discovery on the bundled photos"));
                applyMitigationsAndComparison();
              })
          .executeWith(vm.tasks());
      return;
    }
    applyMitigationsAndComparison();
  }

  private void applyMitigationsAndComparison() {
    Lesson.StepState st = step().state();
    phase = 2;
    if (Boolean.TRUE.equals(st.discoverNeurons())) {
      vm.mitigations().neuronMaps().stream()
          .filter(c -> c.label().startsWith(DISCOVERED_PREFIX))
          .findFirst()
          .ifPresent(c -> vm.mitigations().neuronMapProperty().set(c));
    }
    if (st.mitigations() != null) {
      MitigationsViewModel m = vm.mitigations();
      m.allOff();
      for (String spec : st.mitigations()) {
        applyMitigation(m, spec);
      }
    }
    if (st.compare() != null) {
      String c = st.compare().strip().toLowerCase(Locale.ROOT);
      if (c.equals("none")) {
        host.showComparison(false);
      } else if (c.equals("before-after")) {
        vm.compare().modeProperty().set(CompareTarget.Kind.BEFORE_AFTER);
        host.showComparison(true);
      } else if (c.startsWith("other-model:")) {
        vm.compare()
            .otherModelProperty()
            .set(new ModelLocation.Bundled(st.compare().strip().substring(12), vm.assets()));
        vm.compare().modeProperty().set(CompareTarget.Kind.OTHER_MODEL);
        host.showComparison(true);
      } else {
        throw new IllegalArgumentException("unknown compare \"" + st.compare() + "\"");
      }
    }
    onRun();
  }

  private static void applyMitigation(MitigationsViewModel m, String spec) {
    String[] parts = spec.strip().split(":");
    switch (parts[0].toLowerCase(Locale.ROOT)) {
      case "ttr" -> m.ttrOnProperty().set(true);
      case "registers-off" -> m.registersOffProperty().set(true);
      case "denoise" -> m.denoiseOnProperty().set(true);
      case "normalizer" -> {
        if (parts.length > 1) {
          m.normalizerKindProperty().set(normalizer(parts[1]));
        }
        m.normalizerBlocksProperty().set(parts.length > 2 ? parts[2] : "all");
        m.normalizerOnProperty().set(true);
      }
      default ->
          throw new IllegalArgumentException("unknown mitigation \"" + spec + "\" in the lesson");
    }
  }

  private static AttentionNormalizer.Kind normalizer(String name) {
    for (AttentionNormalizer.Kind k : AttentionNormalizer.Kind.values()) {
      if (k.spec().equalsIgnoreCase(name) || k.name().equalsIgnoreCase(name)) {
        return k;
      }
    }
    throw new IllegalArgumentException("unknown normaliser \"" + name + "\"");
  }

  /** After every run: finish applying a step whose state is on screen, and refresh the numbers. */
  private void onRun() {
    if (lesson.get() == null || !showing.get() && onReady == null) {
      return;
    }
    if (phase == 2 && stateOnScreen()) {
      phase = 0;
      ready();
    } else if (phase == 0) {
      fill();
    }
  }

  private boolean stateOnScreen() {
    ViewOutcome o = vm.viewer().outcomeProperty().get();
    if (vm.busyProperty().get() || o == null || o.primary() == null) {
      return false;
    }
    Lesson.StepState st = step().state();
    if (st.model() != null && !o.model().displayName().equals(st.model())) {
      return false;
    }
    if (st.photo() != null && (o.image() == null || !o.image().displayName().equals(st.photo()))) {
      return false;
    }
    // the very stack the switches hold now: a run with an older one (e.g. another neuron map) is
    // not it
    if (o.request().mitigations() != vm.mitigations().stackProperty().get()) {
      return false;
    }
    if (vm.mitigations().denoiseOnProperty().get() != o.primary().denoised()) {
      return false;
    }
    String c = st.compare() == null ? "none" : st.compare().strip().toLowerCase(Locale.ROOT);
    if (c.equals("none")) {
      return true;
    }
    if (o.comparison() == null) {
      return false;
    }
    return c.equals("before-after")
        ? o.request().compare().kind() == CompareTarget.Kind.BEFORE_AFTER
        : o.request().compare().kind() == CompareTarget.Kind.OTHER_MODEL
            && o.comparison()
                .model()
                .displayName()
                .equalsIgnoreCase(c.substring("other-model:".length()));
  }

  /**
   * Block, head and quantity (they need the run's block count and emergence block), picture, text.
   */
  private void ready() {
    Lesson.StepState st = step().state();
    var pass = vm.viewer().outcomeProperty().get().primary();
    var viewer = vm.viewer();
    if (st.quantity() != null) {
      viewer
          .quantityProperty()
          .set(Quantity.valueOf(st.quantity().strip().toUpperCase(Locale.ROOT).replace('-', '_')));
    }
    if (st.head() != null) {
      String h = st.head().strip().toLowerCase(Locale.ROOT);
      viewer
          .headProperty()
          .set(
              h.equals("mean")
                  ? HeadChoice.MEAN
                  : h.equals("max") ? HeadChoice.MAX : HeadChoice.single(Integer.parseInt(h)));
    }
    resolvedBlock =
        st.block() == null ? viewer.blockProperty().get() : resolveBlock(st.block(), pass);
    viewer.blockProperty().set(resolvedBlock);
    waiting.set(false);
    capture();
    fill();
    Runnable then = onReady;
    onReady = null;
    if (then != null) {
      then.run();
    }
  }

  private static int resolveBlock(String block, dev.sinkscope.app.gui.session.AnalyzedPass pass) {
    String b = block.strip().toLowerCase(Locale.ROOT);
    return switch (b) {
      case "last" -> pass.blocks();
      case "first" -> 1;
      case "emergence" ->
          pass.report().emergence().found() ? pass.report().emergence().block() : pass.blocks();
      default -> Math.max(1, Math.min(pass.blocks(), Integer.parseInt(b)));
    };
  }

  private void capture() {
    RenderedView view = vm.viewer().renderedProperty().get();
    var left = vm.compare().leftPass();
    var right = vm.compare().rightPass();
    var st = step().state();
    boolean comparing = st.compare() != null && !st.compare().strip().equalsIgnoreCase("none");
    if (comparing
        && left != null
        && right != null
        && vm.viewer().quantityProperty().get().perBlock()) {
      var o = vm.viewer().outcomeProperty().get();
      List<Raster> frames =
          AnimationExport.sideBySideFrames(vm.viewer(), left, right, o.image().photo());
      pictures.put(index.get(), frames.get(Math.min(resolvedBlock, frames.size()) - 1));
    } else if (view != null) {
      pictures.put(index.get(), Exporter.viewRaster(view, AnimationExport.STYLE));
    }
  }

  /** The numbers this step's text uses, from the run on screen. */
  public Map<String, String> values() {
    Map<String, String> values =
        LessonValues.of(
            vm.viewer().outcomeProperty().get(),
            vm.compare().leftPass(),
            vm.compare().rightPass(),
            resolvedBlock);
    var map = vm.mitigations().neuronMapProperty().get();
    values.put("neuronMap", map == null ? LessonValues.NOT_AVAILABLE : map.label());
    return values;
  }

  private void fill() {
    if (waiting.get() || step() == null) {
      return;
    }
    paragraphs.setAll(LessonText.paragraphs(step(), values(), host.features()));
  }

  /**
   * Walks every step (driving the app into each, waiting for its run), then writes the lesson as
   * HTML into {@code folder} on the I/O thread and comes back to the step shown before.
   */
  public void exportHtml(java.nio.file.Path folder) {
    Lesson l = lesson.get();
    if (l == null) {
      return;
    }
    int back = index.get();
    List<LessonHtml.ShownStep> shown = new java.util.ArrayList<>();
    vm.showMessage("Walking the lesson for the export…");
    walk(
        0,
        shown,
        () -> {
          vm.showMessage("Writing the lesson to " + folder + "…");
          BackgroundTask.of(
                  "Writing the lesson to " + folder + "…",
                  context -> {
                    dev.sinkscope.inference.work.HeavyWork.starts(
                        dev.sinkscope.inference.work.HeavyWork.Kind.EXPORT);
                    return LessonHtml.write(folder, l, shown);
                  })
              .notCancellable()
              .onSuccess(
                  files ->
                      vm.showMessage(
                          "Exported the lesson to " + folder + " (" + files.size() + " files)."))
              .onFailure(
                  e ->
                      vm.reportError(
                          dev.sinkscope.app.gui.common.UserError.of(
                              e, "lesson export to " + folder)))
              .executeWith(vm.tasks());
          go(back);
        });
  }

  private void walk(int i, List<LessonHtml.ShownStep> shown, Runnable done) {
    if (i >= lesson.get().steps().size()) {
      done.run();
      return;
    }
    go(
        i,
        () -> {
          shown.add(
              new LessonHtml.ShownStep(step().title(), List.copyOf(paragraphs), pictures.get(i)));
          walk(i + 1, shown, done);
        });
  }
}
