package dev.sinkscope.app.cli;

import dev.sinkscope.inference.bench.BenchReport;
import dev.sinkscope.inference.bench.MatmulFloor;
import java.util.List;
import java.util.Map;

/** Assembles {@code benchmarks.md} from the sections a {@code bench} run measured. */
final class BenchMarkdown {

  private BenchMarkdown() {}

  static String report(
      BenchCommand bench,
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
    if (bench.noTorch) {
      s.append("- not run (`--no-torch`)\n");
    } else if (bench.interpreters.isEmpty()) {
      s.append("- none found: no interpreter tried imports torch\n");
    }
    bench.interpreters.forEach(p -> s.append("- ").append(p.describe()).append('\n'));
    if (!bench.noTorch && bench.interpreters.stream().noneMatch(p -> p.major() == 1)) {
      s.append(
          "- torch 1.x (Debian's `python3-torch`, OpenBLAS): not measured in this run (no interpreter "
              + "with torch 1.x found, or left out by --quick or --python)\n");
    }
    s.append('\n');
    s.append(
        "Times in ms as min / median. Before each measurement the run waits for a quiet machine; a fixed "
            + "all-core calibration loop is timed before and after it, and a measurement with a calibration more than "
            + "15 % slower than its fastest run is repeated (up to "
            + bench.retries
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
                  + "FLOP / floor time. The attention products of more than 512 tokens are also timed in "
                  + "bands of 128, 256 and 512 query rows, as the forward computes them (ADR 0025), and "
                  + "the fastest way counts.\n\n")
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
                    + "maps while they fit, summaries above), the analysis the window runs before its first "
                    + "picture (the numerical health check and `Analyzer.firstPicture`: norms, artifact "
                    + "detection, emergence), and the first picture (the last block's patch-norm heatmap "
                    + "over a 1024 px photo, the render module's compositor). What the window computes "
                    + "after the first picture (ADR 0021) — the rest of the analysis (sink scores, massive "
                    + "activations, CLS maps, rollout, the last block's PCA) and then the PCA of every "
                    + "block — is in the last two columns and not part of request → picture. The "
                    + "pipeline's cache is cleared before each request.\n\n")
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
}
