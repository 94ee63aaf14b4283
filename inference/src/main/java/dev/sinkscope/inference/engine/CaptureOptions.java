package dev.sinkscope.inference.engine;

import java.util.Objects;

/**
 * What a forward pass copies to the host besides the residual stream, which is always kept (it is
 * what token norms and incremental recompute need).
 *
 * <p>Memory model (ADR 0010): full maps cost {@code L · H · T² · 4} bytes, 2.9 GB for ViT-L/14 at
 * 518 px, against about 10 MB for the {@link AttentionCapture#SUMMARY summaries} (+ {@code L · T² ·
 * 4} with head means). {@link AttentionCapture#AUTO} keeps full maps while they fit {@code
 * fullMapBudgetBytes}.
 *
 * @param attention how much attention to keep
 * @param mlpActivations keep every block's post-nonlinearity MLP activations {@code [T, M]}
 * @param headMean in summary mode, also keep the head-mean map {@code [T, T]} per block (rollout)
 * @param fullMapBudgetBytes the largest total size of full maps {@link AttentionCapture#AUTO} keeps
 */
public record CaptureOptions(
    AttentionCapture attention, boolean mlpActivations, boolean headMean, long fullMapBudgetBytes) {

  /** 256 MiB: full maps for every ViT up to L/14 at 224 px (101 MB), summaries above. */
  public static final long DEFAULT_FULL_MAP_BUDGET = 256L * 1024 * 1024;

  /** Full maps while they fit 256 MiB, else summaries with head means; no MLP activations. */
  public static final CaptureOptions DEFAULT =
      new CaptureOptions(AttentionCapture.AUTO, false, true, DEFAULT_FULL_MAP_BUDGET);

  /** Full maps and MLP activations, for test-time-register neuron discovery. */
  public static final CaptureOptions EVERYTHING = new CaptureOptions(true, true);

  /**
   * Residual stream and attention summaries, no head means: all a metrics table needs (sinks, CLS
   * capture, artifacts), at a fraction of the host copies of full maps. Used by {@code sweep}.
   */
  public static final CaptureOptions METRICS =
      new CaptureOptions(AttentionCapture.SUMMARY, false, false, DEFAULT_FULL_MAP_BUDGET);

  /** Residual stream only. */
  public static final CaptureOptions RESIDUAL_ONLY = new CaptureOptions(false, false);

  public CaptureOptions {
    Objects.requireNonNull(attention, "attention");
    if (fullMapBudgetBytes < 0) {
      throw new IllegalArgumentException("full-map budget must be >= 0, got " + fullMapBudgetBytes);
    }
  }

  /**
   * @param attentionMaps keep every block's full {@code [H, T, T]} probabilities
   * @param mlpActivations keep every block's post-nonlinearity MLP activations {@code [T, M]}
   */
  public CaptureOptions(boolean attentionMaps, boolean mlpActivations) {
    this(
        attentionMaps ? AttentionCapture.FULL : AttentionCapture.NONE,
        mlpActivations,
        true,
        DEFAULT_FULL_MAP_BUDGET);
  }

  /** Whether any attention (full maps or summaries) is kept. */
  public boolean attentionMaps() {
    return attention != AttentionCapture.NONE;
  }

  public CaptureOptions withAttention(AttentionCapture mode) {
    return new CaptureOptions(mode, mlpActivations, headMean, fullMapBudgetBytes);
  }

  public CaptureOptions withHeadMean(boolean keep) {
    return new CaptureOptions(attention, mlpActivations, keep, fullMapBudgetBytes);
  }

  public CaptureOptions withFullMapBudget(long bytes) {
    return new CaptureOptions(attention, mlpActivations, headMean, bytes);
  }

  /** Bytes of all full maps of a pass: {@code layers · heads · tokens² · 4}. */
  public static long fullMapBytes(int layers, int heads, int tokens) {
    return 4L * layers * heads * tokens * (long) tokens;
  }

  /**
   * Bytes kept per pass in summary mode (five {@code [H, T]} vectors, plus {@code [T, T]} head
   * means).
   */
  public static long summaryBytes(int layers, int heads, int tokens, boolean headMean) {
    long perBlock = 5L * heads * tokens + (headMean ? (long) tokens * tokens : 0);
    return 4L * layers * perBlock;
  }

  /** The mode a pass of this size runs in: never {@link AttentionCapture#AUTO}. */
  public AttentionCapture resolve(int layers, int heads, int tokens) {
    if (attention != AttentionCapture.AUTO) {
      return attention;
    }
    return fullMapBytes(layers, heads, tokens) <= fullMapBudgetBytes
        ? AttentionCapture.FULL
        : AttentionCapture.SUMMARY;
  }
}
