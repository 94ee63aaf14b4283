package dev.sinkscope.app.gui.tasks;

import dev.sinkscope.inference.engine.CancellationToken;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import javafx.beans.property.ReadOnlyDoubleProperty;
import javafx.beans.property.ReadOnlyDoubleWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;

/**
 * One long job of the window (a model or photo load, an export, a discovery, a download, a report),
 * in the manner of JabRef's {@code BackgroundTask}: a title, the work, and what to do on the UI
 * thread when it succeeded, failed, was cancelled or ended either way. The work reports progress
 * and checks for cancellation through its {@link Context}; a {@link TaskExecutor} runs it on its
 * lane and shows it in the one {@link TaskStatus} the status bar binds to.
 *
 * <p>Built and started on the UI thread; {@link #cancel()} may be called from any thread. The
 * observable progress, message and state change on the UI thread only.
 *
 * @param <V> what the work produces
 */
public final class BackgroundTask<V> {

  /** The body of a task; runs on the task's lane, never on the UI thread. */
  @FunctionalInterface
  public interface Work<V> {
    V run(Context context) throws Exception;
  }

  /** A body without a result. */
  @FunctionalInterface
  public interface VoidWork {
    void run(Context context) throws Exception;
  }

  /** What the body may do while it runs: report progress and notice a cancel. */
  public interface Context extends CancellationToken {
    /**
     * Reports progress; coalesced, so only the latest pending update reaches the UI.
     *
     * @param fraction the done share in [0, 1], or negative while unknown
     * @param message what runs now, e.g. "block 3 of 8"
     */
    void progress(double fraction, String message);
  }

  /** Where a task runs. */
  public enum Lane {
    /** The single thread that owns the models (ADR 0009); in order with the passes. */
    INFERENCE,
    /** Files, the network, encoding: a small pool. */
    IO
  }

  /** Where a task is in its life. */
  public enum State {
    SCHEDULED,
    RUNNING,
    SUCCEEDED,
    FAILED,
    CANCELLED
  }

  private final String title;
  private final Work<V> work;
  private Lane lane = Lane.IO;
  private boolean shown = true;
  private boolean cancellable = true;
  private Consumer<? super V> onSuccess = v -> {};
  private Consumer<Throwable> onFailure;
  private Runnable onCancelled = () -> {};
  private Runnable onFinished = () -> {};
  private volatile Runnable onCancelRequest = () -> {};
  private final AtomicBoolean cancelled = new AtomicBoolean();
  private final ReadOnlyDoubleWrapper progress = new ReadOnlyDoubleWrapper(this, "progress", -1);
  private final ReadOnlyStringWrapper message = new ReadOnlyStringWrapper(this, "message", "");
  private final ReadOnlyObjectWrapper<State> state =
      new ReadOnlyObjectWrapper<>(this, "state", State.SCHEDULED);

  private BackgroundTask(String title, Work<V> work) {
    this.title = Objects.requireNonNull(title, "title");
    this.work = Objects.requireNonNull(work, "work");
    message.set(title);
  }

  /** A task that produces a value. */
  public static <V> BackgroundTask<V> of(String title, Work<V> work) {
    return new BackgroundTask<>(title, work);
  }

  /** A task that only has an effect (writes a file, warms a cache). */
  public static BackgroundTask<Void> run(String title, VoidWork work) {
    return new BackgroundTask<>(
        title,
        context -> {
          work.run(context);
          return null;
        });
  }

  // ------------------------------------------------------------------ configuration (UI thread)

  /** Runs on {@code where} (default: {@link Lane#IO}). */
  public BackgroundTask<V> on(Lane where) {
    this.lane = Objects.requireNonNull(where, "lane");
    return this;
  }

  /** Not shown in the status bar and not cancelled by Cancel / Esc (cache warm-ups). */
  public BackgroundTask<V> quiet() {
    this.shown = false;
    this.cancellable = false;
    return this;
  }

  /** Shown, but Cancel / Esc passes it by (work that cannot stop half way, e.g. a small write). */
  public BackgroundTask<V> notCancellable() {
    this.cancellable = false;
    return this;
  }

  /** Called on the UI thread with the result. */
  public BackgroundTask<V> onSuccess(Consumer<? super V> action) {
    this.onSuccess = Objects.requireNonNull(action);
    return this;
  }

  /**
   * Called on the UI thread when the work threw (not for a cancel); without one, the failure only
   * reaches {@link TaskStatus#failureProperty()}.
   */
  public BackgroundTask<V> onFailure(Consumer<Throwable> action) {
    this.onFailure = Objects.requireNonNull(action);
    return this;
  }

  /**
   * Called on the UI thread when the work stopped for a cancel (it threw CancellationException).
   */
  public BackgroundTask<V> onCancelled(Runnable action) {
    this.onCancelled = Objects.requireNonNull(action);
    return this;
  }

  /** Called on the UI thread after success, failure or cancel. */
  public BackgroundTask<V> onFinished(Runnable action) {
    this.onFinished = Objects.requireNonNull(action);
    return this;
  }

  /**
   * Called (on the thread that cancels) when a cancel is asked for, for work that waits on
   * something with its own cancel handle (a download).
   */
  public BackgroundTask<V> onCancelRequest(Runnable action) {
    this.onCancelRequest = Objects.requireNonNull(action);
    return this;
  }

  /** Starts this task on {@code executor}; returns it, so a caller can keep it to cancel it. */
  public BackgroundTask<V> executeWith(TaskExecutor executor) {
    return executor.execute(this);
  }

  // ------------------------------------------------------------------ state

  public String title() {
    return title;
  }

  public Lane lane() {
    return lane;
  }

  /** Whether the status bar shows it. */
  public boolean shown() {
    return shown;
  }

  public boolean cancellable() {
    return cancellable;
  }

  /** Asks the work to stop; it stops at its next check. Any thread. */
  public void cancel() {
    if (!cancelled.getAndSet(true)) {
      onCancelRequest.run();
    }
  }

  public boolean isCancelled() {
    return cancelled.get();
  }

  /** Done share in [0, 1], or negative while unknown (UI thread). */
  public ReadOnlyDoubleProperty progressProperty() {
    return progress.getReadOnlyProperty();
  }

  /** What runs now (UI thread); the title until the work says more. */
  public ReadOnlyStringProperty messageProperty() {
    return message.getReadOnlyProperty();
  }

  public ReadOnlyObjectProperty<State> stateProperty() {
    return state.getReadOnlyProperty();
  }

  // ------------------------------------------------------------------ for the executor

  Work<V> work() {
    return work;
  }

  void started() {
    state.set(State.RUNNING);
  }

  void progressed(double fraction, String text) {
    progress.set(fraction);
    message.set(text);
  }

  /** Runs the callbacks for {@code result}; returns the failure to publish, or null. */
  Throwable finish(V result, Throwable failure) {
    try {
      if (failure == null) {
        progress.set(1);
        state.set(State.SUCCEEDED);
        onSuccess.accept(result);
        return null;
      }
      if (failure instanceof CancellationException) {
        state.set(State.CANCELLED);
        onCancelled.run();
        return null;
      }
      state.set(State.FAILED);
      if (onFailure != null) {
        onFailure.accept(failure);
      }
      return failure;
    } finally {
      onFinished.run();
    }
  }
}
