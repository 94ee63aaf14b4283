package dev.sinkscope.app.cli;

import dev.sinkscope.inference.bench.BenchReport;
import dev.sinkscope.inference.bench.FlopCount;
import dev.sinkscope.inference.bench.InferenceBenchmark;
import dev.sinkscope.inference.bench.MachineLoad;
import dev.sinkscope.inference.bench.MatmulFloor;
import dev.sinkscope.inference.bench.RandomCheckpoints;
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
import dev.sinkscope.inference.result.FloatTensor;
import dev.sinkscope.inference.result.ForwardResult;
import dev.sinkscope.inference.session.ModelSession;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The forward section of {@code bench}: forward + capture and the two toggles against PyTorch eager
 * and the matmul floor, for each model and resolution, and the half-precision lines.
 */
final class ForwardBench {

  private final BenchCommand bench;
  private final PrintWriter console;
  private final Precision matmuls;
  private final boolean withTorch;
  private final TorchReference torch;
  private final TorchReference torchBlas;
  private final List<TorchInterpreters.Probe> chosen;
  private final List<List<TorchReference>> splitsByInterpreter;
  private final MatmulFloor floorMeter;

  final List<BenchReport.Row> rows = new ArrayList<>();
  final List<FloorTables.Row> floorRows = new ArrayList<>();
  final List<String> fp16Lines = new ArrayList<>();

  /** Passes kept for the view-switch timings, by label. */
  final Map<String, ForwardResult> viewResults = new LinkedHashMap<>();

  String torchVersion = "not run";
  String device = "";

  ForwardBench(
      BenchCommand bench,
      PrintWriter console,
      Precision matmuls,
      boolean withTorch,
      TorchReference torch,
      TorchReference torchBlas,
      List<TorchInterpreters.Probe> chosen,
      List<List<TorchReference>> splitsByInterpreter,
      MatmulFloor floorMeter) {
    this.bench = bench;
    this.console = console;
    this.matmuls = matmuls;
    this.withTorch = withTorch;
    this.torch = torch;
    this.torchBlas = torchBlas;
    this.chosen = chosen;
    this.splitsByInterpreter = splitsByInterpreter;
    this.floorMeter = floorMeter;
  }

  /** Each --models size at each --resolutions side: Java, the torch columns, floor, request. */
  void run(Path checkpoints, Path inputs) throws Exception {
    for (String m : bench.sections.contains("forward") ? bench.models : List.<String>of()) {
      VitSize size = VitSize.parse(m);
      Path folder = RandomCheckpoints.ensure(checkpoints, size, bench.seed);
      for (int resolution : bench.resolutions) {
        FloatTensor pixels = RandomCheckpoints.pixels(resolution, bench.seed + resolution);
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
        try (ModelSession session = ModelSession.open(folder, bench.common.device)) {
          device = session.deviceDescription();
          int tokens =
              dev.sinkscope.inference.result.TokenLayout.of(session.spec(), resolution, resolution)
                  .totalTokens();
          long fullBytes =
              CaptureOptions.fullMapBytes(
                  session.spec().numLayers(), session.spec().numHeads(), tokens);
          boolean fullFits = Runtime.getRuntime().maxMemory() > 2.5 * fullBytes + (512L << 20);
          double estimate = InferenceBenchmark.warmUp(session, pixels, 3, 5000, fullFits);
          int runs = bench.runs(estimate);
          int warmup = estimate < 1000 ? 2 : 1;
          InferenceBenchmark.Figures java = null;
          double slowdownJava = Double.NaN;
          for (int attempt = 1;
              attempt <= bench.retries && !(slowdownJava < BenchCommand.DISTURBED);
              attempt++) {
            double before =
                MachineLoad.awaitQuiet(bench.quietThreshold, bench.quietWaitSeconds * 1000);
            java = InferenceBenchmark.run(session, pixels, warmup, runs, fullFits);
            slowdownJava = Math.max(before, MachineLoad.calibrationSlowdown());
            BenchCommand.report(console, "Java", attempt, slowdownJava);
          }
          if (bench.sections.contains("views")
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
            Path outputs = bench.out.resolve("torch-out").resolve(size.name() + "-" + resolution);
            for (int attempt = 1;
                attempt <= bench.retries && !(slowdownTorch < BenchCommand.DISTURBED);
                attempt++) {
              double before =
                  MachineLoad.awaitQuiet(bench.quietThreshold, bench.quietWaitSeconds * 1000);
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
              BenchCommand.report(
                  console, "PyTorch (" + torch.threading() + ")", attempt, slowdownTorch);
            }
            double slowdownBlas = Double.NaN;
            for (int attempt = 1;
                torchBlas != null
                    && attempt <= bench.retries
                    && !(slowdownBlas < BenchCommand.DISTURBED);
                attempt++) {
              double before =
                  MachineLoad.awaitQuiet(bench.quietThreshold, bench.quietWaitSeconds * 1000);
              referenceBlas =
                  torchBlas.run(
                      folder,
                      pixelFile,
                      warmup,
                      runs,
                      neuronSpec(java),
                      session.spec().numLayers() / 2,
                      bench.out.resolve("torch-out-blas").resolve(size.name() + "-" + resolution),
                      List.of("forward_capture"));
              slowdownBlas = Math.max(before, MachineLoad.calibrationSlowdown());
              BenchCommand.report(
                  console, "PyTorch (" + torchBlas.threading() + ")", attempt, slowdownBlas);
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
                MachineLoad.awaitQuiet(bench.quietThreshold, bench.quietWaitSeconds * 1000);
                TorchReference.Figures other =
                    split.run(
                        folder,
                        pixelFile,
                        warmup,
                        runs,
                        neuronSpec(java),
                        session.spec().numLayers() / 2,
                        bench.out.resolve("torch-out-" + k).resolve(size.name() + "-" + resolution),
                        List.of("forward_capture"));
                BenchCommand.report(
                    console, chosen.get(k).label() + " (" + split.threading() + ")", 1, 1.0);
                columns.add(
                    new FloorTables.TorchColumn(
                        chosen.get(k).label() + ", " + split.threading(),
                        chosen.get(k).major(),
                        other.forwardCapture()));
              }
            }
          }
          RequestToPictureBench.Figures request = null;
          if (bench.sections.contains("request")) {
            MachineLoad.awaitQuiet(bench.quietThreshold, bench.quietWaitSeconds * 1000);
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
        console.print(
            BenchReport.forwardTable(
                List.of(row), torch.threading(), BenchCommand.splitB(torchBlas)));
        console.print(FloorTables.forwardTable(List.of(floorRow)));
        console.print(FloorTables.requestTable(List.of(floorRow)));
        console.flush();
      }
    }
  }

  /** The neurons InferenceBenchmark toggled, as the script's {@code layer:neuron,...}. */
  static String neuronSpec(InferenceBenchmark.Figures java) {
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

  static double maxAbsDiff(FloatTensor java, float[] reference) {
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
  String halfPrecision(Path folder, FloatTensor pixels, String label) throws Exception {
    try (Checkpoint checkpoint = CheckpointReader.open(folder);
        VitModel model =
            VitModel.load(checkpoint, Devices.resolve(bench.common.device), Precision.FP16)) {
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
      double slowdown = MachineLoad.awaitQuiet(bench.quietThreshold, bench.quietWaitSeconds * 1000);
      Timing[] t =
          InferenceBenchmark.forwardOnly(forward, pixels, 2, bench.runs(estimate), fullFits);
      return String.format(
          Locale.ROOT,
          "| %s | %s | fp16 | %s | %s | %s | %s |",
          label,
          Devices.describe(model.device()),
          BenchCommand.fmt(t[0]),
          BenchCommand.fmt(t[1]),
          BenchCommand.fmt(t[2]),
          MachineLoad.describe(slowdown));
    }
  }
}
