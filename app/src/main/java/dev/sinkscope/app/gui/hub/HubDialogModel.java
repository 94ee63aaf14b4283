package dev.sinkscope.app.gui.hub;

import dev.sinkscope.app.gui.common.UserError;
import dev.sinkscope.app.gui.tasks.BackgroundTask;
import dev.sinkscope.app.gui.tasks.TaskExecutor;
import dev.sinkscope.inference.hub.CancelToken;
import dev.sinkscope.inference.hub.CuratedModel;
import dev.sinkscope.inference.hub.CuratedModels;
import dev.sinkscope.inference.hub.DownloadListener;
import dev.sinkscope.inference.hub.DownloadProgress;
import dev.sinkscope.inference.hub.HubCache;
import dev.sinkscope.inference.hub.HubClient;
import dev.sinkscope.inference.hub.HubException;
import dev.sinkscope.inference.hub.HubModelId;
import dev.sinkscope.inference.hub.HubSettings;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Supplier;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyDoubleProperty;
import javafx.beans.property.ReadOnlyDoubleWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

/**
 * Presentation model of File > "Open from hub…": the curated repos with their download size and
 * whether the Hugging Face cache already holds them, a free-text repo id and revision, and one
 * download at a time with progress, rate, time left and cancel. Cache lookups and downloads run on
 * background tasks; every property changes on the UI executor. A model that is complete in the
 * cache opens without any network. Needs no running toolkit.
 */
public final class HubDialogModel {

  /** Where the dialog stands. */
  public enum State {
    IDLE,
    DOWNLOADING,
    /** The model is in the cache and was handed over to be opened. */
    DONE,
    CANCELLED,
    FAILED
  }

  /**
   * One row of the curated list.
   *
   * @param model the curated repo
   * @param cached whether the cache holds a complete snapshot of its {@code main} revision
   */
  public record Entry(CuratedModel model, boolean cached) {
    /** E.g. "≈ 88 MB", or "≈ 88 MB · cached" when the cache holds it. */
    public String sizeLabel() {
      return cached ? model.approxSizeLabel() + " · cached" : model.approxSizeLabel();
    }
  }

  private final Supplier<HubSettings> settings;
  private final TaskExecutor tasks;
  private final Executor ui;
  private final Consumer<HubModelLocation> open;

  private final ObservableList<Entry> entries = FXCollections.observableArrayList();
  private final ObjectProperty<Entry> selected = new SimpleObjectProperty<>(this, "selected");
  private final StringProperty repoId = new SimpleStringProperty(this, "repoId", "");
  private final StringProperty revision = new SimpleStringProperty(this, "revision", "");
  private final ReadOnlyObjectWrapper<State> state =
      new ReadOnlyObjectWrapper<>(this, "state", State.IDLE);
  private final ReadOnlyBooleanWrapper running = new ReadOnlyBooleanWrapper(this, "running");
  private final ReadOnlyDoubleWrapper fraction = new ReadOnlyDoubleWrapper(this, "fraction", 0);
  private final ReadOnlyStringWrapper progressText =
      new ReadOnlyStringWrapper(this, "progressText", "");
  private final ReadOnlyStringWrapper message = new ReadOnlyStringWrapper(this, "message", "");
  private final ReadOnlyStringWrapper cacheFolder =
      new ReadOnlyStringWrapper(this, "cacheFolder", "");
  private final ReadOnlyObjectWrapper<UserError> error = new ReadOnlyObjectWrapper<>(this, "error");
  private final ReadOnlyObjectWrapper<HubModelLocation> opened =
      new ReadOnlyObjectWrapper<>(this, "opened");
  private final ReadOnlyObjectWrapper<DownloadProgress> lastProgress =
      new ReadOnlyObjectWrapper<>(this, "lastProgress");

  private CancelToken cancel;
  private long generation;

  /**
   * @param settings where the cache and the hub are (read on the background thread, so a token file
   *     written by {@code huggingface-cli login} meanwhile is picked up)
   * @param tasks runs cache lookups and downloads as background tasks (the status bar shows a
   *     download and its Cancel stops it)
   * @param open receives a model once it is complete in the cache
   */
  public HubDialogModel(
      Supplier<HubSettings> settings, TaskExecutor tasks, Consumer<HubModelLocation> open) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.tasks = Objects.requireNonNull(tasks, "tasks");
    this.ui = tasks.ui();
    this.open = Objects.requireNonNull(open, "open");
    for (CuratedModel m : CuratedModels.all()) {
      entries.add(new Entry(m, false));
    }
    selected.addListener(
        (obs, old, now) -> {
          if (now != null) {
            repoId.set(now.model().repoId());
            revision.set("");
          }
        });
    state.addListener((obs, old, now) -> running.set(now == State.DOWNLOADING));
  }

  // ------------------------------------------------------------------ properties

  /** The curated repos, in the order of {@link CuratedModels#all()}. */
  public ObservableList<Entry> entries() {
    return entries;
  }

  /** The row chosen in the list; choosing one fills in {@link #repoIdProperty()}. */
  public ObjectProperty<Entry> selectedProperty() {
    return selected;
  }

  /** {@code org/name}, typed or taken from the list; {@code org/name@revision} is accepted too. */
  public StringProperty repoIdProperty() {
    return repoId;
  }

  /** Branch, tag or commit; empty means {@code main}. */
  public StringProperty revisionProperty() {
    return revision;
  }

  public ReadOnlyObjectProperty<State> stateProperty() {
    return state.getReadOnlyProperty();
  }

  /** True while a download runs. */
  public ReadOnlyBooleanProperty runningProperty() {
    return running.getReadOnlyProperty();
  }

  /** Share of the download done, or -1 while the total is not known. */
  public ReadOnlyDoubleProperty fractionProperty() {
    return fraction.getReadOnlyProperty();
  }

  /** E.g. "model.safetensors · 3.1 MB of 88.0 MB · 5.2 MB/s · 16 s left". */
  public ReadOnlyStringProperty progressTextProperty() {
    return progressText.getReadOnlyProperty();
  }

  /** The latest plain sentence about what happened (opened from cache, cancelled, retrying). */
  public ReadOnlyStringProperty messageProperty() {
    return message.getReadOnlyProperty();
  }

  /** The Hugging Face cache folder in use, once known. */
  public ReadOnlyStringProperty cacheFolderProperty() {
    return cacheFolder.getReadOnlyProperty();
  }

  /** The latest failure; a new object per failure. */
  public ReadOnlyObjectProperty<UserError> errorProperty() {
    return error.getReadOnlyProperty();
  }

  /** The last model handed over to be opened. */
  public ReadOnlyObjectProperty<HubModelLocation> openedProperty() {
    return opened.getReadOnlyProperty();
  }

  /** The latest progress report of the running download (null before the first). */
  public ReadOnlyObjectProperty<DownloadProgress> lastProgressProperty() {
    return lastProgress.getReadOnlyProperty();
  }

  // ------------------------------------------------------------------ commands

  /** Looks up which curated repos the cache holds (no network). */
  public void refresh() {
    BackgroundTask.of(
            "Looking up the Hugging Face cache",
            context -> {
              HubSettings s = settings.get();
              HubCache cache = new HubCache(s.cacheDir());
              List<Entry> now = new ArrayList<>();
              for (CuratedModel m : CuratedModels.all()) {
                now.add(
                    new Entry(
                        m,
                        cache
                            .completeSnapshot(m.repoId(), HubModelId.DEFAULT_REVISION)
                            .isPresent()));
              }
              return new Lookup(s, now);
            })
        .quiet()
        .onSuccess(
            found -> {
              cacheFolder.set(found.settings().cacheDir().toString());
              Entry chosen = selected.get();
              entries.setAll(found.entries());
              if (chosen != null) {
                found.entries().stream()
                    .filter(e -> e.model().equals(chosen.model()))
                    .findFirst()
                    .ifPresent(selected::set);
              }
            })
        .onFailure(e -> error.set(UserError.of(e, "the Hugging Face cache")))
        .executeWith(tasks);
  }

  private record Lookup(HubSettings settings, List<Entry> entries) {}

  /**
   * Opens the model named by {@link #repoIdProperty()} and {@link #revisionProperty()}: from the
   * cache when it is complete there, else after downloading it. Does nothing while a download runs.
   */
  public void download() {
    if (running.get()) {
      return;
    }
    HubModelId id;
    try {
      id = modelId();
    } catch (IllegalArgumentException e) {
      fail(UserError.simple("Not a hub model id", e.getMessage() + "."));
      return;
    }
    CancelToken token = CancelToken.create();
    cancel = token;
    long mine = ++generation;
    state.set(State.DOWNLOADING);
    error.set(null);
    fraction.set(-1);
    progressText.set("");
    lastProgress.set(null);
    message.set("Looking for " + id + " in the cache…");
    BackgroundTask.of("Downloading " + id + "…", context -> run(id, token, mine, context))
        .onCancelRequest(token::cancel)
        .onSuccess(done -> finish(mine, done.location(), done.text()))
        .onFailure(e -> failed(id, mine, e))
        .executeWith(tasks);
  }

  /** Stops the running download; the partial file stays so the next try resumes. */
  public void cancel() {
    if (cancel != null && running.get()) {
      cancel.cancel();
      message.set("Cancelling…");
    }
  }

  HubModelId modelId() {
    String text = repoId.get() == null ? "" : repoId.get().strip();
    if (text.isEmpty()) {
      throw new IllegalArgumentException(
          "Choose a model from the list or type a repo id such as facebook/dinov2-small");
    }
    String rev = revision.get() == null ? "" : revision.get().strip();
    if (!HubModelId.isHubIdWithOrg(text)) {
      throw new IllegalArgumentException(
          "'"
              + text
              + "' is not a hub repo id of the form org/name (for example "
              + "facebook/dinov2-small)");
    }
    HubModelId parsed = HubModelId.parse(text);
    return rev.isEmpty() ? parsed : new HubModelId(parsed.repoId(), rev);
  }

  // ------------------------------------------------------------------ background work

  /** A model found in the cache or downloaded, and what to say about it. */
  private record Fetched(HubModelLocation location, String text) {}

  private Fetched run(HubModelId id, CancelToken token, long mine, BackgroundTask.Context context)
      throws HubException {
    HubSettings s = settings.get();
    HubClient client = new HubClient(s);
    Optional<Path> cached = client.cache().completeSnapshot(id.repoId(), id.revision());
    if (cached.isPresent()) {
      Path folder = cached.get();
      return new Fetched(
          HubModelLocation.ofSnapshot(id.repoId(), folder),
          id + " is in the cache (" + folder + "); opened without the network.");
    }
    String downloading =
        "Downloading " + id + " from " + s.endpoint() + " into " + s.cacheDir() + "…";
    context.progress(-1, downloading);
    ui.execute(
        () -> {
          if (mine == generation) {
            message.set(downloading);
          }
        });
    Path folder = client.download(id.repoId(), id.revision(), new Listener(mine, context), token);
    return new Fetched(
        HubModelLocation.ofSnapshot(id.repoId(), folder),
        "Downloaded " + id + " to " + folder + ".");
  }

  private void failed(HubModelId id, long mine, Throwable e) {
    if (mine != generation) {
      return;
    }
    if (e instanceof HubException h && h.kind() == HubException.Kind.CANCELLED) {
      state.set(State.CANCELLED);
      message.set(h.getMessage());
    } else if (e instanceof HubException h) {
      fail(describe(h));
    } else {
      fail(UserError.of(e, "the download of " + id));
    }
  }

  private void finish(long mine, HubModelLocation location, String text) {
    if (mine != generation) {
      return;
    }
    state.set(State.DONE);
    fraction.set(1);
    message.set(text);
    opened.set(location);
    open.accept(location);
    refresh();
  }

  private void fail(UserError e) {
    state.set(State.FAILED);
    message.set(e.title() + ": " + e.message());
    error.set(e);
  }

  /** Hands progress to the UI thread, at most one pending update at a time. */
  private final class Listener implements DownloadListener {
    private final long mine;
    private final BackgroundTask.Context context;
    private final AtomicReference<DownloadProgress> pending = new AtomicReference<>();

    Listener(long mine, BackgroundTask.Context context) {
      this.mine = mine;
      this.context = context;
    }

    // The status bar gets the share and a line through the task; the dialog's detail (bytes,
    // speed, file) goes to the UI thread the same coalesced way.
    @Override
    public void onProgress(DownloadProgress progress) {
      context.progress(progress.fraction(), describe(progress));
      if (pending.getAndSet(progress) == null) {
        ui.execute(() -> show(pending.getAndSet(null)));
      }
    }

    @Override
    public void onNotice(String notice) {
      ui.execute(
          () -> {
            if (mine == generation && running.get()) {
              message.set(notice);
            }
          });
    }

    private void show(DownloadProgress p) {
      if (p == null || mine != generation || !running.get()) {
        return;
      }
      lastProgress.set(p);
      fraction.set(p.fraction());
      progressText.set(describe(p));
    }
  }

  // ------------------------------------------------------------------ wording

  /** E.g. "model.safetensors · 3.1 MB of 88.0 MB · 5.2 MB/s · 16 s left". */
  static String describe(DownloadProgress p) {
    boolean overall = p.overallBytesTotal() >= 0;
    long done = overall ? p.overallBytesDone() : p.fileBytesDone();
    long total = overall ? p.overallBytesTotal() : p.fileBytesTotal();
    StringBuilder s = new StringBuilder(p.filename()).append(" · ").append(bytes(done));
    if (total >= 0) {
      s.append(" of ").append(bytes(total));
    }
    if (p.bytesPerSecond() > 0) {
      s.append(" · ").append(bytes((long) p.bytesPerSecond())).append("/s");
    }
    p.eta().ifPresent(eta -> s.append(" · ").append(duration(eta)).append(" left"));
    return s.toString();
  }

  static String bytes(long n) {
    return dev.sinkscope.inference.hub.HubClient.formatBytes(n);
  }

  static String duration(Duration d) {
    long seconds = Math.max(0, Math.round(d.toMillis() / 1000.0));
    if (seconds < 60) {
      return seconds + " s";
    }
    if (seconds < 3600) {
      return String.format(Locale.ROOT, "%d:%02d min", seconds / 60, seconds % 60);
    }
    return String.format(Locale.ROOT, "%d:%02d h", seconds / 3600, (seconds % 3600) / 60);
  }

  /**
   * A hub failure as the error dialog shows it: the hub client's message already names repo, file
   * and cause.
   */
  public static UserError describe(HubException e) {
    String title;
    switch (e.kind()) {
      case NOT_FOUND:
        title = "Model not found on the hub";
        break;
      case UNAUTHORIZED:
      case FORBIDDEN:
        title = "The hub refused access";
        break;
      case PICKLE_ONLY:
      case NO_WEIGHTS:
        title = "No safetensors weights in this repo";
        break;
      case CHECKSUM_MISMATCH:
        title = "Download corrupt";
        break;
      case NETWORK:
      case TIMEOUT:
      case SERVER_ERROR:
        title = "Cannot reach the hub";
        break;
      case NOT_CACHED:
        title = "Model not in the cache";
        break;
      case DISK_FULL:
        title = "Not enough disk space";
        break;
      default:
        title = "Cannot download model";
    }
    String text = e.getMessage();
    if ((e.kind() == HubException.Kind.UNAUTHORIZED || e.kind() == HubException.Kind.FORBIDDEN)
        && !text.contains("HF_TOKEN")) {
      text += " Set HF_TOKEN to a token with read access and start Sinkscope again.";
    }
    StringWriter details = new StringWriter();
    e.printStackTrace(new PrintWriter(details));
    return new UserError(title, text, details.toString());
  }
}
