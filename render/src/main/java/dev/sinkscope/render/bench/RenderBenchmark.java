package dev.sinkscope.render.bench;

import dev.sinkscope.render.Colormaps;
import dev.sinkscope.render.LegendStyle;
import dev.sinkscope.render.Marker;
import dev.sinkscope.render.OutsideCropStyle;
import dev.sinkscope.render.OverlayCompositor;
import dev.sinkscope.render.OverlayLayer;
import dev.sinkscope.render.PreprocessGeometry;
import dev.sinkscope.render.Raster;
import dev.sinkscope.render.ScalarGrid;
import dev.sinkscope.render.Scale;
import dev.sinkscope.render.SmallMultiples;
import dev.sinkscope.render.Upsampling;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.IntSupplier;

/**
 * Times the hot rendering paths on synthetic data and prints a markdown table: an overlay of a
 * 37x37 grid (DINOv2 at 518 px) on a 1024x1024 photo, and a 24-panel layer strip. A benchmark, not
 * a test: numbers depend on the machine, so nothing fails on them.
 *
 * <p>Usage: {@code RenderBenchmark [iterations [warmup]]}, default 50 and 30.
 */
public final class RenderBenchmark {

  /** One timed case; times in milliseconds. */
  public record Result(
      String name, int iterations, double medianMs, double minMs, double maxMs, double targetMs) {
    public boolean meetsTarget() {
      return medianMs < targetMs;
    }
  }

  private static final int PHOTO_SIZE = 1024;
  private static final int GRID = 37;
  private static final int LAYERS = 24;

  private RenderBenchmark() {}

  public static void main(String[] args) {
    System.setProperty("java.awt.headless", "true");
    int iterations = args.length > 0 ? Integer.parseInt(args[0]) : 50;
    int warmup = args.length > 1 ? Integer.parseInt(args[1]) : 30;
    System.out.println(toMarkdown(run(iterations, warmup)));
  }

  public static List<Result> run(int iterations, int warmup) {
    if (iterations <= 0 || warmup < 0) {
      throw new IllegalArgumentException("need iterations > 0 and warmup >= 0");
    }
    Random random = new Random(42);
    Raster photo = syntheticPhoto(random);
    // Shorter side to 592, centre crop 518: like DINOv2 eval preprocessing scaled up, so the
    // outside-crop path runs too.
    PreprocessGeometry geometry =
        PreprocessGeometry.resizeShorterSideCenterCrop(
            PHOTO_SIZE, PHOTO_SIZE, 592, GRID * 14, GRID * 14);
    ScalarGrid norms = syntheticNorms(random);
    Scale scale = Scale.shared(norms);
    Raster target = Raster.transparent(PHOTO_SIZE, PHOTO_SIZE);

    List<Result> results = new ArrayList<>();
    for (Upsampling upsampling : Upsampling.values()) {
      List<OverlayLayer> layers =
          List.of(new OverlayLayer.Heatmap(norms, Colormaps.VIRIDIS, scale, upsampling, 0.6));
      results.add(
          time(
              "overlay 37x37 on 1024x1024, " + name(upsampling),
              iterations,
              warmup,
              5.0,
              () -> {
                OverlayCompositor.composeInto(
                    target, photo, geometry, OutsideCropStyle.DIMMED_HATCHED, layers);
                return target.argb()[PHOTO_SIZE * PHOTO_SIZE / 2];
              }));
    }
    List<OverlayLayer> withMarkers =
        List.of(
            new OverlayLayer.Heatmap(norms, Colormaps.VIRIDIS, scale, Upsampling.NEAREST, 0.6),
            new OverlayLayer.GridLines(GRID, GRID, OverlayLayer.GridLines.DEFAULT_ARGB),
            new OverlayLayer.Markers(
                GRID,
                GRID,
                List.of(
                    Marker.artifact(3, 30, 1), Marker.artifact(20, 5, 2), Marker.sink(12, 12, 1))),
            new OverlayLayer.SelectedPatch(
                GRID, GRID, 18, 18, OverlayLayer.SelectedPatch.DEFAULT_ARGB));
    results.add(
        time(
            "overlay + grid lines + 3 markers + outline",
            iterations,
            warmup,
            5.0,
            () -> {
              OverlayCompositor.composeInto(
                  target, photo, geometry, OutsideCropStyle.DIMMED_HATCHED, withMarkers);
              return target.argb()[PHOTO_SIZE * PHOTO_SIZE / 2];
            }));

    List<ScalarGrid> layerGrids = new ArrayList<>();
    for (int layer = 0; layer < LAYERS; layer++) {
      layerGrids.add(syntheticNorms(random));
    }
    SmallMultiples.Layout layout =
        new SmallMultiples.Layout(148, 148, 8, Upsampling.NEAREST, LegendStyle.LIGHT);
    results.add(
        time(
            "24-panel layer strip (148 px panels, shared scale, legend)",
            iterations,
            warmup,
            50.0,
            () -> {
              Scale shared = Scale.shared(layerGrids.toArray(new ScalarGrid[0]));
              Raster strip =
                  SmallMultiples.layerStrip(
                      "L2 norm per layer",
                      layerGrids,
                      Colormaps.VIRIDIS,
                      shared,
                      "L2 norm",
                      "",
                      layout);
              return strip.argb()[strip.argb().length / 2];
            }));
    return results;
  }

  public static String toMarkdown(List<Result> results) {
    StringBuilder table = new StringBuilder();
    table.append("| case | runs | median ms | min ms | max ms | target ms | meets target |\n");
    table.append("|---|---:|---:|---:|---:|---:|---|\n");
    for (Result r : results) {
      table.append(
          String.format(
              Locale.ROOT,
              "| %s | %d | %.2f | %.2f | %.2f | %.0f | %s |%n",
              r.name(),
              r.iterations(),
              r.medianMs(),
              r.minMs(),
              r.maxMs(),
              r.targetMs(),
              r.meetsTarget() ? "yes" : "no"));
    }
    return table.toString();
  }

  private static String name(Upsampling upsampling) {
    return upsampling.name().toLowerCase(Locale.ROOT);
  }

  private static Result time(
      String name, int iterations, int warmup, double targetMs, IntSupplier work) {
    int sink = 0;
    for (int i = 0; i < warmup; i++) {
      sink += work.getAsInt();
    }
    double[] ms = new double[iterations];
    for (int i = 0; i < iterations; i++) {
      long start = System.nanoTime();
      sink += work.getAsInt();
      ms[i] = (System.nanoTime() - start) / 1e6;
    }
    if (sink == 42) {
      // Consumes the results so the JIT cannot drop the work.
      System.out.print("");
    }
    Arrays.sort(ms);
    double median =
        iterations % 2 == 1
            ? ms[iterations / 2]
            : (ms[iterations / 2 - 1] + ms[iterations / 2]) / 2;
    return new Result(name, iterations, median, ms[0], ms[iterations - 1], targetMs);
  }

  private static Raster syntheticPhoto(Random random) {
    int[] pixels = new int[PHOTO_SIZE * PHOTO_SIZE];
    for (int y = 0; y < PHOTO_SIZE; y++) {
      for (int x = 0; x < PHOTO_SIZE; x++) {
        int noise = random.nextInt(24);
        int r = (x * 255 / PHOTO_SIZE + noise) & 0xFF;
        int g = (y * 255 / PHOTO_SIZE + noise) & 0xFF;
        int b = ((x + y) * 127 / PHOTO_SIZE + noise) & 0xFF;
        pixels[y * PHOTO_SIZE + x] = 0xFF000000 | (r << 16) | (g << 8) | b;
      }
    }
    return new Raster(PHOTO_SIZE, PHOTO_SIZE, pixels);
  }

  /** Norm-like values: mostly around 40, a few artifact tokens near 400. */
  private static ScalarGrid syntheticNorms(Random random) {
    float[] values = new float[GRID * GRID];
    for (int i = 0; i < values.length; i++) {
      values[i] = 40f + 8f * (float) random.nextGaussian();
    }
    for (int k = 0; k < 4; k++) {
      values[random.nextInt(values.length)] = 350f + 50f * random.nextFloat();
    }
    return new ScalarGrid(GRID, GRID, values);
  }
}
