package dev.sinkscope.app.cli;

import dev.sinkscope.inference.bench.FlopCount;
import dev.sinkscope.inference.bench.MatmulFloor;
import dev.sinkscope.inference.bench.Timing;
import dev.sinkscope.inference.bench.VitSize;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * The floor, request → picture, toggle → picture and goals tables of a {@code bench} run. Ratios
 * use the fastest run of each side (min), which a loaded machine disturbs least.
 */
final class FloorTables {
  private FloorTables() {}

  /**
   * PyTorch eager forward + full capture in one interpreter and thread split.
   *
   * @param label e.g. "torch 2.13.0+cpu, 2 threads (MKL follows)"
   * @param major torch's major version
   */
  record TorchColumn(String label, int major, Timing forwardCapture) {}

  /** Everything measured on one model and input. */
  record Row(
      VitSize size,
      int resolution,
      int tokens,
      MatmulFloor.Floor floor,
      Timing javaFull,
      Timing javaDefault,
      String defaultCapture,
      List<TorchColumn> torch,
      RequestToPictureBench.Figures request) {

    String label() {
      return size.label() + " " + resolution;
    }

    double floorMs() {
      return floor.floorMs();
    }

    /** Fastest PyTorch 2.x (or later) forward + full capture over its thread splits, or NaN. */
    double bestTorch2Ms() {
      return torch.stream()
          .filter(c -> c.major() >= 2 && c.forwardCapture() != null)
          .mapToDouble(c -> c.forwardCapture().minMs())
          .min()
          .orElse(Double.NaN);
    }
  }

  static String rateTable(List<Row> rows, MatmulFloor.Rate square) {
    StringBuilder s = new StringBuilder();
    if (square != null) {
      s.append(
          String.format(
              Locale.ROOT,
              "Large square product %s: %.1f GFLOP/s (%.1f ms). The floor below uses each model's "
                  + "own shapes instead, each at its own measured rate.%n%n",
              square.shape().describe(),
              square.gflops(),
              square.bestMs()));
    }
    s.append(
        "| model | input | tokens | GFLOP per pass | patch embedding | qkv | QK^T | AV | proj | fc1 "
            + "| fc2 | floor ms | floor GFLOP/s |\n");
    s.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (Row r : rows) {
      s.append(
          String.format(
              Locale.ROOT,
              "| %s | %d | %d | %.1f",
              r.size().label(),
              r.resolution(),
              r.tokens(),
              r.floor().flop().gflop()));
      for (MatmulFloor.Rate rate : r.floor().rates()) {
        s.append(String.format(Locale.ROOT, " | %.0f", rate.gflops()));
      }
      s.append(
          String.format(Locale.ROOT, " | %s | %.0f |%n", num(r.floorMs()), r.floor().gflops()));
    }
    s.append(
        "\nProduct rates in GFLOP/s; the shapes of one pass, for the first row: "
            + describeShapes(rows)
            + ".\n");
    return s.toString();
  }

  private static String describeShapes(List<Row> rows) {
    if (rows.isEmpty()) {
      return "none";
    }
    List<String> parts = new ArrayList<>();
    for (FlopCount.MatmulShape shape : rows.get(0).floor().flop().shapes()) {
      parts.add(shape.name() + " " + shape.describe() + " x" + shape.count());
    }
    return rows.get(0).label() + ": " + String.join(", ", parts);
  }

  static String forwardTable(List<Row> rows) {
    List<String> torchLabels =
        rows.isEmpty() ? List.of() : rows.get(0).torch().stream().map(TorchColumn::label).toList();
    StringBuilder s = new StringBuilder("| model | input | GFLOP | floor ms ");
    s.append("| Java forward + full capture, ms (min / median) | GFLOP/s | x floor ");
    s.append("| Java forward, the window's capture: ms, x floor ");
    for (String t : torchLabels) {
      s.append("| PyTorch eager forward + full capture, ")
          .append(t)
          .append(", ms | GFLOP/s | x floor ");
    }
    s.append("| Java / best PyTorch 2 (min) |\n|---|---:|---:|---:|---:|---:|---:|---:|");
    s.append("---:|---:|---:|".repeat(torchLabels.size())).append("---:|\n");
    for (Row r : rows) {
      double gflop = r.floor().flop().gflop();
      s.append(
          String.format(
              Locale.ROOT,
              "| %s | %d | %.1f | %s | %s | %s (%s) |",
              r.size().label(),
              r.resolution(),
              gflop,
              num(r.floorMs()),
              triple(r.javaFull(), gflop, r.floorMs()),
              r.javaDefault() == null
                  ? "n/a"
                  : ms(r.javaDefault()) + ", " + times(r.javaDefault().minMs() / r.floorMs()),
              r.defaultCapture()));
      for (TorchColumn c : r.torch()) {
        s.append(' ').append(triple(c.forwardCapture(), gflop, r.floorMs())).append(" |");
      }
      double best = r.bestTorch2Ms();
      s.append(' ')
          .append(
              r.javaFull() == null || Double.isNaN(best)
                  ? "n/a"
                  : String.format(Locale.ROOT, "%.2f", r.javaFull().minMs() / best))
          .append(" |\n");
    }
    return s.toString();
  }

  static String requestTable(List<Row> rows) {
    StringBuilder s =
        new StringBuilder(
            "| model | input | capture | floor ms | request → picture: ms (min / median) | x floor "
                + "| forward + capture | analysis before the picture | / forward | first draw "
                + "| after the picture: the rest of the analysis | after the picture: PCA of every "
                + "block |\n"
                + "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (Row r : rows) {
      RequestToPictureBench.Figures f = r.request();
      if (f == null) {
        continue;
      }
      s.append(
          String.format(
              Locale.ROOT,
              "| %s | %d | %s | %s | %s | %s | %s | %s | %.2f | %s | %s | %s |%n",
              r.size().label(),
              r.resolution(),
              f.capture(),
              num(r.floorMs()),
              ms(f.request()),
              times(f.request().minMs() / r.floorMs()),
              ms(f.forward()),
              ms(f.analysis()),
              f.analysis().minMs() / f.forward().minMs(),
              ms(f.draw()),
              ms(f.analysisAfterPicture()),
              ms(f.pcaAfterPicture())));
    }
    return s.toString();
  }

  static String breakdownTable(List<Row> rows) {
    List<Row> with = rows.stream().filter(r -> r.request() != null).toList();
    if (with.isEmpty()) {
      return "";
    }
    List<String> parts = new ArrayList<>(with.get(0).request().analysisParts().keySet());
    StringBuilder s = new StringBuilder("| part (ms, min / median) |");
    with.forEach(r -> s.append(' ').append(r.label()).append(" |"));
    s.append("\n|---|").append("---:|".repeat(with.size())).append('\n');
    for (String part : parts) {
      s.append("| ").append(part).append(" |");
      for (Row r : with) {
        Timing t = r.request().analysisParts().get(part);
        s.append(' ').append(t == null ? "n/a" : ms(t)).append(" |");
      }
      s.append('\n');
    }
    s.append("| **the window's analysis before the first picture** |");
    with.forEach(r -> s.append(' ').append(ms(r.request().analysis())).append(" |"));
    s.append('\n');
    return s.toString();
  }

  static String toggleTable(List<Row> rows) {
    StringBuilder s =
        new StringBuilder(
            "| model | input | forward (request) | TTR on → picture | / forward | swap from L/2 → "
                + "picture (first block) | / forward | switch off → picture |\n"
                + "|---|---:|---:|---:|---:|---:|---:|---:|\n");
    for (Row r : rows) {
      RequestToPictureBench.Figures f = r.request();
      if (f == null) {
        continue;
      }
      double forward = f.forward().minMs();
      s.append(
          String.format(
              Locale.ROOT,
              "| %s | %d | %s | %s | %.2f | %s (%d) | %.2f | %s |%n",
              r.size().label(),
              r.resolution(),
              ms(f.forward()),
              ms(f.ttrOn()),
              f.ttrOn().minMs() / forward,
              ms(f.swapOn()),
              f.swapStartBlock(),
              f.swapOn().minMs() / forward,
              ms(f.off())));
    }
    return s.toString();
  }

  /** One goal: the measured value per size against a limit. */
  record Goal(String text, double limit, Map<String, Double> values) {}

  static String goalsTable(List<Row> rows) {
    List<Goal> goals = goals(rows);
    StringBuilder s = new StringBuilder("| goal | status |\n| --- | --- |\n");
    for (Goal g : goals) {
      s.append("| ").append(g.text()).append(" | ").append(status(g)).append(" |\n");
    }
    return s.toString();
  }

  static List<Goal> goals(List<Row> rows) {
    List<Goal> out = new ArrayList<>();
    out.add(
        goal(
            "forward + capture (the window's capture) ≤ 1.2x floor",
            1.2,
            rows,
            r -> r.javaDefault() == null ? Double.NaN : r.javaDefault().minMs() / r.floorMs()));
    out.add(
        goal(
            "analysis for the first picture ≤ 10 % of the forward",
            0.10,
            rows,
            r ->
                r.request() == null
                    ? Double.NaN
                    : r.request().analysis().minMs() / r.request().forward().minMs()));
    out.add(
        goal(
            "request → picture ≤ 1.4x floor",
            1.4,
            rows,
            r -> r.request() == null ? Double.NaN : r.request().request().minMs() / r.floorMs()));
    out.add(
        goal(
            "forward + full capture ≤ 1.0x PyTorch 2.x eager (its best thread split)",
            1.0,
            rows,
            r -> r.javaFull() == null ? Double.NaN : r.javaFull().minMs() / r.bestTorch2Ms()));
    out.add(
        goal(
            "TTR on → picture ≈ one forward (≤ 1.1x the request's forward)",
            1.1,
            rows,
            r ->
                r.request() == null
                    ? Double.NaN
                    : r.request().ttrOn().minMs() / r.request().forward().minMs()));
    out.add(
        goal(
            "normaliser swap from L/2 → picture ≈ half a forward (≤ 0.6x)",
            0.6,
            rows,
            r ->
                r.request() == null
                    ? Double.NaN
                    : r.request().swapOn().minMs() / r.request().forward().minMs()));
    return out;
  }

  private static Goal goal(String text, double limit, List<Row> rows, ToDoubleFunction<Row> f) {
    Map<String, Double> values = new java.util.LinkedHashMap<>();
    for (Row r : rows) {
      values.put(r.label(), f.applyAsDouble(r));
    }
    return new Goal(text, limit, values);
  }

  /**
   * "met at every size measured (worst 1.05 at ViT-L/14 518)" or the sizes that miss, by how far.
   */
  static String status(Goal g) {
    List<String> missed = new ArrayList<>();
    String worst = null;
    double worstValue = Double.NEGATIVE_INFINITY;
    int measured = 0;
    for (Map.Entry<String, Double> e : g.values().entrySet()) {
      double v = e.getValue();
      if (Double.isNaN(v)) {
        continue;
      }
      measured++;
      if (v > worstValue) {
        worstValue = v;
        worst = e.getKey();
      }
      if (v > g.limit()) {
        missed.add(
            String.format(
                Locale.ROOT, "%s %.2f (%.0f %% over)", e.getKey(), v, 100 * (v / g.limit() - 1)));
      }
    }
    if (measured == 0) {
      return "not measured";
    }
    if (missed.isEmpty()) {
      return String.format(
          Locale.ROOT, "**met** at every size measured (worst %.2f, %s)", worstValue, worst);
    }
    return "**not met** (" + missed.size() + " of " + measured + "): " + String.join("; ", missed);
  }

  private static String triple(Timing t, double gflop, double floorMs) {
    if (t == null) {
      return "n/a |  |";
    }
    return String.format(
        Locale.ROOT, "%s | %.0f | %s", ms(t), gflop * 1000 / t.minMs(), times(t.minMs() / floorMs));
  }

  private static String ms(Timing t) {
    return t == null ? "n/a" : num(t.minMs()) + " / " + num(t.medianMs());
  }

  private static String num(double v) {
    return Double.isNaN(v)
        ? "n/a"
        : v >= 100
            ? String.format(Locale.ROOT, "%.0f", v)
            : String.format(Locale.ROOT, v >= 10 ? "%.1f" : "%.2f", v);
  }

  private static String times(double v) {
    return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.2fx", v);
  }
}
