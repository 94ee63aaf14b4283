package dev.sinkscope.app.gui.tasks;

import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * Runs the window's long jobs ({@link BackgroundTask}s) off the UI thread and owns the threads they
 * run on: one inference thread, which alone touches models (ADR 0009), and a small I/O pool. The
 * composition root creates one ({@link FxTaskExecutor}) and closes it when the window goes; tests
 * use {@link CurrentThreadTaskExecutor} or their own executors ({@link LaneTaskExecutor}).
 */
public interface TaskExecutor extends AutoCloseable {

  /**
   * Starts {@code task} on its lane (call on the UI thread); it shows in {@link #status()} unless
   * quiet. Returns the task.
   */
  <V> BackgroundTask<V> execute(BackgroundTask<V> task);

  /**
   * The inference thread as an executor, for the inference service's newest-wins requests, which
   * run in order with the tasks on {@link BackgroundTask.Lane#INFERENCE}.
   */
  Executor inferenceLane();

  /** The UI thread. */
  Executor ui();

  /** The running / progress / cancel / error state of everything running. */
  TaskStatus status();

  /** Takes no more work; what is queued still runs (the models are closed by queued work). */
  @Override
  void close();

  /** After {@link #close()}: waits until the threads have ended; true when they did in time. */
  boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException;
}
