package dev.sinkscope.inference.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Markdown tables of a benchmark run. Times are "min / median" in milliseconds. */
public final class BenchReport {
  private BenchReport() {}

  /**
   * One model and input size, measured on both sides.
   *
   * @param java the Java figures
   * @param torch the PyTorch eager figures with torch threads = cores, OpenBLAS 1 thread; null when
   *     not run
   * @param torchBlasThreads PyTorch eager forward + capture with torch 1 thread, OpenBLAS threads =
   *     cores (the faster split on this machine); null when not run
   * @param maxDiff max |Java - torch| of {@code last_hidden_state}: plain, TTR, swap (NaN when not
   *     compared)
   * @param slowdownJava worse calibration slowdown before and after the Java scenarios (1.0 =
   *     quiet; {@link MachineLoad})
   * @param slowdownTorch the same around the PyTorch scenarios
   */
  public record Row(
      VitSize size,
      int resolution,
      int tokens,
      InferenceBenchmark.Figures java,
      TorchReference.Figures torch,
      TorchReference.Figures torchBlasThreads,
      double[] maxDiff,
      double slowdownJava,
      double slowdownTorch) {

    public String label() {
      return size.label() + " " + resolution;
    }
  }

  /** A named timing with an optional goal, for the no-inference and start-up tables. */
  public record Line(String name, Timing timing, String note) {}

  /**
   * @param splitA how {@link Row#torch()} was threaded, for the header
   * @param splitB how {@link Row#torchBlasThreads()} was threaded
   */
  public static String forwardTable(List<Row> rows, String splitA, String splitB) {
    StringBuilder s = new StringBuilder();
    s.append(
        "| model | input | tokens | Java forward + full capture | PyTorch eager forward + full capture ("
            + splitA
            + ") | ratio min (median) | PyTorch eager forward + full capture ("
            + splitB
            + ") "
            + "| ratio min (median) | Java with DEFAULT capture | Java residual only | PyTorch forward only ("
            + splitA
            + ") | max abs diff Java vs torch | slowdown around (Java / torch) |\n");
    s.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (Row r : rows) {
      InferenceBenchmark.Figures j = r.java();
      Timing a = r.torch() == null ? null : r.torch().forwardCapture();
      Timing b = r.torchBlasThreads() == null ? null : r.torchBlasThreads().forwardCapture();
      s.append(
          String.format(
              Locale.ROOT,
              "| %s | %d | %d | %s | %s | %s | %s | %s | %s (%s) | %s | %s | %s | %s / %s |%n",
              r.size().label(),
              r.resolution(),
              r.tokens(),
              ms(j.forwardFullCapture()),
              ms(a),
              ratio(j.forwardFullCapture(), a),
              ms(b),
              ratio(j.forwardFullCapture(), b),
              ms(j.forwardDefaultCapture()),
              j.defaultMode().name().toLowerCase(Locale.ROOT),
              ms(j.forwardResidualOnly()),
              r.torch() == null ? "n/a" : ms(r.torch().forwardOnly()),
              diff(r.maxDiff()[0]),
              MachineLoad.describe(r.slowdownJava()),
              MachineLoad.describe(r.slowdownTorch())));
    }
    return s.toString();
  }

  public static String toggleTable(List<Row> rows) {
    StringBuilder s = new StringBuilder();
    s.append(
        "| model | input | TTR on: Java | TTR on: PyTorch | ratio min (median) | TTR on / Java forward "
            + "| swap from L/2 on: Java (first block) | swap: PyTorch | ratio min (median) | swap / Java forward "
            + "| switch off | one dropped block recomputed | max abs diff TTR, swap |\n");
    s.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (Row r : rows) {
      InferenceBenchmark.Figures j = r.java();
      TorchReference.Figures t = r.torch();
      s.append(
          String.format(
              Locale.ROOT,
              "| %s | %d | %s | %s | %s | %s | %s (%d) | %s | %s | %s | %s | %s | %s, %s |%n",
              r.size().label(),
              r.resolution(),
              ms(j.ttrToggle()),
              t == null ? "n/a" : ms(t.ttrToggle()),
              ratio(j.ttrToggle(), t == null ? null : t.ttrToggle()),
              ratio(j.ttrToggle(), j.forwardDefaultCapture()),
              ms(j.swapToggle()),
              j.swapStartBlock(),
              t == null ? "n/a" : ms(t.swapToggle()),
              ratio(j.swapToggle(), t == null ? null : t.swapToggle()),
              ratio(j.swapToggle(), j.forwardDefaultCapture()),
              ms(j.switchOff()),
              ms(j.blockRecompute()),
              diff(r.maxDiff()[1]),
              diff(r.maxDiff()[2])));
    }
    return s.toString();
  }

  public static String lineTable(String firstColumn, List<Line> lines) {
    StringBuilder s = new StringBuilder();
    s.append("| ")
        .append(firstColumn)
        .append(" | min ms | median ms | runs | note |\n|---|---:|---:|---:|---|\n");
    for (Line l : lines) {
      s.append(
          String.format(
              Locale.ROOT,
              "| %s | %.2f | %.2f | %d | %s |%n",
              l.name(),
              l.timing().minMs(),
              l.timing().medianMs(),
              l.timing().runs(),
              l.note()));
    }
    return s.toString();
  }

  public static String keyValueTable(Map<String, String> values) {
    StringBuilder s = new StringBuilder("| figure | value |\n|---|---|\n");
    values.forEach((k, v) -> s.append("| ").append(k).append(" | ").append(v).append(" |\n"));
    return s.toString();
  }

  /** Ratio series for {@link BenchChart}: forward + capture (both splits), TTR on, swap on. */
  public static double[][] chartRatios(List<Row> rows) {
    double[][] out = new double[4][rows.size()];
    for (int i = 0; i < rows.size(); i++) {
      Row r = rows.get(i);
      TorchReference.Figures t = r.torch();
      TorchReference.Figures b = r.torchBlasThreads();
      out[0][i] = minRatio(r.java().forwardFullCapture(), t == null ? null : t.forwardCapture());
      out[1][i] = minRatio(r.java().forwardFullCapture(), b == null ? null : b.forwardCapture());
      out[2][i] = minRatio(r.java().ttrToggle(), t == null ? null : t.ttrToggle());
      out[3][i] = minRatio(r.java().swapToggle(), t == null ? null : t.swapToggle());
    }
    return out;
  }

  public static List<String> chartGroups(List<Row> rows) {
    List<String> out = new ArrayList<>();
    rows.forEach(r -> out.add(r.label()));
    return out;
  }

  /** One line on the machine, the engine and the reference, for the report header. */
  public static String machine(String torchVersion, String engine) {
    String cpu = "unknown CPU";
    long memKb = 0;
    try {
      cpu =
          Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
              .filter(l -> l.startsWith("model name"))
              .findFirst()
              .map(l -> l.substring(l.indexOf(':') + 1).trim())
              .orElse(cpu);
      memKb =
          Files.readAllLines(Path.of("/proc/meminfo")).stream()
              .filter(l -> l.startsWith("MemTotal"))
              .findFirst()
              .map(l -> Long.parseLong(l.replaceAll("[^0-9]", "")))
              .orElse(0L);
    } catch (IOException | RuntimeException e) {
      // not Linux: keep the defaults
    }
    return String.format(
        Locale.ROOT,
        "%s, %d cores visible, %.0f GiB RAM, %s %s, Java %s (%s); Java engine: %s; "
            + "PyTorch reference: torch %s (eager, CPU)",
        cpu,
        Runtime.getRuntime().availableProcessors(),
        memKb / 1048576.0,
        System.getProperty("os.name"),
        System.getProperty("os.version"),
        System.getProperty("java.version"),
        System.getProperty("java.vm.name"),
        engine,
        torchVersion);
  }

  static String ms(Timing t) {
    return t == null
        ? "n/a"
        : String.format(Locale.ROOT, "%s / %s", num(t.minMs()), num(t.medianMs()));
  }

  private static String num(double ms) {
    return ms >= 100
        ? String.format(Locale.ROOT, "%.0f", ms)
        : String.format(Locale.ROOT, "%.1f", ms);
  }

  static String ratio(Timing java, Timing reference) {
    if (java == null || reference == null) {
      return "n/a";
    }
    return String.format(
        Locale.ROOT,
        "%.2f (%.2f)",
        java.minMs() / reference.minMs(),
        java.medianMs() / reference.medianMs());
  }

  private static double minRatio(Timing java, Timing reference) {
    return java == null || reference == null ? Double.NaN : java.minMs() / reference.minMs();
  }

  private static String diff(double d) {
    return Double.isNaN(d) ? "n/a" : String.format(Locale.ROOT, "%.1e", d);
  }
}
