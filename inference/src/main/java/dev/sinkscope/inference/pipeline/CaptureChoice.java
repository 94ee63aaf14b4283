package dev.sinkscope.inference.pipeline;

import dev.sinkscope.inference.engine.AttentionCapture;
import dev.sinkscope.inference.engine.CaptureOptions;
import java.util.Locale;

/**
 * How a pass keeps attention (ADR 0010). Every answer of the pipeline is the same under each choice
 * (up to float summation order, 1e-6); they differ only in memory and in whether a selected patch's
 * row costs a one-block recompute.
 */
public enum CaptureChoice {
  /** Full maps while all of them fit 256 MiB, else summaries (the default). */
  AUTO,
  /** Full maps at every size (ViT-B at 518 px: about 1 GB per pass). */
  FULL,
  /** Summaries at every size. */
  SUMMARY;

  /** The capture of a pass that feeds every view: head means kept for rollout. */
  public CaptureOptions forViews() {
    return apply(CaptureOptions.DEFAULT);
  }

  /** The capture of a metrics-only pass (no rollout, no PCA, no selected patch). */
  public CaptureOptions forMetrics() {
    return this == FULL ? apply(CaptureOptions.DEFAULT) : CaptureOptions.METRICS;
  }

  private CaptureOptions apply(CaptureOptions options) {
    return switch (this) {
      case AUTO -> options;
      case FULL -> options.withAttention(AttentionCapture.FULL);
      case SUMMARY -> options.withAttention(AttentionCapture.SUMMARY);
    };
  }

  /** {@code auto}, {@code full} or {@code summary}, any case. */
  public static CaptureChoice parse(String text) {
    try {
      return valueOf(text.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "capture must be auto, full or summary, got '" + text + "'");
    }
  }
}
