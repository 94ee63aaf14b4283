package dev.sinkscope.inference.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * How busy the machine is with other work, read from the runnable-task count of
 * {@code /proc/loadavg} (it counts tasks of other containers on the same cores, which
 * {@code /proc/stat} inside a container may not show). On 2 cores one other busy process halves
 * or worse the speed of a 2-thread pass, so benchmarks wait for quiet.
 */
public final class MachineLoad {
  private static final Path LOADAVG = Path.of("/proc/loadavg");

  private MachineLoad() {}

  /** Mean number of runnable tasks besides the sampling thread, over {@code millis}; NaN off Linux. */
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
   * Waits until other tasks use the cores less than {@code threshold} of the time (1 s windows), at
   * most {@code maxWaitMillis}; returns the last reading.
   */
  public static double awaitQuiet(double threshold, long maxWaitMillis) {
    long deadline = System.nanoTime() + maxWaitMillis * 1_000_000;
    double others;
    do {
      others = othersRunnable(1000);
    } while (!(others < threshold) && !Double.isNaN(others) && System.nanoTime() < deadline);
    return others;
  }

  public static String describe(double others) {
    return Double.isNaN(others) ? "n/a" : String.format(Locale.ROOT, "%.2f", others);
  }
}
