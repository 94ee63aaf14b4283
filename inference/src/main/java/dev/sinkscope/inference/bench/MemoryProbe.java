package dev.sinkscope.inference.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sinkscope.inference.analysis.AnalysisOptions;
import dev.sinkscope.inference.analysis.AnalysisReport;
import dev.sinkscope.inference.analysis.Analyzer;
import dev.sinkscope.inference.engine.CancellationToken;
import dev.sinkscope.inference.engine.CaptureOptions;
import dev.sinkscope.inference.engine.ForwardHooks;
import dev.sinkscope.inference.engine.ProgressListener;
import dev.sinkscope.inference.mitigation.MitigationStack;
import dev.sinkscope.inference.mitigation.TestTimeRegisters;
import dev.sinkscope.inference.model.ModelSpec;
import dev.sinkscope.inference.pipeline.CapturedAttention;
import dev.sinkscope.inference.result.FloatTensor;
import dev.sinkscope.inference.result.ForwardResult;
import dev.sinkscope.inference.session.IncrementalRunner;
import dev.sinkscope.inference.session.ModelSession;
import java.nio.file.Path;
import java.util.Map;

/**
 * One analysis session of a large model in a small heap, run in its own JVM (the bench starts it
 * with {@code -Xmx2g}): load, a pass with {@link CaptureOptions#DEFAULT}, the full analysis, an
 * on-demand attention row, the normaliser swap from L/2 and test-time registers through {@link
 * IncrementalRunner}, each switched off again. Prints one JSON line with the timings, the first
 * recomputed block of each toggle, peak RSS and heap.
 *
 * <p>Usage: {@code MemoryProbe MODEL_DIR RESOLUTION [SEED]}.
 */
public final class MemoryProbe {
  private MemoryProbe() {}

  public static void main(String[] args) throws Exception {
    System.setProperty("ai.djl.offline", "true");
    Path model = Path.of(args[0]);
    int resolution = Integer.parseInt(args[1]);
    long seed = args.length > 2 ? Long.parseLong(args[2]) : 7;
    ObjectNode out = new ObjectMapper().createObjectNode();
    FloatTensor pixels = RandomCheckpoints.pixels(resolution, seed);
    long start = System.nanoTime();
    try (ModelSession session = ModelSession.open(model, "cpu")) {
      ModelSpec spec = session.spec();
      out.put("model", spec.summary());
      out.put("load_ms", ms(start));
      IncrementalRunner runner = new IncrementalRunner(session);

      long t = System.nanoTime();
      ForwardResult baseline = toggle(runner, pixels, MitigationStack.NONE);
      out.put("forward_ms", ms(t));
      out.put("tokens", baseline.layout().totalTokens());
      out.put("kept_full_maps", baseline.block(1).attention() != null);
      out.put(
          "full_maps_would_take_mb",
          CaptureOptions.fullMapBytes(
                  spec.numLayers(), spec.numHeads(), baseline.layout().totalTokens())
              / 1e6);

      t = System.nanoTime();
      AnalysisOptions options = AnalysisOptions.defaults();
      AnalysisReport report = Analyzer.analyze(baseline, options);
      out.put("analysis_ms", ms(t));
      out.put(
          "analysis_has_sinks_rollout_cls",
          report.sinks() != null && report.rollout() != null && report.clsAttention() != null);

      CapturedAttention attention =
          new CapturedAttention(session.forward(), baseline, ForwardHooks.NONE);
      t = System.nanoTime();
      attention.clsRow(spec.numLayers(), 0);
      out.put("cls_row_ms", ms(t));
      t = System.nanoTime();
      attention.queryRow(
          spec.numLayers() / 2, spec.numHeads() - 1, baseline.layout().totalTokens() / 2);
      out.put("on_demand_row_ms", ms(t));

      MitigationStack swap = MitigationStack.of(InferenceBenchmark.swapFromMiddle(spec));
      t = System.nanoTime();
      toggle(runner, pixels, swap);
      out.put("swap_toggle_ms", ms(t));
      out.put("swap_first_block", runner.lastStartBlock());
      t = System.nanoTime();
      toggle(runner, pixels, MitigationStack.NONE);
      out.put("swap_off_ms", ms(t));
      out.put("swap_off_first_block", runner.lastStartBlock());

      MitigationStack ttr =
          MitigationStack.of(
              TestTimeRegisters.reference(InferenceBenchmark.middleBlockNeurons(spec)));
      t = System.nanoTime();
      ForwardResult withRegister = toggle(runner, pixels, ttr);
      out.put("ttr_toggle_ms", ms(t));
      out.put("ttr_first_block", runner.lastStartBlock());
      Analyzer.analyze(withRegister, options);
      toggle(runner, pixels, MitigationStack.NONE);
      out.put("ttr_off_first_block", runner.lastStartBlock());

      out.put("heap_max_mb", ProcessMemory.maxHeapBytes() / 1048576.0);
      out.put("heap_peak_mb", ProcessMemory.heapPeakBytes() / 1048576.0);
      out.put("heap_live_mb", ProcessMemory.heapLiveBytes() / 1048576.0);
      for (Map.Entry<String, Long> e : ProcessMemory.status().entrySet()) {
        out.put(e.getKey() + "_mb", e.getValue() / 1024.0);
      }
      out.put("total_ms", ms(start));
    }
    System.out.println(out);
  }

  private static ForwardResult toggle(
      IncrementalRunner runner, FloatTensor pixels, MitigationStack stack) {
    return runner.run(
        pixels, stack, CaptureOptions.DEFAULT, CancellationToken.NONE, ProgressListener.NONE);
  }

  private static double ms(long since) {
    return (System.nanoTime() - since) / 1e6;
  }
}
