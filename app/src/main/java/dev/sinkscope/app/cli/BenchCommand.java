package dev.sinkscope.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sinkscope.app.runtime.RuntimeSettings;
import dev.sinkscope.inference.analysis.QuerySet;
import dev.sinkscope.inference.bench.BenchChart;
import dev.sinkscope.inference.bench.BenchReport;
import dev.sinkscope.inference.bench.FlopCount;
import dev.sinkscope.inference.bench.GeneratedBlock;
import dev.sinkscope.inference.bench.InferenceBenchmark;
import dev.sinkscope.inference.bench.MachineLoad;
import dev.sinkscope.inference.bench.MatmulFloor;
import dev.sinkscope.inference.bench.MemoryProbe;
import dev.sinkscope.inference.bench.RandomCheckpoints;
import dev.sinkscope.inference.bench.SweepBenchmark;
import dev.sinkscope.inference.bench.Timing;
import dev.sinkscope.inference.bench.TorchInterpreters;
import dev.sinkscope.inference.bench.TorchReference;
import dev.sinkscope.inference.bench.VitSize;
import dev.sinkscope.inference.engine.CancellationToken;
import dev.sinkscope.inference.engine.CaptureOptions;
import dev.sinkscope.inference.engine.Devices;
import dev.sinkscope.inference.engine.ForwardHooks;
import dev.sinkscope.inference.engine.Precision;
import dev.sinkscope.inference.engine.ProgressListener;
import dev.sinkscope.inference.engine.VitForward;
import dev.sinkscope.inference.engine.VitModel;
import dev.sinkscope.inference.model.Checkpoint;
import dev.sinkscope.inference.model.CheckpointReader;
import dev.sinkscope.inference.pipeline.CapturedAttention;
import dev.sinkscope.inference.result.FloatTensor;
import dev.sinkscope.inference.result.ForwardResult;
import dev.sinkscope.inference.result.TokenLayout;
import dev.sinkscope.inference.session.ModelSession;
import dev.sinkscope.render.Colormap;
import dev.sinkscope.render.Colormaps;
import dev.sinkscope.render.HeatmapRenderer;
import dev.sinkscope.render.OutsideCropStyle;
import dev.sinkscope.render.OverlayCompositor;
import dev.sinkscope.render.OverlayLayer;
import dev.sinkscope.render.PreprocessGeometry;
import dev.sinkscope.render.Raster;
import dev.sinkscope.render.ScalarGrid;
import dev.sinkscope.render.Scale;
import dev.sinkscope.render.Upsampling;
import dev.sinkscope.render.bench.RenderBenchmark;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code bench}: times the inference engine against PyTorch eager on the same random weights and
 * input, in one run: forward + capture, the two live toggles, view switches without inference, cold
 * start, and a large model in a 2 GiB heap. Writes {@code benchmarks.md} and a PNG chart. Numbers
 * mean something only on a quiet machine, so each scenario first waits for one.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description =
        "Benchmark inference (Java vs PyTorch eager on the same random weights), toggles, view "
            + "switches, cold start and large-model memory. Writes OUT/benchmarks.md and OUT/benchmarks.png.")
public final class BenchCommand implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A view switch must finish within one 60 Hz frame. */
  private static final double FRAME_MS = 16.0;

  /** Calibration slowdown around a measurement above which it is repeated. */
  private static final double DISTURBED = 1.15;

  @Spec CommandSpec spec;

  @Option(
      names = "--models",
      split = ",",
      defaultValue = "s,b,l",
      paramLabel = "SIZE",
      description =
          "Model sizes: s (384/12/6), b (768/12/12), l (1024/24/16), patch 14. Default: ${DEFAULT-VALUE}.")
  List<String> models;

  @Option(
      names = "--resolutions",
      split = ",",
      defaultValue = "224,518",
      paramLabel = "PX",
      description = "Square input sizes. Default: ${DEFAULT-VALUE}.")
  List<Integer> resolutions;

  @Option(
      names = "--out",
      defaultValue = "bench-out",
      paramLabel = "DIR",
      description = "Where checkpoints, inputs and the report go. Default: ${DEFAULT-VALUE}.")
  Path out;

  @Option(
      names = "--seed",
      defaultValue = "42",
      description = "Seed of the random weights. Default: ${DEFAULT-VALUE}.")
  long seed;

  @Option(
      names = "--python",
      split = ",",
      paramLabel = "EXE",
      description =
          "Python interpreters with torch to compare against (repeatable or a comma list). Default: "
              + "$SINKSCOPE_BENCH_PYTHON, .venv-bench/bin/python, python3 on the PATH, /usr/bin/python3; "
              + "the newest torch 2.x is the main column, a torch 1.x a second one.")
  List<String> python = new ArrayList<>();

  @Option(
      names = "--quick",
      description =
          "A developer's subset in about a minute: ViT-S at 224 (unless --models/--resolutions say "
              + "otherwise), forward and request sections only, few runs, no waiting for a quiet machine.")
  boolean quick;

  @Option(
      names = "--update-docs",
      paramLabel = "FILE",
      description =
          "Also replace the generated block of FILE (e.g. docs/benchmarks.md, between its "
              + "bench:generated markers) with this run's tables; the rest of FILE is kept.")
  Path updateDocs;

  @Option(
      names = "--floor-ms",
      defaultValue = "300",
      paramLabel = "MS",
      description =
          "Timed milliseconds per matrix-product shape of the floor. Default: ${DEFAULT-VALUE}.")
  double floorMillis;

  @Option(
      names = "--script",
      defaultValue = "scripts/bench/torch_reference.py",
      paramLabel = "FILE",
      description = "The PyTorch reference script. Default: ${DEFAULT-VALUE}.")
  Path script;

  @Option(names = "--no-torch", description = "Skip the PyTorch reference.")
  boolean noTorch;

  @Option(
      names = "--budget-s",
      defaultValue = "12",
      paramLabel = "S",
      description = "Timed seconds per scenario; sets the run count. Default: ${DEFAULT-VALUE}.")
  double budgetSeconds;

  @Option(names = "--min-runs", defaultValue = "3", description = "Default: ${DEFAULT-VALUE}.")
  int minRuns;

  @Option(names = "--max-runs", defaultValue = "10", description = "Default: ${DEFAULT-VALUE}.")
  int maxRuns;

  @Option(
      names = "--precision",
      defaultValue = "fp32",
      paramLabel = "P",
      description =
          "fp32, or fp16 (matmuls in half precision; for GPUs; times forward passes only). "
              + "Default: ${DEFAULT-VALUE}.")
  String precision;

  @Option(
      names = "--memory-probe",
      defaultValue = "l:518",
      paramLabel = "SIZE:PX",
      description = "Model and input of the small-heap run, or 'none'. Default: ${DEFAULT-VALUE}.")
  String memoryProbe;

  @Option(
      names = "--memory-heap",
      defaultValue = "2g",
      paramLabel = "XMX",
      description = "-Xmx of the small-heap run. Default: ${DEFAULT-VALUE}.")
  String memoryHeap;

  @Option(
      names = "--cold-runs",
      defaultValue = "3",
      description = "Cold starts per side (0 = skip). Default: ${DEFAULT-VALUE}.")
  int coldRuns;

  @Option(
      names = "--quiet-threshold",
      defaultValue = "0.3",
      paramLabel = "TASKS",
      description =
          "Wait until other runnable tasks average below this (and a calibration loop runs at full "
              + "speed). Default: ${DEFAULT-VALUE}.")
  double quietThreshold;

  @Option(
      names = "--quiet-wait-s",
      defaultValue = "600",
      paramLabel = "S",
      description = "Longest wait for a quiet machine per scenario. Default: ${DEFAULT-VALUE}.")
  long quietWaitSeconds;

  @Option(
      names = "--retries",
      defaultValue = "3",
      description =
          "Measurements per side and model when the machine was disturbed. Default: ${DEFAULT-VALUE}.")
  int retries;

  @Option(
      names = "--cold-start-probe",
      hidden = true,
      description =
          "Internal: load --probe-model, run one pass on --probe-pixels, render a heatmap, print JSON.")
  boolean coldStartProbe;

  @Option(names = "--probe-model", hidden = true)
  Path probeModel;

  @Option(names = "--probe-pixels", hidden = true)
  Path probePixels;

  @Option(
      names = "--sections",
      split = ",",
      defaultValue = "forward,request,views,cold,memory,sweep",
      paramLabel = "NAME",
      description =
          "Parts to run: forward (forward + toggles, the floor), request (request → picture and "
              + "toggle → picture in the window's pipeline; with forward), views, cold, memory, sweep. "
              + "Default: ${DEFAULT-VALUE}.")
  List<String> sections;

  @Option(
      names = "--sweep-models",
      split = ",",
      defaultValue = "s,b",
      paramLabel = "SIZE",
      description = "Model sizes for the sweep throughput, at 224 px. Default: ${DEFAULT-VALUE}.")
  List<String> sweepModels;

  @Option(
      names = "--sweep-batches",
      split = ",",
      defaultValue = "1,4,8",
      paramLabel = "N",
      description = "Batch sizes for the sweep throughput. Default: ${DEFAULT-VALUE}.")
  List<Integer> sweepBatches;

  @Mixin CommonOptions common;

  /**
   * Runs the command without the rest of the CLI (also how the bench starts its cold-start probes).
   */
  public static void main(String[] args) {
    RuntimeSettings.applyDefaults();
    CommandLine cl = new CommandLine(new BenchCommand());
    cl.setExecutionExceptionHandler(new UserErrors());
    System.exit(cl.execute(args));
  }

  @Override
  public Integer call() throws Exception {
    common.apply();
    if (coldStartProbe) {
      return probeColdStart();
    }
    PrintWriter console = spec.commandLine().getOut();
    Precision matmuls = Precision.parse(precision);
    int threads = common.threads > 0 ? common.threads : Runtime.getRuntime().availableProcessors();
    Path checkpoints = out.resolve("models");
    Path inputs = out.resolve("inputs");
    if (quick) {
      applyQuick();
    }
    // Interpreters: the newest torch 2.x is the main column, a torch 1.x the second one.
    List<TorchInterpreters.Probe> chosen = List.of();
    if (!noTorch) {
      List<TorchInterpreters.Probe> probes = new ArrayList<>();
      for (String candidate :
          TorchInterpreters.candidates(
              python, System.getenv(), Path.of(""), TorchInterpreters::onSystemPath)) {
        TorchInterpreters.Probe probe = TorchInterpreters.probe(candidate);
        console.println("python: " + probe.describe());
        probes.add(probe);
      }
      chosen = TorchInterpreters.choose(probes);
      if (quick && chosen.size() > 1) {
        console.println("--quick: only the main interpreter (" + chosen.get(0).label() + ")");
        chosen = chosen.subList(0, 1);
      }
    }
    interpreters = chosen;
    List<List<TorchReference>> splitsByInterpreter = new ArrayList<>();
    for (TorchInterpreters.Probe p : chosen) {
      splitsByInterpreter.add(splits(p, threads));
    }
    // The usual split (torch threads = cores, BLAS single-threaded, no oversubscription) and, for
    // OpenBLAS builds, the split that is faster on small machines (BLAS threads = cores, torch
    // elementwise on 1 thread). MKL follows torch.set_num_threads, so it has one split.
    TorchReference torch =
        splitsByInterpreter.isEmpty()
            ? new TorchReference("/usr/bin/python3", script, threads, 1)
            : splitsByInterpreter.get(0).get(0);
    TorchReference torchBlas =
        splitsByInterpreter.isEmpty() || splitsByInterpreter.get(0).size() < 2
            ? null
            : splitsByInterpreter.get(0).get(1);
    boolean withTorch = !noTorch && matmuls == Precision.FP32 && !chosen.isEmpty();
    if (!noTorch && !withTorch) {
      console.println(
          "note: PyTorch reference skipped ("
              + (matmuls != Precision.FP32 ? "fp16 run" : "no interpreter imports torch")
              + ")");
    }
    MatmulFloor floorMeter = new MatmulFloor(common.device, floorMillis);
    List<FloorTables.Row> floorRows = new ArrayList<>();
    MatmulFloor.Rate square = null;

    for (int i = 0; i < 5; i++) {
      MachineLoad.calibrationSlowdown(); // sets the quiet-machine scale before the first wait
    }
    List<BenchReport.Row> rows = new ArrayList<>();
    List<String> fp16Lines = new ArrayList<>();
    Map<String, ForwardResult> viewResults = new LinkedHashMap<>();
    String torchVersion = "not run";
    String device = "";
    if (sections.contains("forward") && matmuls == Precision.FP32) {
      square = floorMeter.square(2048);
      console.printf(Locale.ROOT, "float32 matmul 2048^2: %.1f GFLOP/s%n", square.gflops());
    }
    for (String m : sections.contains("forward") ? models : List.<String>of()) {
      VitSize size = VitSize.parse(m);
      Path folder = RandomCheckpoints.ensure(checkpoints, size, seed);
      for (int resolution : resolutions) {
        FloatTensor pixels = RandomCheckpoints.pixels(resolution, seed + resolution);
        Path pixelFile =
            RandomCheckpoints.writePixels(
                inputs.resolve("pixels-" + resolution + ".safetensors"), pixels);
        String label = size.label() + " " + resolution;
        console.println("== " + label);
        console.flush();
        if (matmuls == Precision.FP16) {
          fp16Lines.add(halfPrecision(folder, pixels, label));
          continue;
        }
        BenchReport.Row row;
        FloorTables.Row floorRow;
        try (ModelSession session = ModelSession.open(folder, common.device)) {
          device = session.deviceDescription();
          int tokens =
              dev.sinkscope.inference.result.TokenLayout.of(session.spec(), resolution, resolution)
                  .totalTokens();
          long fullBytes =
              CaptureOptions.fullMapBytes(
                  session.spec().numLayers(), session.spec().numHeads(), tokens);
          boolean fullFits = Runtime.getRuntime().maxMemory() > 2.5 * fullBytes + (512L << 20);
          double estimate = InferenceBenchmark.warmUp(session, pixels, 3, 5000, fullFits);
          int runs = runs(estimate);
          int warmup = estimate < 1000 ? 2 : 1;
          InferenceBenchmark.Figures java = null;
          double slowdownJava = Double.NaN;
          for (int attempt = 1; attempt <= retries && !(slowdownJava < DISTURBED); attempt++) {
            double before = MachineLoad.awaitQuiet(quietThreshold, quietWaitSeconds * 1000);
            java = InferenceBenchmark.run(session, pixels, warmup, runs, fullFits);
            slowdownJava = Math.max(before, MachineLoad.calibrationSlowdown());
            report(console, "Java", attempt, slowdownJava);
          }
          if (sections.contains("views")
              && (size == VitSize.SMALL && resolution == 224
                  || size == VitSize.LARGE && resolution == 518)) {
            viewResults.put(
                label,
                session.run(
                    pixels, CaptureOptions.DEFAULT, CancellationToken.NONE, ProgressListener.NONE));
          }
          TorchReference.Figures reference = null;
          TorchReference.Figures referenceBlas = null;
          double slowdownTorch = Double.NaN;
          double[] diff = {Double.NaN, Double.NaN, Double.NaN};
          if (withTorch) {
            Path outputs = out.resolve("torch-out").resolve(size.name() + "-" + resolution);
            for (int attempt = 1; attempt <= retries && !(slowdownTorch < DISTURBED); attempt++) {
              double before = MachineLoad.awaitQuiet(quietThreshold, quietWaitSeconds * 1000);
              reference =
                  torch.run(
                      folder,
                      pixelFile,
                      warmup,
                      runs,
                      neuronSpec(java),
                      session.spec().numLayers() / 2,
                      outputs,
                      List.of("forward_capture", "forward_only", "ttr_toggle", "swap_toggle"));
              slowdownTorch = Math.max(before, MachineLoad.calibrationSlowdown());
              report(console, "PyTorch (" + torch.threading() + ")", attempt, slowdownTorch);
            }
            double slowdownBlas = Double.NaN;
            for (int attempt = 1;
                torchBlas != null && attempt <= retries && !(slowdownBlas < DISTURBED);
                attempt++) {
              double before = MachineLoad.awaitQuiet(quietThreshold, quietWaitSeconds * 1000);
              referenceBlas =
                  torchBlas.run(
                      folder,
                      pixelFile,
                      warmup,
                      runs,
                      neuronSpec(java),
                      session.spec().numLayers() / 2,
                      out.resolve("torch-out-blas").resolve(size.name() + "-" + resolution),
                      List.of("forward_capture"));
              slowdownBlas = Math.max(before, MachineLoad.calibrationSlowdown());
              report(console, "PyTorch (" + torchBlas.threading() + ")", attempt, slowdownBlas);
            }
            if (Double.isNaN(slowdownBlas)) {
              slowdownBlas = slowdownTorch;
            }
            slowdownTorch = Math.max(slowdownTorch, slowdownBlas);
            torchVersion = reference.torchVersion();
            diff =
                new double[] {
                  maxAbsDiff(java.lastPlain(), reference.lastHiddenState("plain")),
                  maxAbsDiff(java.lastTtr(), reference.lastHiddenState("ttr")),
                  maxAbsDiff(java.lastSwap(), reference.lastHiddenState("swap"))
                };
          }
          MatmulFloor.Floor floor = floorMeter.measure(FlopCount.of(size, resolution));
          console.printf(
              Locale.ROOT,
              "  floor: %.1f GFLOP in %.1f ms (%.1f GFLOP/s on the model's shapes)%n",
              floor.flop().gflop(),
              floor.floorMs(),
              floor.gflops());
          List<FloorTables.TorchColumn> columns = new ArrayList<>();
          if (withTorch) {
            int major = chosen.get(0).major();
            columns.add(
                new FloorTables.TorchColumn(
                    chosen.get(0).label() + ", " + torch.threading(),
                    major,
                    reference.forwardCapture()));
            if (referenceBlas != null) {
              columns.add(
                  new FloorTables.TorchColumn(
                      chosen.get(0).label() + ", " + torchBlas.threading(),
                      major,
                      referenceBlas.forwardCapture()));
            }
            for (int k = 1; k < chosen.size(); k++) {
              for (TorchReference split : splitsByInterpreter.get(k)) {
                MachineLoad.awaitQuiet(quietThreshold, quietWaitSeconds * 1000);
                TorchReference.Figures other =
                    split.run(
                        folder,
                        pixelFile,
                        warmup,
                        runs,
                        neuronSpec(java),
                        session.spec().numLayers() / 2,
                        out.resolve("torch-out-" + k).resolve(size.name() + "-" + resolution),
                        List.of("forward_capture"));
                report(console, chosen.get(k).label() + " (" + split.threading() + ")", 1, 1.0);
                columns.add(
                    new FloorTables.TorchColumn(
                        chosen.get(k).label() + ", " + split.threading(),
                        chosen.get(k).major(),
                        other.forwardCapture()));
              }
            }
          }
          RequestToPictureBench.Figures request = null;
          if (sections.contains("request")) {
            MachineLoad.awaitQuiet(quietThreshold, quietWaitSeconds * 1000);
            request = RequestToPictureBench.run(session, pixels, 1, Math.max(2, runs / 2));
            console.println("  request → picture measured");
          }
          floorRow =
              new FloorTables.Row(
                  size,
                  resolution,
                  tokens,
                  floor,
                  java.forwardFullCapture(),
                  java.forwardDefaultCapture(),
                  java.defaultMode().name().toLowerCase(Locale.ROOT),
                  columns,
                  request);
          row =
              new BenchReport.Row(
                  size,
                  resolution,
                  tokens,
                  java,
                  reference,
                  referenceBlas,
                  diff,
                  slowdownJava,
                  slowdownTorch);
        }
        rows.add(row);
        floorRows.add(floorRow);
        console.print(BenchReport.forwardTable(List.of(row), torch.threading(), splitB(torchBlas)));
        console.print(FloorTables.forwardTable(List.of(floorRow)));
        console.print(FloorTables.requestTable(List.of(floorRow)));
        console.flush();
      }
    }

    List<BenchReport.Line> views = new ArrayList<>();
    viewResults.forEach((label, result) -> views.add(viewSwitches(label, result)));
    for (RenderBenchmark.Result r :
        sections.contains("views")
            ? RenderBenchmark.run(30, 20)
            : List.<RenderBenchmark.Result>of()) {
      views.add(
          new BenchReport.Line(
              "render: " + r.name(),
              new Timing(r.minMs(), r.medianMs(), r.iterations()),
              String.format(
                  Locale.ROOT,
                  "max %.2f ms; render module target %.0f ms",
                  r.maxMs(),
                  r.targetMs())));
    }

    List<BenchReport.Line> coldStarts = new ArrayList<>();
    if (coldRuns > 0 && sections.contains("cold")) {
      Path folder = RandomCheckpoints.ensure(checkpoints, VitSize.SMALL, seed);
      Path pixelFile =
          RandomCheckpoints.writePixels(
              inputs.resolve("pixels-224.safetensors"), RandomCheckpoints.pixels(224, seed + 224));
      coldStarts.add(coldStartJava(folder, pixelFile));
      if (withTorch) {
        double[] ms = new double[coldRuns];
        for (int i = 0; i < coldRuns; i++) {
          MachineLoad.awaitQuiet(quietThreshold, quietWaitSeconds * 1000);
          ms[i] = torch.coldStartMillis(folder, pixelFile);
        }
        coldStarts.add(
            new BenchReport.Line(
                "PyTorch eager: interpreter start to first captured pass, ViT-S/14 224",
                Timing.of(ms),
                "wall time of a fresh python3 (import torch, read weights, one pass with capture; "
                    + torch.threading()
                    + ")"));
      }
    }

    Map<String, String> memory =
        memoryProbe.equalsIgnoreCase("none") || !sections.contains("memory")
            ? Map.of()
            : runMemoryProbe(checkpoints);

    List<String> sweepLines =
        sections.contains("sweep") && matmuls == Precision.FP32
            ? sweepThroughput(console, checkpoints, inputs, torch, withTorch)
            : List.of();
    if (device.isEmpty() && !sweepLines.isEmpty()) {
      device = sweepDevice;
    }
    if (torchVersion.equals("not run")) {
      torchVersion = torch.version();
    }

    String report =
        report(
            rows,
            fp16Lines,
            views,
            coldStarts,
            memory,
            sweepLines,
            torchVersion,
            device,
            torch.threading(),
            splitB(torchBlas),
            floorRows,
            square);
    Files.createDirectories(out);
    Files.writeString(out.resolve("benchmarks.md"), report, StandardCharsets.UTF_8);
    if (updateDocs != null) {
      String doc = Files.readString(updateDocs, StandardCharsets.UTF_8);
      String body = report.substring(report.indexOf("\n\n") + 2).replace("\n## ", "\n### ");
      Files.writeString(updateDocs, GeneratedBlock.replace(doc, body), StandardCharsets.UTF_8);
      console.println("updated the generated block of " + updateDocs);
    }
    if (!rows.isEmpty() && withTorch) {
      BenchChart.write(
          out.resolve("benchmarks.png"),
          "Java (DJL) vs PyTorch eager, CPU, same weights and input",
          BenchReport.chartGroups(rows),
          List.of(
              "forward + full capture vs " + torch.threading(),
              "forward + full capture vs " + splitB(torchBlas),
              "TTR toggle",
              "normaliser swap from L/2"),
          BenchReport.chartRatios(rows));
    }
    console.println();
    console.println(report);
    console.println(
        "written: "
            + out.resolve("benchmarks.md")
            + (withTorch ? ", " + out.resolve("benchmarks.png") : ""));
    return 0;
  }

  private String sweepDevice = "";

  /** The interpreters whose torch the run compares against, main column first. */
  private List<TorchInterpreters.Probe> interpreters = List.of();

  /** --quick: a small subset that runs in about a minute. */
  private void applyQuick() {
    CommandLine.ParseResult parsed = spec.commandLine().getParseResult();
    if (parsed == null || !parsed.hasMatchedOption("--models")) {
      models = List.of("s");
    }
    if (parsed == null || !parsed.hasMatchedOption("--resolutions")) {
      resolutions = List.of(224);
    }
    if (parsed == null || !parsed.hasMatchedOption("--sections")) {
      sections = List.of("forward", "request");
    }
    budgetSeconds = Math.min(budgetSeconds, 2);
    minRuns = Math.min(minRuns, 2);
    maxRuns = Math.min(maxRuns, 3);
    retries = 1;
    quietWaitSeconds = 0;
    floorMillis = Math.min(floorMillis, 100);
  }

  /** The thread splits worth measuring for one interpreter's torch. */
  private List<TorchReference> splits(TorchInterpreters.Probe probe, int threads) {
    if (probe.blasFollowsTorchThreads() || threads == 1) {
      return List.of(new TorchReference(probe.python(), script, threads, 1, probe.blasName()));
    }
    return List.of(
        new TorchReference(probe.python(), script, threads, 1, probe.blasName()),
        new TorchReference(probe.python(), script, 1, threads, probe.blasName()));
  }

  private static String splitB(TorchReference torchBlas) {
    return torchBlas == null
        ? "second split not run (MKL follows torch's threads)"
        : torchBlas.threading();
  }

  /**
   * Images per second of an unmitigated sweep (batched pass + analysis of each image) at each batch
   * size, beside PyTorch eager's batched captured pass on the same weights: table rows.
   */
  private List<String> sweepThroughput(
      PrintWriter console, Path checkpoints, Path inputs, TorchReference torch, boolean withTorch)
      throws Exception {
    int resolution = 224;
    List<String> lines = new ArrayList<>();
    for (String m : sweepModels) {
      VitSize size = VitSize.parse(m);
      Path folder = RandomCheckpoints.ensure(checkpoints, size, seed);
      Path pixelFile =
          RandomCheckpoints.writePixels(
              inputs.resolve("pixels-" + resolution + ".safetensors"),
              RandomCheckpoints.pixels(resolution, seed + resolution));
      try (ModelSession session = ModelSession.open(folder, common.device)) {
        sweepDevice = session.deviceDescription();
        InferenceBenchmark.warmUp(
            session, RandomCheckpoints.pixels(resolution, seed), 3, 3000, true);
        for (int batch : sweepBatches) {
          String label = size.label() + " " + resolution + " batch " + batch;
          console.println("== sweep " + label);
          console.flush();
          List<FloatTensor> images = SweepBenchmark.images(resolution, batch, seed);
          int runs = Math.max(minRuns, Math.min(maxRuns, 5));
          SweepBenchmark.Figures java = null;
          double slowdownJava = Double.NaN;
          for (int attempt = 1; attempt <= retries && !(slowdownJava < DISTURBED); attempt++) {
            double before = MachineLoad.awaitQuiet(quietThreshold, quietWaitSeconds * 1000);
            java = SweepBenchmark.run(session, images, 1, runs);
            slowdownJava = Math.max(before, MachineLoad.calibrationSlowdown());
            report(console, "Java", attempt, slowdownJava);
          }
          Timing reference = null;
          double slowdownTorch = Double.NaN;
          for (int attempt = 1;
              withTorch && attempt <= retries && !(slowdownTorch < DISTURBED);
              attempt++) {
            double before = MachineLoad.awaitQuiet(quietThreshold, quietWaitSeconds * 1000);
            reference = torch.runBatch(folder, pixelFile, 1, runs, batch);
            slowdownTorch = Math.max(before, MachineLoad.calibrationSlowdown());
            report(console, "PyTorch (" + torch.threading() + ")", attempt, slowdownTorch);
          }
          double javaRate = java.imagesPerSecond(java.forwardCapture());
          String torchRate =
              reference == null
                  ? "n/a"
                  : String.format(Locale.ROOT, "%.2f", batch * 1000.0 / reference.medianMs());
          String ratio =
              reference == null
                  ? "n/a"
                  : String.format(
                      Locale.ROOT, "%.2f", java.forwardCapture().medianMs() / reference.medianMs());
          String line =
              String.join(
                      " | ",
                      "",
                      size.label(),
                      Integer.toString(resolution),
                      Integer.toString(batch),
                      fmt(java.forwardCapture()),
                      String.format(Locale.ROOT, "%.2f", javaRate),
                      fmt(java.withAnalysis())
                          + String.format(
                              Locale.ROOT,
                              ", %.2f img/s",
                              java.imagesPerSecond(java.withAnalysis())),
                      fmt(reference),
                      torchRate,
                      ratio,
                      String.format(
                          Locale.ROOT,
                          "%.2f / %s",
                          slowdownJava,
                          Double.isNaN(slowdownTorch)
                              ? "n/a"
                              : String.format(Locale.ROOT, "%.2f", slowdownTorch)),
                      "")
                  .trim();
          lines.add(line);
          console.println(line);
          console.flush();
        }
      }
    }
    return lines;
  }

  private static void report(PrintWriter console, String side, int attempt, double slowdown) {
    console.printf(
        Locale.ROOT,
        "  %s measured (attempt %d, calibration slowdown around it %.2f%s)%n",
        side,
        attempt,
        slowdown,
        slowdown < DISTURBED ? "" : ": disturbed");
    console.flush();
  }

  private int runs(double estimateMs) {
    int n = (int) Math.ceil(budgetSeconds * 1000 / Math.max(estimateMs, 1));
    return Math.max(minRuns, Math.min(maxRuns, n));
  }

  /** The neurons InferenceBenchmark toggled, as the script's {@code layer:neuron,...}. */
  private static String neuronSpec(InferenceBenchmark.Figures java) {
    StringBuilder s = new StringBuilder();
    java.neurons()
        .neurons()
        .forEach(
            n ->
                s.append(s.length() == 0 ? "" : ",")
                    .append(n.layer())
                    .append(':')
                    .append(n.neuron()));
    return s.toString();
  }

  private static double maxAbsDiff(FloatTensor java, float[] reference) {
    if (java == null || reference == null || reference.length != java.size()) {
      return Double.NaN;
    }
    double worst = 0;
    float[] a = java.data();
    for (int i = 0; i < a.length; i++) {
      worst = Math.max(worst, Math.abs(a[i] - reference[i]));
    }
    return worst;
  }

  /** Forward passes in half precision (meant for a GPU): one table line. */
  private String halfPrecision(Path folder, FloatTensor pixels, String label) throws Exception {
    try (Checkpoint checkpoint = CheckpointReader.open(folder);
        VitModel model =
            VitModel.load(checkpoint, Devices.resolve(common.device), Precision.FP16)) {
      VitForward forward = new VitForward(model);
      long start = System.nanoTime();
      forward.run(
          pixels,
          ForwardHooks.NONE,
          CaptureOptions.DEFAULT,
          CancellationToken.NONE,
          ProgressListener.NONE);
      double estimate = (System.nanoTime() - start) / 1e6;
      int tokens =
          dev.sinkscope.inference.result.TokenLayout.of(model.spec(), pixels.dim(2), pixels.dim(3))
              .totalTokens();
      boolean fullFits =
          Runtime.getRuntime().maxMemory()
              > 2.5
                      * CaptureOptions.fullMapBytes(
                          model.spec().numLayers(), model.spec().numHeads(), tokens)
                  + (512L << 20);
      double slowdown = MachineLoad.awaitQuiet(quietThreshold, quietWaitSeconds * 1000);
      Timing[] t = InferenceBenchmark.forwardOnly(forward, pixels, 2, runs(estimate), fullFits);
      return String.format(
          Locale.ROOT,
          "| %s | %s | fp16 | %s | %s | %s | %s |",
          label,
          Devices.describe(model.device()),
          fmt(t[0]),
          fmt(t[1]),
          fmt(t[2]),
          MachineLoad.describe(slowdown));
    }
  }

  /**
   * What the app does when the user changes layer, head, quantity or colormap: pick a {@code [T]}
   * vector from the kept result (no inference), make the patch grid, and composite it over a 1024 x
   * 1024 photo. Cycles through all four kinds of change.
   */
  private static BenchReport.Line viewSwitches(String label, ForwardResult result) {
    TokenLayout layout = result.layout();
    int rows = layout.gridRows();
    int cols = layout.gridCols();
    int heads = result.spec().numHeads();
    int blocks = result.blocks();
    int photo = 1024;
    Raster base = Raster.filled(photo, photo, 0xFF808080);
    Raster target = Raster.transparent(photo, photo);
    // as DINOv2 eval preprocessing: shorter side to 256/224 of the crop, centre crop
    PreprocessGeometry geometry =
        PreprocessGeometry.resizeShorterSideCenterCrop(
            photo, photo, (int) Math.round(rows * 14 * 256 / 224.0), rows * 14, cols * 14);
    CapturedAttention attention = new CapturedAttention(null, result, ForwardHooks.NONE);
    Colormap[] colormaps = {Colormaps.VIRIDIS, Colormaps.MAGMA, Colormaps.TURBO, Colormaps.GRAY};
    int iterations = 200;
    double[] ms = new double[iterations];
    for (int i = -20; i < iterations; i++) {
      long start = System.nanoTime();
      int block = 1 + Math.floorMod(i * 7, blocks);
      int head = Math.floorMod(i * 3, heads);
      float[] tokens =
          switch (Math.floorMod(i, 4)) {
            case 0 -> attention.clsRow(block, head);
            case 1 -> attention.received(block, head, QuerySet.ALL);
            case 2 -> attention.rowSums(block, head);
            default -> result.block(block).tokenNorms();
          };
      float[] patches = new float[rows * cols];
      System.arraycopy(tokens, layout.firstPatchIndex(), patches, 0, patches.length);
      ScalarGrid grid = new ScalarGrid(rows, cols, patches);
      List<OverlayLayer> layers =
          List.of(
              new OverlayLayer.Heatmap(
                  grid,
                  colormaps[Math.floorMod(i, colormaps.length)],
                  Scale.shared(grid),
                  Upsampling.NEAREST,
                  0.6));
      OverlayCompositor.composeInto(
          target, base, geometry, OutsideCropStyle.DIMMED_HATCHED, layers);
      if (i >= 0) {
        ms[i] = (System.nanoTime() - start) / 1e6;
      }
    }
    Timing t = Timing.of(ms);
    double max = java.util.Arrays.stream(ms).max().orElse(Double.NaN);
    boolean summaries = result.block(1).attention() == null;
    return new BenchReport.Line(
        "switch layer/head/quantity/colormap, "
            + label
            + " ("
            + (summaries ? "summary capture" : "full maps")
            + "), 1024 px overlay",
        t,
        String.format(
            Locale.ROOT,
            "max %.2f ms; goal < %.0f ms: %s; no inference",
            max,
            FRAME_MS,
            max < FRAME_MS ? "met" : t.medianMs() < FRAME_MS ? "met at the median" : "not met"));
  }

  /** Starts fresh JVMs that load ViT-S, run one pass and render one heatmap; wall time to exit. */
  private BenchReport.Line coldStartJava(Path folder, Path pixelFile)
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
            Integer.toString(common.threads),
            "--device",
            common.device);
    double[] ms = new double[coldRuns];
    JsonNode phases = null;
    for (int i = 0; i < coldRuns; i++) {
      MachineLoad.awaitQuiet(quietThreshold, quietWaitSeconds * 1000);
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
  private int probeColdStart() throws Exception {
    long t0 = System.nanoTime();
    Devices.describe(Devices.resolve(common.device)); // starts the engine
    long t1 = System.nanoTime();
    FloatTensor pixels = dev.sinkscope.app.report.ImageInput.readPixels(probePixels);
    try (ModelSession session = ModelSession.open(probeModel, common.device)) {
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
      spec.commandLine().getOut().println(json);
    }
    return 0;
  }

  /** Runs {@link MemoryProbe} in a JVM with {@code -Xmx} = {@link #memoryHeap}. */
  private Map<String, String> runMemoryProbe(Path checkpoints)
      throws IOException, InterruptedException {
    String[] parts = memoryProbe.split(":");
    VitSize size = VitSize.parse(parts[0]);
    int resolution = Integer.parseInt(parts[1]);
    Path folder = RandomCheckpoints.ensure(checkpoints, size, seed);
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> cmd =
        new ArrayList<>(
            List.of(
                java,
                "-Xmx" + memoryHeap,
                "-Dai.djl.offline=true",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"));
    if (common.threads > 0) {
      cmd.add("-Dai.djl.pytorch.num_threads=" + common.threads);
    }
    cmd.addAll(
        List.of(
            "-cp",
            System.getProperty("java.class.path"),
            MemoryProbe.class.getName(),
            folder.toString(),
            Integer.toString(resolution),
            Long.toString(seed + resolution)));
    MachineLoad.awaitQuiet(quietThreshold, quietWaitSeconds * 1000);
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
            + memoryHeap);
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

  private static String execute(List<String> cmd) throws IOException, InterruptedException {
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

  private String report(
      List<BenchReport.Row> rows,
      List<String> fp16Lines,
      List<BenchReport.Line> views,
      List<BenchReport.Line> coldStarts,
      Map<String, String> memory,
      List<String> sweepLines,
      String torchVersion,
      String device,
      String splitA,
      String splitB,
      List<FloorTables.Row> floorRows,
      MatmulFloor.Rate square) {
    StringBuilder s = new StringBuilder("# Benchmark run\n\n");
    s.append("Machine: ").append(BenchReport.machine(torchVersion, device)).append(".\n\n");
    s.append("PyTorch eager interpreters (main column first):\n\n");
    if (noTorch) {
      s.append("- not run (`--no-torch`)\n");
    } else if (interpreters.isEmpty()) {
      s.append("- none found: no interpreter tried imports torch\n");
    }
    interpreters.forEach(p -> s.append("- ").append(p.describe()).append('\n'));
    if (!noTorch && interpreters.stream().noneMatch(p -> p.major() == 1)) {
      s.append(
          "- torch 1.x (Debian's `python3-torch`, OpenBLAS): not measured in this run (no interpreter "
              + "with torch 1.x found, or left out by --quick or --python)\n");
    }
    s.append('\n');
    s.append(
        "Times in ms as min / median. Before each measurement the run waits for a quiet machine; a fixed "
            + "all-core calibration loop is timed before and after it, and a measurement with a calibration more than "
            + "15 % slower than its fastest run is repeated (up to "
            + retries
            + " times). 'Slowdown around' is the worse "
            + "of the two calibrations of the kept measurement (1.00 = quiet). Ratios (x floor, Java / "
            + "PyTorch) use the min of each side.\n\n");
    if (!floorRows.isEmpty()) {
      s.append("## The floor: float32 matrix products of the engine\n\n")
          .append(
              "FLOP per pass = patch embedding 2·N·(3·P²)·D + per block (2·T·D·3D qkv + 2·T·D·D proj "
                  + "+ 2·T·D·4D fc1 + 2·T·4D·D fc2 + 2·T²·D QK^T + 2·T²·D AV) = 6·N·P²·D + L·(24·T·D² + "
                  + "4·T²·D), a multiply-add counted as 2 FLOP; LayerNorm, softmax, GELU, biases and "
                  + "residual additions are left out. The floor time is every product of the pass timed "
                  + "on its own shape with the engine's libtorch, float32, in this process with the "
                  + "engine's threads (fastest of several runs after a warm-up), summed; floor GFLOP/s = "
                  + "FLOP / floor time.\n\n")
          .append(FloorTables.rateTable(floorRows, square))
          .append('\n');
      s.append("## Forward + capture against the floor and PyTorch eager\n\n")
          .append(FloorTables.forwardTable(floorRows))
          .append('\n');
      if (floorRows.stream().anyMatch(r -> r.request() != null)) {
        s.append("## Request → picture\n\n")
            .append(
                "What the window does after the model is open and the photo preprocessed, through "
                    + "`InspectionPipeline` (ADR 0015): the pass with the window's capture choice (AUTO: full "
                    + "maps while they fit, summaries above), the analysis step the window runs (`analyse` with "
                    + "default options, then PCA of every block), and the first picture (the last block's "
                    + "patch-norm heatmap over a 1024 px photo, the render module's compositor). The pipeline's "
                    + "cache is cleared before each request.\n\n")
            .append(FloorTables.requestTable(floorRows))
            .append('\n');
        s.append("### Where the analysis time goes\n\n")
            .append(
                "Each part timed on its own by calling the pieces the analyser calls, the same way, on "
                    + "the same pass; parts overlap (detection includes the norm statistics) and do not "
                    + "add up exactly to the whole step.\n\n")
            .append(FloorTables.breakdownTable(floorRows))
            .append('\n');
        s.append("## Toggle → picture\n\n")
            .append(
                "From the shown pass to the next picture through the same pipeline: pass (resumed from "
                    + "the first changed block), analysis and first draw. TTR on recomputes every block "
                    + "(the register is attended to from block 0); the swap resumes at block L/2; switching "
                    + "off returns the cached baseline and redoes the analysis and the draw.\n\n")
            .append(FloorTables.toggleTable(floorRows))
            .append('\n');
      }
      s.append("## Goals (request to picture)\n\n")
          .append(FloorTables.goalsTable(floorRows))
          .append('\n');
    }
    if (!rows.isEmpty()) {
      s.append("## Forward + capture\n\n")
          .append(BenchReport.forwardTable(rows, splitA, splitB))
          .append('\n');
      s.append("## Toggle to result (PyTorch: " + splitA + ")\n\n")
          .append(BenchReport.toggleTable(rows))
          .append('\n');
    }
    if (!fp16Lines.isEmpty()) {
      s.append(
          "## Half precision\n\n| model | device | precision | full capture | DEFAULT capture | residual only "
              + "| slowdown before |\n|---|---|---|---:|---:|---:|---:|\n");
      fp16Lines.forEach(l -> s.append(l).append('\n'));
      s.append('\n');
    }
    if (!views.isEmpty()) {
      s.append("## View switches and rendering (no inference)\n\n")
          .append(BenchReport.lineTable("case", views))
          .append('\n');
    }
    if (!coldStarts.isEmpty()) {
      s.append("## Cold start\n\n").append(BenchReport.lineTable("case", coldStarts)).append('\n');
    }
    if (!memory.isEmpty()) {
      s.append("## Large model in a small heap\n\n")
          .append(BenchReport.keyValueTable(memory))
          .append('\n');
    }
    if (!sweepLines.isEmpty()) {
      s.append("## Sweep throughput (unmitigated, metrics capture, one batched pass per batch)\n\n")
          .append(
              "Java: one batched pass keeping the residual stream and the attention summaries a metrics table "
                  + "needs (copied to the host), then the metrics analysis of each image, as `sweep` runs. PyTorch eager: "
                  + "one batched pass that keeps every hidden state and attention map (kept as tensors, no copy). "
                  + "Image decoding is not included (the same for any batch size). Ratio = Java pass / PyTorch pass, "
                  + "by median.\n\n")
          .append(
              "| model | input | batch | Java pass + capture (ms per batch) | Java img/s | Java pass + analysis of "
                  + "each image (ms per batch), img/s | PyTorch eager pass ("
                  + splitA
                  + ", ms per batch) "
                  + "| PyTorch img/s | ratio (median) | slowdown around (Java / torch) |\n")
          .append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
      sweepLines.forEach(l -> s.append(l).append('\n'));
      s.append('\n');
    }
    return s.toString();
  }

  private static String fmt(Timing t) {
    return t == null ? "n/a" : String.format(Locale.ROOT, "%.1f / %.1f", t.minMs(), t.medianMs());
  }
}
