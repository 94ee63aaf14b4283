package dev.sinkscope.inference.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * How busy the machine is with other work. Two readings: the runnable-task count of {@code
 * /proc/loadavg} (it counts tasks of other containers on the same cores, which {@code /proc/stat}
 * inside a container may not show), and a calibration: a fixed arithmetic load on every core, timed
 * and compared with the fastest time seen in this process. On 2 cores one other busy process halves
 * or worse the speed of a 2-thread pass, so benchmarks wait for quiet.
 */
public final class MachineLoad {
  private static final Path LOADAVG = Path.of("/proc/loadavg");
  private static double fastestCalibrationMs = Double.POSITIVE_INFINITY;

  private MachineLoad() {}

  /**
   * Mean number of runnable tasks besides the sampling thread, over {@code millis}; NaN off Linux.
   */
  public static double othersRunnable(long millis) {
    int samples = 0;
    double sum = 0;
    long end = System.nanoTime() + millis * 1_000_000;
    try {
      do {
        String[] fields = Files.readString(LOADAVG).trim().split("\\s+");
        int runnable = Integer.parseInt(fields[3].substring(0, fields[3].indexOf('/')));
        sum += Math.max(0, runnable - 1);
        samples++;
        Thread.sleep(25);
      } while (System.nanoTime() < end);
    } catch (IOException | RuntimeException e) {
      return Double.NaN;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return samples == 0 ? Double.NaN : sum / samples;
  }

  /** The 1-minute load average; NaN off Linux. */
  public static double loadAverage() {
    try {
      return Double.parseDouble(Files.readString(LOADAVG).trim().split("\\s+")[0]);
    } catch (IOException | RuntimeException e) {
      return Double.NaN;
    }
  }

  /**
   * Waits until other tasks use the cores less than {@code threshold} (1 s windows) and the
   * calibration runs within 10 % of its fastest time, at most {@code maxWaitMillis}; returns the
   * last calibration slowdown (1.0 = as fast as ever seen here).
   */
  public static double awaitQuiet(double threshold, long maxWaitMillis) {
    long deadline = System.nanoTime() + maxWaitMillis * 1_000_000;
    double slowdown;
    boolean quiet;
    do {
      double others = othersRunnable(1000);
      slowdown = calibrationSlowdown();
      quiet = (Double.isNaN(others) || others < threshold) && slowdown < 1.10;
    } while (!quiet && System.nanoTime() < deadline);
    return slowdown;
  }

  /**
   * Times a fixed floating-point loop on every core (about 50 ms when quiet) and returns how much
   * slower it ran than the fastest run so far (1.0 = as fast as ever seen).
   */
  public static synchronized double calibrationSlowdown() {
    double best = Double.POSITIVE_INFINITY;
    for (int attempt = 0; attempt < 3; attempt++) {
      best = Math.min(best, calibrationMs());
    }
    // the first readings only set the scale; they cannot tell contention apart
    double slowdown =
        Double.isInfinite(fastestCalibrationMs)
            ? Double.POSITIVE_INFINITY
            : best / fastestCalibrationMs;
    fastestCalibrationMs = Math.min(fastestCalibrationMs, best);
    return slowdown;
  }

  private static double calibrationMs() {
    int cores = Runtime.getRuntime().availableProcessors();
    Thread[] threads = new Thread[cores];
    double[] sink = new double[cores];
    long start = System.nanoTime();
    for (int c = 0; c < cores; c++) {
      int core = c;
      threads[c] =
          new Thread(
              () -> {
                double x = 1.0 + core;
                for (int i = 0; i < 20_000_000; i++) {
                  x = x * 1.0000001 + 1e-9;
                }
                sink[core] = x;
              });
      threads[c].start();
    }
    try {
      for (Thread t : threads) {
        t.join();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    double ms = (System.nanoTime() - start) / 1e6;
    return sink[0] == 42 ? ms + 1 : ms; // keeps the loop observable
  }

  /** A reading for the report ("n/a" when not measured). */
  public static String describe(double value) {
    return Double.isNaN(value) || Double.isInfinite(value)
        ? "n/a"
        : String.format(Locale.ROOT, "%.2f", value);
  }
}
