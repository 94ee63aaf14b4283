package dev.sinkscope.app.gui;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javafx.application.Platform;

/**
 * Measures how long the FX thread goes without serving a heartbeat. A daemon thread posts one
 * heartbeat every {@value #PERIOD_MILLIS} ms (never more than one outstanding); when the FX thread
 * runs it, the time since it was posted is the gap, kept per phase (the phase current at posting).
 *
 * <p>On a loaded machine (the test machines share two cores) the wall-clock gap also holds time in
 * which the operating system ran other processes and not the FX thread at all; that is not the
 * application blocking the FX thread. So the gap that counts ("blocking") is what the FX thread did
 * itself while the heartbeat waited: its CPU time, plus every period in which it was seen waiting
 * on something other than its event loop or the render thread (a lock, a future, I/O). The
 * wall-clock gap is reported beside it. When a heartbeat waits longer than {@value
 * #SAMPLE_AFTER_MILLIS} ms with the FX thread out of its event loop, the FX thread's stack is kept,
 * so a failure shows what it did.
 */
public final class FxWatchdog implements AutoCloseable {
  public static final long PERIOD_MILLIS = 10;
  static final long SAMPLE_AFTER_MILLIS = 60;

  private final ScheduledExecutorService ticker =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "fx-watchdog");
            t.setDaemon(true);
            return t;
          });
  private final Thread fxThread;
  private final Map<String, Double> blockingGaps = new LinkedHashMap<>();
  private final Map<String, Double> wallGaps = new LinkedHashMap<>();
  private final java.lang.management.ThreadMXBean threads =
      java.lang.management.ManagementFactory.getThreadMXBean();
  private final StringBuilder samples = new StringBuilder();
  private volatile String phase;

  // Ticker-thread state of the outstanding heartbeat.
  private Heartbeat outstanding;

  /** One posted heartbeat; {@code idleSeen} is written by the ticker and read on the FX thread. */
  private static final class Heartbeat {
    final long posted = System.nanoTime();
    final long fxCpuAtPost;
    final String phase;
    volatile long waitingMillis;
    volatile boolean done;
    boolean sampled;

    Heartbeat(String phase, long fxCpuAtPost) {
      this.phase = phase;
      this.fxCpuAtPost = fxCpuAtPost;
    }
  }

  private FxWatchdog(String firstPhase) {
    phase = firstPhase;
    fxThread =
        Thread.getAllStackTraces().keySet().stream()
            .filter(t -> t.getName().equals("JavaFX Application Thread"))
            .findFirst()
            .orElseThrow(() -> new IllegalStateException("no FX thread: start the toolkit first"));
    ticker.scheduleAtFixedRate(this::tick, 0, PERIOD_MILLIS, TimeUnit.MILLISECONDS);
  }

  /** Starts posting heartbeats, recording gaps under {@code firstPhase}. */
  public static FxWatchdog start(String firstPhase) {
    return new FxWatchdog(firstPhase);
  }

  /** Gaps from now on count for {@code name}. */
  public void phase(String name) {
    phase = name;
  }

  private void tick() {
    Heartbeat beat = outstanding;
    if (beat == null || beat.done) {
      Heartbeat next = new Heartbeat(phase, threads.getThreadCpuTime(fxThread.getId()));
      outstanding = next;
      Platform.runLater(() -> served(next));
      return;
    }
    Thread.State state = fxThread.getState();
    StackTraceElement[] stack = fxThread.getStackTrace();
    boolean idle = idleInEventLoop(stack);
    if (!idle && state != Thread.State.RUNNABLE && !waitsForRendering(stack)) {
      beat.waitingMillis += PERIOD_MILLIS; // blocked on a lock, a future or I/O: that counts
    }
    if (idle) {
      return;
    } else if (!beat.sampled && System.nanoTime() - beat.posted > SAMPLE_AFTER_MILLIS * 1_000_000) {
      beat.sampled = true;
      synchronized (samples) {
        samples
            .append("FX thread busy for more than ")
            .append(SAMPLE_AFTER_MILLIS)
            .append(" ms in ")
            .append(beat.phase)
            .append(":\n");
        for (int i = 0; i < Math.min(stack.length, 30); i++) {
          samples.append("    at ").append(stack[i]).append('\n');
        }
      }
    }
  }

  /** The FX thread waits for work in the toolkit's queue (Monocle or a desktop glass loop). */
  private static boolean idleInEventLoop(StackTraceElement[] stack) {
    for (int i = 0; i < Math.min(stack.length, 4); i++) {
      String frame = stack[i].getClassName() + "." + stack[i].getMethodName();
      if (frame.endsWith("RunnableQueue.getNextRunnable")
          || frame.endsWith("_runLoop")
          || frame.endsWith("_invokeAndWait")) {
        return true;
      }
    }
    return false;
  }

  /** Handing a frame to the render thread is part of every pulse, not the application's doing. */
  private static boolean waitsForRendering(StackTraceElement[] stack) {
    for (int i = 0; i < Math.min(stack.length, 8); i++) {
      if (stack[i].getMethodName().equals("waitForRenderingToComplete")) {
        return true;
      }
    }
    return false;
  }

  private void served(Heartbeat beat) {
    double wall = (System.nanoTime() - beat.posted) / 1e6;
    double cpu = (threads.getThreadCpuTime(fxThread.getId()) - beat.fxCpuAtPost) / 1e6;
    double blocking = Math.min(wall, cpu + beat.waitingMillis);
    synchronized (this) {
      blockingGaps.merge(beat.phase, blocking, Math::max);
      wallGaps.merge(beat.phase, wall, Math::max);
    }
    beat.done = true;
  }

  /**
   * The largest time the FX thread itself spent (working or waiting on something) while one
   * heartbeat waited in {@code name}, in ms; NaN if no heartbeat was served in it.
   */
  public synchronized double maxBlockingGapMillis(String name) {
    return blockingGaps.getOrDefault(name, Double.NaN);
  }

  /** Every phase's largest blocking and wall-clock gap, for messages. */
  public synchronized String report() {
    StringBuilder s = new StringBuilder();
    blockingGaps.forEach(
        (name, gap) ->
            s.append(
                String.format(
                    Locale.ROOT,
                    "%s: %.1f ms (wall clock %.1f ms); ",
                    name,
                    gap,
                    wallGaps.getOrDefault(name, 0.0))));
    return s.toString();
  }

  /** Stacks of the FX thread taken while a heartbeat waited long with the FX thread busy. */
  public String samples() {
    synchronized (samples) {
      return samples.toString();
    }
  }

  @Override
  public void close() {
    ticker.shutdownNow();
  }
}
