package dev.sinkscope.app.cli;

import dev.sinkscope.inference.bench.InferenceBenchmark;
import dev.sinkscope.inference.bench.MachineLoad;
import dev.sinkscope.inference.bench.RandomCheckpoints;
import dev.sinkscope.inference.bench.SweepBenchmark;
import dev.sinkscope.inference.bench.Timing;
import dev.sinkscope.inference.bench.TorchReference;
import dev.sinkscope.inference.bench.VitSize;
import dev.sinkscope.inference.result.FloatTensor;
import dev.sinkscope.inference.session.ModelSession;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The sweep section of {@code bench}: images per second of a batched sweep against PyTorch. */
final class SweepThroughputBench {

  private final BenchCommand bench;

  SweepThroughputBench(BenchCommand bench) {
    this.bench = bench;
  }

  /**
   * Images per second of an unmitigated sweep (batched pass + analysis of each image) at each batch
   * size, beside PyTorch eager's batched captured pass on the same weights: table rows.
   */
  List<String> sweepThroughput(
      PrintWriter console, Path checkpoints, Path inputs, TorchReference torch, boolean withTorch)
      throws Exception {
    int resolution = 224;
    List<String> lines = new ArrayList<>();
    for (String m : bench.sweepModels) {
      VitSize size = VitSize.parse(m);
      Path folder = RandomCheckpoints.ensure(checkpoints, size, bench.seed);
      Path pixelFile =
          RandomCheckpoints.writePixels(
              inputs.resolve("pixels-" + resolution + ".safetensors"),
              RandomCheckpoints.pixels(resolution, bench.seed + resolution));
      try (ModelSession session = ModelSession.open(folder, bench.common.device)) {
        bench.sweepDevice = session.deviceDescription();
        InferenceBenchmark.warmUp(
            session, RandomCheckpoints.pixels(resolution, bench.seed), 3, 3000, true);
        for (int batch : bench.sweepBatches) {
          String label = size.label() + " " + resolution + " batch " + batch;
          console.println("== sweep " + label);
          console.flush();
          List<FloatTensor> images = SweepBenchmark.images(resolution, batch, bench.seed);
          int runs = Math.max(bench.minRuns, Math.min(bench.maxRuns, 5));
          SweepBenchmark.Figures java = null;
          double slowdownJava = Double.NaN;
          for (int attempt = 1;
              attempt <= bench.retries && !(slowdownJava < BenchCommand.DISTURBED);
              attempt++) {
            double before =
                MachineLoad.awaitQuiet(bench.quietThreshold, bench.quietWaitSeconds * 1000);
            java = SweepBenchmark.run(session, images, 1, runs);
            slowdownJava = Math.max(before, MachineLoad.calibrationSlowdown());
            BenchCommand.report(console, "Java", attempt, slowdownJava);
          }
          Timing reference = null;
          double slowdownTorch = Double.NaN;
          for (int attempt = 1;
              withTorch && attempt <= bench.retries && !(slowdownTorch < BenchCommand.DISTURBED);
              attempt++) {
            double before =
                MachineLoad.awaitQuiet(bench.quietThreshold, bench.quietWaitSeconds * 1000);
            reference = torch.runBatch(folder, pixelFile, 1, runs, batch);
            slowdownTorch = Math.max(before, MachineLoad.calibrationSlowdown());
            BenchCommand.report(
                console, "PyTorch (" + torch.threading() + ")", attempt, slowdownTorch);
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
                      BenchCommand.fmt(java.forwardCapture()),
                      String.format(Locale.ROOT, "%.2f", javaRate),
                      BenchCommand.fmt(java.withAnalysis())
                          + String.format(
                              Locale.ROOT,
                              ", %.2f img/s",
                              java.imagesPerSecond(java.withAnalysis())),
                      BenchCommand.fmt(reference),
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
}
