package dev.sinkscope.app.gui.distill;

import dev.sinkscope.app.gui.tasks.BackgroundTask;
import dev.sinkscope.app.gui.tasks.TaskExecutor;
import dev.sinkscope.inference.distill.DistillBatch;
import dev.sinkscope.inference.distill.DistillSettings;
import dev.sinkscope.inference.distill.Distiller;
import dev.sinkscope.inference.engine.CancellationToken;
import dev.sinkscope.inference.model.ModelSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.stream.Stream;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.DoubleProperty;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyDoubleProperty;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleDoubleProperty;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * The "Distill…" dialog's state: settings, a background run of {@link Distiller} with per-step
 * loss, progress and ETA, cancellation, and the finished student. Setters and listeners on the FX
 * thread; the run happens on its own thread and reports through {@code ui}.
 */
public final class DistillViewModel {
  /** {@code imageFolder} value for the photos inside the app. */
  public static final String BUNDLED = "bundled";

  private static final Set<String> IMAGE_EXTENSIONS = Set.of("png", "jpg", "jpeg", "bmp", "gif");

  /** Where the bundled photos are extracted to, asked only when they are used. */
  @FunctionalInterface
  public interface PhotoFolder {
    Path get() throws IOException;
  }

  private final TaskExecutor tasks;
  private final Executor ui;
  private final PhotoFolder bundledPhotos;
  private final Path model;
  private final String modelName;
  private final Path teacherCache;
  private final StringProperty imageFolder = new SimpleStringProperty(BUNDLED);
  private final IntegerProperty registers =
      new SimpleIntegerProperty(DistillSettings.DEFAULT_REGISTERS);
  private final IntegerProperty epochs = new SimpleIntegerProperty(DistillSettings.DEFAULT_EPOCHS);
  private final IntegerProperty resolution = new SimpleIntegerProperty(0);
  private final StringProperty device = new SimpleStringProperty("auto");
  private final ObjectProperty<Path> output = new SimpleObjectProperty<>();
  private final BooleanProperty running = new SimpleBooleanProperty(false);
  private final DoubleProperty progress = new SimpleDoubleProperty(0);
  private final StringProperty status = new SimpleStringProperty("");
  private final StringProperty eta = new SimpleStringProperty("");
  private final StringProperty problem = new SimpleStringProperty("");
  private final ObservableList<Double> losses = FXCollections.observableArrayList();
  private final AtomicBoolean cancelled = new AtomicBoolean();
  private final ObjectProperty<ModelSpec> modelSpec = new SimpleObjectProperty<>();
  private final StringProperty batch = new SimpleStringProperty("");

  public DistillViewModel(
      TaskExecutor tasks,
      PhotoFolder bundledPhotos,
      Path model,
      String modelName,
      Path defaultOutput,
      Path teacherCache) {
    this.tasks = tasks;
    this.ui = tasks.ui();
    this.bundledPhotos = bundledPhotos;
    this.model = model;
    this.modelName = modelName;
    this.teacherCache = teacherCache;
    this.output.set(defaultOutput);
    modelSpec.addListener((obs, old, now) -> updateBatch());
    resolution.addListener((obs, old, now) -> updateBatch());
    registers.addListener((obs, old, now) -> updateBatch());
  }

  /** The model's shape, for the default batch; null until known. */
  public ObjectProperty<ModelSpec> modelSpecProperty() {
    return modelSpec;
  }

  /**
   * The batch a run will use and why (the default rule of {@link DistillBatch}), or "" while the
   * model's shape is unknown.
   */
  public ReadOnlyStringProperty batchProperty() {
    return batch;
  }

  private void updateBatch() {
    ModelSpec spec = modelSpec.get();
    int r = resolution.get() > 0 ? resolution.get() : spec == null ? 0 : spec.imageSize();
    if (spec == null || r % spec.patchSize() != 0 || registers.get() < 1) {
      batch.set("");
      return;
    }
    batch.set(
        DistillBatch.defaultBatch(spec, r, registers.get())
            + " images per step (fewer if there are fewer photos): "
            + DistillBatch.rule(spec, r, registers.get()));
  }

  public StringProperty imageFolderProperty() {
    return imageFolder;
  }

  public IntegerProperty registersProperty() {
    return registers;
  }

  public IntegerProperty epochsProperty() {
    return epochs;
  }

  /** 0 = the model's own image size. */
  public IntegerProperty resolutionProperty() {
    return resolution;
  }

  public StringProperty deviceProperty() {
    return device;
  }

  public ObjectProperty<Path> outputProperty() {
    return output;
  }

  public ReadOnlyBooleanProperty runningProperty() {
    return running;
  }

  /** 0..1 over teacher targets then steps. */
  public ReadOnlyDoubleProperty progressProperty() {
    return progress;
  }

  public ReadOnlyStringProperty statusProperty() {
    return status;
  }

  public ReadOnlyStringProperty etaProperty() {
    return eta;
  }

  public ReadOnlyStringProperty problemProperty() {
    return problem;
  }

  /** Loss of every step so far, for the live chart. */
  public ObservableList<Double> losses() {
    return losses;
  }

  /** Why the settings cannot run, or "" when they can. */
  public String validate() {
    if (output.get() == null) {
      return "Choose an output folder.";
    }
    if (output.get().toAbsolutePath().normalize().equals(model.toAbsolutePath().normalize())) {
      return "The output folder must differ from the model's own folder.";
    }
    if (!BUNDLED.equals(imageFolder.get())
        && !Files.isDirectory(Path.of(imageFolder.get().trim()))) {
      return "The image folder does not exist: " + imageFolder.get();
    }
    try {
      new DistillSettings(
          registers.get(), epochs.get(), 0, 8, resolution.get(), 1e-4, 5e-6, 1e-2, 10, 0.15, 1, 0);
    } catch (IllegalArgumentException e) {
      return e.getMessage().replace("--", "");
    }
    return "";
  }

  /** Starts the run; {@code done} gets the result on the FX thread when it finishes. */
  public void start(Consumer<Distiller.Result> done) {
    String why = validate();
    problem.set(why);
    if (!why.isEmpty() || running.get()) {
      return;
    }
    running.set(true);
    cancelled.set(false);
    losses.clear();
    progress.set(0);
    eta.set("");
    status.set("Preparing…");
    DistillSettings settings =
        DistillSettings.defaults()
            .withRegisters(registers.get())
            .withEpochs(epochs.get())
            .withResolution(resolution.get());
    String folder = imageFolder.get().trim();
    Path out = output.get();
    String dev = device.get();
    BackgroundTask.run("Distilling registers…", context -> run(folder, settings, out, dev, done))
        .onCancelRequest(this::cancel)
        .executeWith(tasks);
  }

  public void cancel() {
    if (running.get()) {
      cancelled.set(true);
      status.set("Cancelling after the current step…");
    }
  }

  private void run(
      String folder,
      DistillSettings settings,
      Path out,
      String dev,
      Consumer<Distiller.Result> done) {
    try {
      List<Path> images = images(BUNDLED.equals(folder) ? bundledPhotos.get() : Path.of(folder));
      CancellationToken token = cancelled::get;
      Distiller.Result result =
          Distiller.run(
              new Distiller.Request(
                  model, modelName, images, out, settings, dev, teacherCache, null),
              token,
              new Distiller.Listener() {
                @Override
                public void planned(Distiller.Plan plan) {
                  ui.execute(
                      () ->
                          batch.set(
                              plan.batch()
                                  + " images per step, "
                                  + plan.steps()
                                  + " steps over "
                                  + plan.images()
                                  + " photos: "
                                  + plan.batchRule()));
                }

                @Override
                public void teacherImageDone(int doneCount, int total, boolean cached) {
                  ui.execute(
                      () -> {
                        status.set(
                            "Teacher targets "
                                + doneCount
                                + " / "
                                + total
                                + (cached ? " (cached)" : ""));
                        progress.set(0.1 * doneCount / total);
                      });
                }

                @Override
                public void stepDone(Distiller.StepReport r) {
                  ui.execute(
                      () -> {
                        losses.add(r.loss());
                        progress.set(0.1 + 0.9 * r.step() / r.totalSteps());
                        status.set(
                            String.format(
                                Locale.ROOT,
                                "Step %d / %d, epoch %d / %d, loss %.5f, lr %.2g, %.1f images/s",
                                r.step(),
                                r.totalSteps(),
                                r.epoch(),
                                r.epochs(),
                                r.loss(),
                                r.lr(),
                                r.imagesPerSecond()));
                        eta.set("ETA " + eta(r.etaSeconds()));
                      });
                }
              });
      ui.execute(
          () -> {
            running.set(false);
            progress.set(1);
            eta.set("");
            status.set(summary(result));
            done.accept(result);
          });
    } catch (CancellationException e) {
      ui.execute(
          () -> {
            running.set(false);
            status.set("Cancelled; nothing was written.");
            eta.set("");
          });
    } catch (Exception | OutOfMemoryError e) {
      ui.execute(
          () -> {
            running.set(false);
            eta.set("");
            status.set("");
            problem.set(e.getMessage() == null ? e.toString() : e.getMessage());
          });
    }
  }

  /** What the card says about a finished run: a fine-tune, and how much it saw. */
  public static String summary(Distiller.Result r) {
    return String.format(
        Locale.ROOT,
        "Fine-tuned (weights changed): %s, %s of batch %d over %s,"
            + " loss %.4f → %.4f, %.0f s. Saved to %s.",
        count(r.images(), "image"),
        count(r.steps(), "step"),
        r.batch(),
        count(r.epochs(), "epoch"),
        r.stepLosses().get(0),
        r.stepLosses().get(r.stepLosses().size() - 1),
        r.seconds(),
        r.output());
  }

  private static String count(int n, String noun) {
    return n + " " + noun + (n == 1 ? "" : "s");
  }

  static List<Path> images(Path folder) throws IOException {
    List<Path> files;
    try (Stream<Path> list = Files.list(folder)) {
      files =
          list.filter(Files::isRegularFile)
              .filter(
                  p -> {
                    String name = p.getFileName().toString();
                    int dot = name.lastIndexOf('.');
                    return dot > 0
                        && IMAGE_EXTENSIONS.contains(
                            name.substring(dot + 1).toLowerCase(Locale.ROOT));
                  })
              .sorted()
              .toList();
    }
    if (files.isEmpty()) {
      throw new IOException(folder + " holds no photos (.png, .jpg, .jpeg, .bmp, .gif)");
    }
    return files;
  }

  static String eta(double seconds) {
    long s = Math.round(seconds);
    return s >= 3600
        ? String.format(Locale.ROOT, "%dh%02dm", s / 3600, s % 3600 / 60)
        : s >= 60 ? String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60) : s + "s";
  }
}
