package dev.sinkscope.app.cli;

import dev.sinkscope.app.runtime.RuntimeSettings;
import dev.sinkscope.inference.bench.BenchChart;
import dev.sinkscope.inference.bench.BenchReport;
import dev.sinkscope.inference.bench.GeneratedBlock;
import dev.sinkscope.inference.bench.MachineLoad;
import dev.sinkscope.inference.bench.MatmulFloor;
import dev.sinkscope.inference.bench.RandomCheckpoints;
import dev.sinkscope.inference.bench.Timing;
import dev.sinkscope.inference.bench.TorchInterpreters;
import dev.sinkscope.inference.bench.TorchReference;
import dev.sinkscope.inference.bench.VitSize;
import dev.sinkscope.inference.engine.Precision;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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
 *
 * <p>This class parses the options and runs the sections in order; the sections live beside it
 * ({@link ForwardBench}, {@link ViewSwitchBench}, {@link BenchChildProbes}, {@link
 * SweepThroughputBench}) and {@link BenchMarkdown} writes the report. It stays over 400 lines
 * because its two dozen option declarations, the command's whole interface, take about half.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description =
        "Benchmark inference (Java vs PyTorch eager on the same random weights), toggles, view "
            + "switches, cold start and large-model memory. Writes OUT/benchmarks.md and OUT/benchmarks.png.")
public final class BenchCommand implements Callable<Integer> {
  /** Calibration slowdown around a measurement above which it is repeated. */
  static final double DISTURBED = 1.15;

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
      return new BenchChildProbes(this).probeColdStart();
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

    for (int i = 0; i < 5; i++) {
      MachineLoad.calibrationSlowdown(); // sets the quiet-machine scale before the first wait
    }
    ForwardBench forward =
        new ForwardBench(
            this,
            console,
            matmuls,
            withTorch,
            torch,
            torchBlas,
            chosen,
            splitsByInterpreter,
            floorMeter);
    MatmulFloor.Rate square = null;
    if (sections.contains("forward") && matmuls == Precision.FP32) {
      square = floorMeter.square(2048);
      console.printf(Locale.ROOT, "float32 matmul 2048^2: %.1f GFLOP/s%n", square.gflops());
    }
    forward.run(checkpoints, inputs);
    List<BenchReport.Row> rows = forward.rows;
    List<FloorTables.Row> floorRows = forward.floorRows;
    List<String> fp16Lines = forward.fp16Lines;
    String torchVersion = forward.torchVersion;
    String device = forward.device;

    List<BenchReport.Line> views =
        ViewSwitchBench.run(forward.viewResults, sections.contains("views"));

    List<BenchReport.Line> coldStarts = new ArrayList<>();
    if (coldRuns > 0 && sections.contains("cold")) {
      Path folder = RandomCheckpoints.ensure(checkpoints, VitSize.SMALL, seed);
      Path pixelFile =
          RandomCheckpoints.writePixels(
              inputs.resolve("pixels-224.safetensors"), RandomCheckpoints.pixels(224, seed + 224));
      coldStarts.add(new BenchChildProbes(this).coldStartJava(folder, pixelFile));
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
            : new BenchChildProbes(this).runMemoryProbe(checkpoints);

    List<String> sweepLines =
        sections.contains("sweep") && matmuls == Precision.FP32
            ? new SweepThroughputBench(this)
                .sweepThroughput(console, checkpoints, inputs, torch, withTorch)
            : List.of();
    if (device.isEmpty() && !sweepLines.isEmpty()) {
      device = sweepDevice;
    }
    if (torchVersion.equals("not run")) {
      torchVersion = torch.version();
    }

    String report =
        BenchMarkdown.report(
            this,
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

  /** The device the sweep section ran on. */
  String sweepDevice = "";

  /** The interpreters whose torch the run compares against, main column first. */
  List<TorchInterpreters.Probe> interpreters = List.of();

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

  static String splitB(TorchReference torchBlas) {
    return torchBlas == null
        ? "second split not run (MKL follows torch's threads)"
        : torchBlas.threading();
  }

  static void report(PrintWriter console, String side, int attempt, double slowdown) {
    console.printf(
        Locale.ROOT,
        "  %s measured (attempt %d, calibration slowdown around it %.2f%s)%n",
        side,
        attempt,
        slowdown,
        slowdown < DISTURBED ? "" : ": disturbed");
    console.flush();
  }

  int runs(double estimateMs) {
    int n = (int) Math.ceil(budgetSeconds * 1000 / Math.max(estimateMs, 1));
    return Math.max(minRuns, Math.min(maxRuns, n));
  }

  static String fmt(Timing t) {
    return t == null ? "n/a" : String.format(Locale.ROOT, "%.1f / %.1f", t.minMs(), t.medianMs());
  }
}
