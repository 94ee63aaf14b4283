package dev.sinkscope.inference.session;

import dev.sinkscope.inference.engine.CancellationToken;
import dev.sinkscope.inference.engine.CaptureOptions;
import dev.sinkscope.inference.engine.ProgressListener;
import dev.sinkscope.inference.mitigation.MitigationStack;
import dev.sinkscope.inference.model.ModelSpec;
import dev.sinkscope.inference.result.FloatTensor;
import dev.sinkscope.inference.result.ForwardResult;

/**
 * Runs one image under changing mitigations, recomputing only from the first block a change can
 * affect. It keeps the baseline (no mitigations) and the latest result; switching everything off
 * returns the cached baseline without running the model. Confined to the inference thread.
 */
public final class IncrementalRunner {
  private final ModelSession session;
  private FloatTensor pixels;
  private Cached baseline;
  private Cached latest;
  private int lastStartBlock = -1;

  private record Cached(MitigationStack stack, CaptureOptions capture, ForwardResult result) {}

  public IncrementalRunner(ModelSession session) {
    this.session = session;
  }

  /** The forward result of {@code pixelValues} under {@code stack}. */
  public ForwardResult run(
      FloatTensor pixelValues,
      MitigationStack stack,
      CaptureOptions capture,
      CancellationToken cancel,
      ProgressListener progress) {
    ModelSpec spec = session.spec();
    stack.validate(spec);
    if (pixels == null || !pixels.equals(pixelValues)) {
      pixels = pixelValues;
      baseline = null;
      latest = null;
    }
    int[] ps = pixelValues.shape();
    var layout =
        stack
            .hooks(spec)
            .layoutAfterEmbeddings(
                dev.sinkscope.inference.result.TokenLayout.of(spec, ps[2], ps[3]));
    Cached best = null;
    int bestStart = 0;
    for (Cached c : new Cached[] {baseline, latest}) {
      if (c == null || !covers(c.capture(), capture) || !c.result().layout().equals(layout)) {
        continue;
      }
      int start = stack.firstDifferingBlock(c.stack(), spec);
      if (start > bestStart || best == null && start > 0) {
        best = c;
        bestStart = start;
      }
    }
    ForwardResult result;
    if (best != null && bestStart >= spec.numLayers()) {
      lastStartBlock = spec.numLayers();
      progress.blocksDone(spec.numLayers(), spec.numLayers());
      result = best.result();
    } else {
      int start = best == null ? 0 : bestStart;
      result =
          session
              .forward()
              .run(
                  pixelValues,
                  stack.hooks(spec),
                  capture,
                  cancel,
                  progress,
                  best == null ? null : best.result(),
                  start);
      lastStartBlock = result.blocks() == spec.numLayers() && best != null ? start : 0;
    }
    Cached now = new Cached(stack, capture, result);
    if (stack.isEmpty()) {
      baseline = now;
    }
    latest = now;
    return result;
  }

  /** Index of the first block the last call computed (0 = full pass, L = nothing recomputed). */
  public int lastStartBlock() {
    return lastStartBlock;
  }

  /** Drops cached results (e.g. after the model changed). */
  public void clear() {
    pixels = null;
    baseline = null;
    latest = null;
  }

  private static boolean covers(CaptureOptions have, CaptureOptions want) {
    return (have.attentionMaps() || !want.attentionMaps())
        && (have.mlpActivations() || !want.mlpActivations());
  }
}
