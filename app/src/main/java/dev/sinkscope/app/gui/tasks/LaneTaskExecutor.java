package dev.sinkscope.app.gui.tasks;

import java.util.concurrent.CancellationException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A {@link TaskExecutor} over caller-supplied executors for the inference lane, the I/O lane and
 * the UI thread. The inference executor must run tasks one at a time in order. Tests drive it with
 * queued or direct executors; {@link FxTaskExecutor} gives it real threads.
 */
public class LaneTaskExecutor implements TaskExecutor {
  private final Executor inference;
  private final Executor io;
  private final Executor ui;
  private final TaskStatus status = new TaskStatus();
  private final AtomicBoolean closed = new AtomicBoolean();

  public LaneTaskExecutor(Executor inference, Executor io, Executor ui) {
    this.inference = inference;
    this.io = io;
    this.ui = ui;
  }

  @Override
  public <V> BackgroundTask<V> execute(BackgroundTask<V> task) {
    TaskStatus.Activity activity =
        task.shown() ? status.begin(task.title(), task.cancellable() ? task::cancel : null) : null;
    AtomicReference<double[]> pendingFraction = new AtomicReference<>();
    AtomicReference<String> pendingMessage = new AtomicReference<>();
    BackgroundTask.Context context =
        new BackgroundTask.Context() {
          @Override
          public boolean isCancelled() {
            return task.isCancelled() || closed.get();
          }

          @Override
          public void progress(double fraction, String message) {
            pendingMessage.set(message);
            if (pendingFraction.getAndSet(new double[] {fraction}) == null) {
              ui.execute(
                  () -> {
                    double[] f = pendingFraction.getAndSet(null);
                    if (f != null && task.stateProperty().get() == BackgroundTask.State.RUNNING) {
                      task.progressed(f[0], pendingMessage.get());
                      if (activity != null) {
                        activity.update(f[0], pendingMessage.get());
                      }
                    }
                  });
            }
          }
        };
    task.started();
    Runnable body =
        () -> {
          V result = null;
          Throwable failure = null;
          try {
            if (context.isCancelled()) {
              throw new CancellationException("cancelled before it started");
            }
            result = task.work().run(context);
          } catch (Exception | LinkageError e) {
            failure = e;
          }
          V r = result;
          Throwable f = failure;
          ui.execute(() -> finish(task, activity, r, f));
        };
    try {
      (task.lane() == BackgroundTask.Lane.INFERENCE ? inference : io).execute(body);
    } catch (RejectedExecutionException e) {
      finish(task, activity, null, new CancellationException("the window is closing"));
    }
    return task;
  }

  private <V> void finish(
      BackgroundTask<V> task, TaskStatus.Activity activity, V result, Throwable failure) {
    if (activity != null) {
      activity.end();
    }
    Throwable unhandled = task.finish(result, failure);
    if (unhandled != null) {
      status.failed(task.title(), unhandled);
    }
  }

  @Override
  public Executor inferenceLane() {
    return inference;
  }

  @Override
  public Executor ui() {
    return ui;
  }

  @Override
  public TaskStatus status() {
    return status;
  }

  /** Whether {@link #close()} was called; running tasks see it as a cancel. */
  protected boolean closed() {
    return closed.get();
  }

  @Override
  public void close() {
    closed.set(true);
  }

  /** True at once: the supplied executors belong to the caller. */
  @Override
  public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
    return true;
  }
}
