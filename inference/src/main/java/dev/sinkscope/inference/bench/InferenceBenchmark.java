package dev.sinkscope.inference.bench;

import dev.sinkscope.inference.engine.AttentionCapture;
import dev.sinkscope.inference.engine.CancellationToken;
import dev.sinkscope.inference.engine.CaptureOptions;
import dev.sinkscope.inference.engine.ForwardHooks;
import dev.sinkscope.inference.engine.ProgressListener;
import dev.sinkscope.inference.engine.VitForward;
import dev.sinkscope.inference.mitigation.AttentionNormalizer;
import dev.sinkscope.inference.mitigation.BlockRange;
import dev.sinkscope.inference.mitigation.MitigationStack;
import dev.sinkscope.inference.mitigation.NeuronMap;
import dev.sinkscope.inference.mitigation.TestTimeRegisters;
import dev.sinkscope.inference.model.ModelSpec;
import dev.sinkscope.inference.result.FloatTensor;
import dev.sinkscope.inference.result.ForwardResult;
import dev.sinkscope.inference.session.IncrementalRunner;
import dev.sinkscope.inference.session.ModelSession;
import java.util.ArrayList;
import java.util.List;

/**
 * The inference side of the benchmark on one opened model and one input: full passes in each
 * capture mode, and the toggle-to-result latency of the two live mitigations through {@link
 * IncrementalRunner}, as the app drives them. A benchmark, not a test: nothing fails on the
 * numbers.
 */
public final class InferenceBenchmark {

  /**
   * What was measured.
   *
   * @param forwardFullCapture pass keeping every hidden state and every full attention map
   * @param forwardDefaultCapture pass with {@link CaptureOptions#DEFAULT} (full maps or summaries
   *     by size)
   * @param defaultMode what DEFAULT resolved to for this model and input
   * @param forwardResidualOnly pass keeping only the residual stream
   * @param ttrToggle switching test-time registers on (recomputes from block 0)
   * @param ttrStartBlock first block the TTR toggle recomputed (0-based)
   * @param swapToggle switching sigmoid attention on for blocks L/2..L-1
   * @param swapStartBlock first block the swap recomputed (0-based; L/2 when incremental)
   * @param switchOff switching either back off (the cached baseline, no inference)
   * @param blockRecompute recomputing one dropped block map on demand (summary mode)
   * @param neurons the register neurons used
   * @param lastPlain {@code last_hidden_state} of the plain pass, for the cross-check
   * @param lastTtr the same with test-time registers
   * @param lastSwap the same with the sigmoid swap
   */
  public record Figures(
      Timing forwardFullCapture,
      Timing forwardDefaultCapture,
      AttentionCapture defaultMode,
      Timing forwardResidualOnly,
      Timing ttrToggle,
      int ttrStartBlock,
      Timing swapToggle,
      int swapStartBlock,
      Timing switchOff,
      Timing blockRecompute,
      NeuronMap neurons,
      FloatTensor lastPlain,
      FloatTensor lastTtr,
      FloatTensor lastSwap) {}

  private InferenceBenchmark() {}

  /** Three neurons of the middle block: a stand-in register-neuron map for random weights. */
  public static NeuronMap middleBlockNeurons(ModelSpec spec) {
    int block = spec.numLayers() / 2;
    int m = spec.intermediateSize();
    return new NeuronMap(
        List.of(
            new NeuronMap.RegisterNeuron(block, 7 % m),
            new NeuronMap.RegisterNeuron(block, m / 3),
            new NeuronMap.RegisterNeuron(block, m - 5)),
        "bench: 3 neurons of block " + block);
  }

  /** The sigmoid swap the benchmark toggles: blocks L/2 .. L-1. */
  public static AttentionNormalizer swapFromMiddle(ModelSpec spec) {
    return AttentionNormalizer.sigmoid(new BlockRange(spec.numLayers() / 2, spec.numLayers() - 1));
  }

  /**
   * @param warmup untimed runs before each scenario
   * @param runs timed runs of each scenario
   * @param fullCapture also time the full-capture pass (needs heap for all maps)
   */
  public static Figures run(
      ModelSession session, FloatTensor pixels, int warmup, int runs, boolean fullCapture) {
    ModelSpec spec = session.spec();
    CaptureOptions full = CaptureOptions.DEFAULT.withAttention(AttentionCapture.FULL);
    Timing[] passes =
        Timing.interleaved(
            warmup,
            runs,
            fullCapture ? () -> pass(session, pixels, full) : null,
            () -> pass(session, pixels, CaptureOptions.DEFAULT),
            () -> pass(session, pixels, CaptureOptions.RESIDUAL_ONLY));
    Timing fullTiming = passes[0];
    Timing defaultTiming = passes[1];
    Timing residualTiming = passes[2];
    int t =
        dev.sinkscope.inference.result.TokenLayout.of(spec, pixels.dim(2), pixels.dim(3))
            .totalTokens();
    AttentionCapture mode = CaptureOptions.DEFAULT.resolve(spec.numLayers(), spec.numHeads(), t);

    NeuronMap neurons = middleBlockNeurons(spec);
    MitigationStack ttr = MitigationStack.of(TestTimeRegisters.reference(neurons));
    MitigationStack swap = MitigationStack.of(swapFromMiddle(spec));
    IncrementalRunner runner = new IncrementalRunner(session);
    ForwardResult baseline = toggle(runner, pixels, MitigationStack.NONE);
    List<Integer> ttrStarts = new ArrayList<>();
    List<Integer> swapStarts = new ArrayList<>();
    Runnable off = () -> toggle(runner, pixels, MitigationStack.NONE);
    Timing ttrTiming =
        Timing.measure(
            warmup,
            runs,
            off,
            () -> {
              ForwardResult r = toggle(runner, pixels, ttr);
              ttrStarts.add(runner.lastStartBlock());
              return r;
            });
    Timing swapTiming =
        Timing.measure(
            warmup,
            runs,
            off,
            () -> {
              ForwardResult r = toggle(runner, pixels, swap);
              swapStarts.add(runner.lastStartBlock());
              return r;
            });
    Timing offTiming =
        Timing.measure(
            0,
            runs,
            () -> toggle(runner, pixels, swap),
            () -> toggle(runner, pixels, MitigationStack.NONE));
    FloatTensor lastTtr = toggle(runner, pixels, ttr).lastHiddenState();
    FloatTensor lastSwap = toggle(runner, pixels, swap).lastHiddenState();

    ForwardResult summary =
        pass(session, pixels, CaptureOptions.DEFAULT.withAttention(AttentionCapture.SUMMARY));
    int middle = spec.numLayers() / 2;
    Timing recompute =
        Timing.measure(
            1,
            runs,
            () -> session.forward().recomputeAttention(summary, ForwardHooks.NONE, middle));
    return new Figures(
        fullTiming,
        defaultTiming,
        mode,
        residualTiming,
        ttrTiming,
        max(ttrStarts),
        swapTiming,
        min(swapStarts),
        offTiming,
        recompute,
        neurons,
        baseline.lastHiddenState(),
        lastTtr,
        lastSwap);
  }

  /**
   * Warms up the JIT, the engine's allocator and the Java heap (which grows while full maps are
   * copied) with passes in every capture mode, for at least {@code passes} passes and {@code
   * minMillis}; returns the fastest pass in milliseconds, to size the runs of the scenarios.
   *
   * @param fullCapture include full-capture passes (needs heap for all maps)
   */
  public static double warmUp(
      ModelSession session, FloatTensor pixels, int passes, long minMillis, boolean fullCapture) {
    CaptureOptions[] modes =
        fullCapture
            ? new CaptureOptions[] {
              CaptureOptions.DEFAULT.withAttention(AttentionCapture.FULL),
              CaptureOptions.DEFAULT,
              CaptureOptions.RESIDUAL_ONLY
            }
            : new CaptureOptions[] {CaptureOptions.DEFAULT, CaptureOptions.RESIDUAL_ONLY};
    double fastest = Double.POSITIVE_INFINITY;
    long end = System.nanoTime() + minMillis * 1_000_000;
    for (int i = 0; i < passes || System.nanoTime() < end; i++) {
      long start = System.nanoTime();
      pass(session, pixels, modes[i % modes.length]);
      fastest = Math.min(fastest, (System.nanoTime() - start) / 1e6);
    }
    return fastest;
  }

  /**
   * Forward passes only, on a model opened directly (e.g. in half precision): full, DEFAULT,
   * residual.
   */
  public static Timing[] forwardOnly(
      VitForward forward, FloatTensor pixels, int warmup, int runs, boolean fullCapture) {
    CaptureOptions full = CaptureOptions.DEFAULT.withAttention(AttentionCapture.FULL);
    Timing[] out = new Timing[3];
    int i = 0;
    for (CaptureOptions capture :
        new CaptureOptions[] {full, CaptureOptions.DEFAULT, CaptureOptions.RESIDUAL_ONLY}) {
      out[i++] =
          capture == full && !fullCapture
              ? null
              : Timing.measure(
                  warmup,
                  runs,
                  () ->
                      forward.run(
                          pixels,
                          ForwardHooks.NONE,
                          capture,
                          CancellationToken.NONE,
                          ProgressListener.NONE));
    }
    return out;
  }

  private static ForwardResult pass(
      ModelSession session, FloatTensor pixels, CaptureOptions capture) {
    return session.run(pixels, capture, CancellationToken.NONE, ProgressListener.NONE);
  }

  private static ForwardResult toggle(
      IncrementalRunner runner, FloatTensor pixels, MitigationStack stack) {
    return runner.run(
        pixels, stack, CaptureOptions.DEFAULT, CancellationToken.NONE, ProgressListener.NONE);
  }

  private static int max(List<Integer> values) {
    return values.stream().mapToInt(Integer::intValue).max().orElse(-1);
  }

  private static int min(List<Integer> values) {
    return values.stream().mapToInt(Integer::intValue).min().orElse(-1);
  }
}
