package dev.sinkscope.inference.bench;

import java.util.Arrays;
import java.util.function.Supplier;

/**
 * Minimum and median of repeated wall-clock measurements, in milliseconds. The minimum is the least
 * disturbed run; the median shows how noisy the machine was.
 */
public record Timing(double minMs, double medianMs, int runs) {

  public static Timing of(double[] samplesMs) {
    if (samplesMs.length == 0) {
      throw new IllegalArgumentException("no samples");
    }
    double[] s = samplesMs.clone();
    Arrays.sort(s);
    int n = s.length;
    double median = n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    return new Timing(s[0], median, n);
  }

  /** Runs {@code work} {@code warmup} times untimed, then {@code runs} times timed. */
  public static Timing measure(int warmup, int runs, Runnable work) {
    for (int i = 0; i < warmup; i++) {
      work.run();
    }
    double[] ms = new double[runs];
    for (int i = 0; i < runs; i++) {
      long start = System.nanoTime();
      work.run();
      ms[i] = (System.nanoTime() - start) / 1e6;
    }
    return of(ms);
  }

  /**
   * Times several kinds of work in turns (a, b, c, a, b, c, ...), so a change in machine load
   * during the measurement hits all of them alike; null entries are skipped and give null.
   */
  public static Timing[] interleaved(int warmup, int runs, Runnable... works) {
    for (int i = 0; i < warmup; i++) {
      for (Runnable w : works) {
        if (w != null) {
          w.run();
        }
      }
    }
    double[][] ms = new double[works.length][runs];
    for (int i = 0; i < runs; i++) {
      for (int k = 0; k < works.length; k++) {
        if (works[k] != null) {
          long start = System.nanoTime();
          works[k].run();
          ms[k][i] = (System.nanoTime() - start) / 1e6;
        }
      }
    }
    Timing[] out = new Timing[works.length];
    for (int k = 0; k < works.length; k++) {
      out[k] = works[k] == null ? null : of(ms[k]);
    }
    return out;
  }

  /**
   * Like {@link #measure(int, int, Runnable)}; {@code before} runs untimed ahead of each timed
   * call.
   */
  public static <T> Timing measure(int warmup, int runs, Runnable before, Supplier<T> work) {
    for (int i = 0; i < warmup; i++) {
      before.run();
      work.get();
    }
    double[] ms = new double[runs];
    for (int i = 0; i < runs; i++) {
      before.run();
      long start = System.nanoTime();
      work.get();
      ms[i] = (System.nanoTime() - start) / 1e6;
    }
    return of(ms);
  }
}
