package dev.sinkscope.inference.hub;

import java.time.Duration;
import java.util.Locale;

/** Sizes and waits as the hub's messages print them. */
public final class HumanUnits {
  private HumanUnits() {}

  /**
   * A size as people read it: "512 B", "1.5 kB", "4.5 GB" (decimal units, as the hub shows them).
   */
  public static String bytes(long bytes) {
    if (bytes < 1000) {
      return bytes + " B";
    }
    String[] units = {"kB", "MB", "GB", "TB"};
    double value = bytes;
    int unit = -1;
    while (value >= 1000 && unit < units.length - 1) {
      value /= 1000;
      unit++;
    }
    return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
  }

  /** "250 ms" below a second, else "2.0 s". */
  static String duration(Duration duration) {
    long millis = duration.toMillis();
    return millis < 1000 ? millis + " ms" : String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
  }
}
