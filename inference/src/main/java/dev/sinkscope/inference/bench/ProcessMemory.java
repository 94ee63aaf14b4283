package dev.sinkscope.inference.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Memory of this process: resident set from {@code /proc/self/status} (Linux; heap + native +
 * mapped files) and Java heap figures from the memory pools.
 */
public final class ProcessMemory {
  private ProcessMemory() {}

  /**
   * kB values of {@code VmHWM} (peak RSS), {@code VmRSS}, {@code RssAnon}, {@code RssFile}; empty
   * off Linux.
   */
  public static Map<String, Long> status() {
    Map<String, Long> out = new LinkedHashMap<>();
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        for (String key : new String[] {"VmHWM", "VmRSS", "RssAnon", "RssFile"}) {
          if (line.startsWith(key + ":")) {
            out.put(key, Long.parseLong(line.substring(key.length() + 1).trim().split("\\s+")[0]));
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux: the caller prints what it has
    }
    return out;
  }

  /**
   * Sum of the peak usage of every heap pool since start, in bytes: an upper bound of the peak heap
   * (the pools peak at different moments).
   */
  public static long heapPeakBytes() {
    long sum = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP && pool.getPeakUsage() != null) {
        sum += pool.getPeakUsage().getUsed();
      }
    }
    return sum;
  }

  /** Heap in use right after a full collection, in bytes: what the results really hold. */
  public static long heapLiveBytes() {
    System.gc();
    Runtime r = Runtime.getRuntime();
    return r.totalMemory() - r.freeMemory();
  }

  public static long maxHeapBytes() {
    return Runtime.getRuntime().maxMemory();
  }
}
