package dev.sinkscope.app.gui.tasks;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javafx.application.Platform;

/**
 * The window's executor: one daemon inference thread ({@value #INFERENCE_THREAD}), a pool of
 * {@value #IO_THREADS} daemon I/O threads (so an export never waits behind a download) and the
 * JavaFX thread for callbacks. The only place in the window that creates threads; the composition
 * root owns it and closes it on exit.
 */
public final class FxTaskExecutor extends LaneTaskExecutor {
  /** Name of the thread that owns the models. */
  public static final String INFERENCE_THREAD = "sinkscope-inference";

  static final int IO_THREADS = 3;

  private final ExecutorService inference;
  private final ExecutorService io;

  private FxTaskExecutor(ExecutorService inference, ExecutorService io) {
    super(inference, io, Platform::runLater);
    this.inference = inference;
    this.io = io;
  }

  /** Starts the threads. */
  public static FxTaskExecutor start() {
    ExecutorService inference =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, INFERENCE_THREAD);
              t.setDaemon(true);
              return t;
            });
    AtomicInteger n = new AtomicInteger();
    ExecutorService io =
        Executors.newFixedThreadPool(
            IO_THREADS,
            r -> {
              Thread t = new Thread(r, "sinkscope-io-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    return new FxTaskExecutor(inference, io);
  }

  /**
   * Takes no more work and tells running tasks to stop; queued inference work (closing the models)
   * still runs, I/O threads are interrupted.
   */
  @Override
  public void close() {
    super.close();
    inference.shutdown();
    io.shutdownNow();
  }

  @Override
  public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
    long deadline = System.nanoTime() + unit.toNanos(timeout);
    boolean done = inference.awaitTermination(timeout, unit);
    return io.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)
        && done;
  }
}
