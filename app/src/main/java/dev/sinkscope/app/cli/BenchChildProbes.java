package dev.sinkscope.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sinkscope.inference.bench.BenchReport;
import dev.sinkscope.inference.bench.MachineLoad;
import dev.sinkscope.inference.bench.MemoryProbe;
import dev.sinkscope.inference.bench.RandomCheckpoints;
import dev.sinkscope.inference.bench.Timing;
import dev.sinkscope.inference.bench.VitSize;
import dev.sinkscope.inference.engine.CancellationToken;
import dev.sinkscope.inference.engine.CaptureOptions;
import dev.sinkscope.inference.engine.Devices;
import dev.sinkscope.inference.engine.ProgressListener;
import dev.sinkscope.inference.result.FloatTensor;
import dev.sinkscope.inference.result.ForwardResult;
import dev.sinkscope.inference.result.TokenLayout;
import dev.sinkscope.inference.session.ModelSession;
import dev.sinkscope.render.Colormaps;
import dev.sinkscope.render.HeatmapRenderer;
import dev.sinkscope.render.Raster;
import dev.sinkscope.render.ScalarGrid;
import dev.sinkscope.render.Scale;
import dev.sinkscope.render.Upsampling;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The parts of {@code bench} that run in a child JVM: cold start (JVM start to first heatmap, both
 * sides of it) and the large model in a small heap.
 */
final class BenchChildProbes {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final BenchCommand bench;

  BenchChildProbes(BenchCommand bench) {
    this.bench = bench;
  }

  /** Starts fresh JVMs that load ViT-S, run one pass and render one heatmap; wall time to exit. */
  BenchReport.Line coldStartJava(Path folder, Path pixelFile)
      throws IOException, InterruptedException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> cmd =
        List.of(
            java,
            "-cp",
            System.getProperty("java.class.path"),
            BenchCommand.class.getName(),
            "--cold-start-probe",
            "--probe-model",
            folder.toString(),
            "--probe-pixels",
            pixelFile.toString(),
            "--threads",
            Integer.toString(bench.common.threads),
            "--device",
            bench.common.device);
    double[] ms = new double[bench.coldRuns];
    JsonNode phases = null;
    for (int i = 0; i < bench.coldRuns; i++) {
      MachineLoad.awaitQuiet(bench.quietThreshold, bench.quietWaitSeconds * 1000);
      long start = System.nanoTime();
      String output = execute(cmd);
      ms[i] = (System.nanoTime() - start) / 1e6;
      phases =
          JSON.readTree(
              output
                  .lines()
                  .filter(l -> l.startsWith("{"))
                  .reduce((a, b) -> b)
                  .orElseThrow(
                      () -> new IOException("cold-start probe printed no result:\n" + output)));
    }
    return new BenchReport.Line(
        "Java: JVM start to first heatmap, ViT-S/14 224",
        Timing.of(ms),
        String.format(
            Locale.ROOT,
            "wall time of a fresh JVM; inside the last one: engine %.0f ms, load %.0f ms, pass %.0f ms, "
                + "heatmap %.1f ms, JVM start to heatmap %.0f ms",
            phases.get("engine_ms").asDouble(),
            phases.get("load_ms").asDouble(),
            phases.get("forward_ms").asDouble(),
            phases.get("render_ms").asDouble(),
            phases.get("jvm_start_to_heatmap_ms").asDouble()));
  }

  /** The child side of {@link #coldStartJava}: what the app does before its first heatmap. */
  int probeColdStart() throws Exception {
    long t0 = System.nanoTime();
    Devices.describe(Devices.resolve(bench.common.device)); // starts the engine
    long t1 = System.nanoTime();
    FloatTensor pixels = dev.sinkscope.app.report.ImageInput.readPixels(bench.probePixels);
    try (ModelSession session = ModelSession.open(bench.probeModel, bench.common.device)) {
      long t2 = System.nanoTime();
      ForwardResult result =
          session.run(
              pixels, CaptureOptions.DEFAULT, CancellationToken.NONE, ProgressListener.NONE);
      long t3 = System.nanoTime();
      TokenLayout layout = result.layout();
      float[] norms = result.block(result.blocks()).tokenNorms();
      float[] patches =
          java.util.Arrays.copyOfRange(
              norms, layout.firstPatchIndex(), layout.firstPatchIndex() + layout.patchCount());
      ScalarGrid grid = new ScalarGrid(layout.gridRows(), layout.gridCols(), patches);
      Raster heatmap =
          HeatmapRenderer.render(
              grid, Colormaps.VIRIDIS, Scale.shared(grid), 448, 448, Upsampling.NEAREST);
      long t4 = System.nanoTime();
      ObjectNode json = JSON.createObjectNode();
      json.put("engine_ms", (t1 - t0) / 1e6);
      json.put("load_ms", (t2 - t1) / 1e6);
      json.put("forward_ms", (t3 - t2) / 1e6);
      json.put("render_ms", (t4 - t3) / 1e6);
      json.put(
          "jvm_start_to_heatmap_ms",
          System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime());
      json.put("pixel", heatmap.argb()[heatmap.argb().length / 2]);
      bench.spec.commandLine().getOut().println(json);
    }
    return 0;
  }

  /** Runs {@link MemoryProbe} in a JVM with {@code -Xmx} = {@link BenchCommand#memoryHeap}. */
  Map<String, String> runMemoryProbe(Path checkpoints) throws IOException, InterruptedException {
    String[] parts = bench.memoryProbe.split(":");
    VitSize size = VitSize.parse(parts[0]);
    int resolution = Integer.parseInt(parts[1]);
    Path folder = RandomCheckpoints.ensure(checkpoints, size, bench.seed);
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> cmd =
        new ArrayList<>(
            List.of(
                java,
                "-Xmx" + bench.memoryHeap,
                "-Dai.djl.offline=true",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"));
    if (bench.common.threads > 0) {
      cmd.add("-Dai.djl.pytorch.num_threads=" + bench.common.threads);
    }
    cmd.addAll(
        List.of(
            "-cp",
            System.getProperty("java.class.path"),
            MemoryProbe.class.getName(),
            folder.toString(),
            Integer.toString(resolution),
            Long.toString(bench.seed + resolution)));
    MachineLoad.awaitQuiet(bench.quietThreshold, bench.quietWaitSeconds * 1000);
    String output = execute(cmd);
    JsonNode json =
        JSON.readTree(
            output
                .lines()
                .filter(l -> l.startsWith("{"))
                .reduce((a, b) -> b)
                .orElseThrow(() -> new IOException("memory probe printed no result:\n" + output)));
    Map<String, String> values = new LinkedHashMap<>();
    values.put(
        "model, input",
        size.label()
            + " "
            + resolution
            + " ("
            + json.get("tokens").asInt()
            + " tokens), -Xmx"
            + bench.memoryHeap);
    json.fields()
        .forEachRemaining(
            e ->
                values.put(
                    e.getKey(),
                    e.getValue().isNumber()
                        ? String.format(Locale.ROOT, "%.1f", e.getValue().asDouble())
                        : e.getValue().asText()));
    return values;
  }

  static String execute(List<String> cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String output;
    try (InputStream in = p.getInputStream()) {
      output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    if (p.waitFor() != 0) {
      throw new IOException("child run failed (" + cmd.get(cmd.size() - 1) + "):\n" + output);
    }
    return output;
  }
}
