package dev.sinkscope.inference.engine;

/**
 * What a forward pass copies to the host besides the residual stream, which is always kept (it is
 * what token norms and incremental recompute need).
 *
 * @param attentionMaps keep every block's full {@code [H, T, T]} probabilities
 * @param mlpActivations keep every block's post-nonlinearity MLP activations {@code [T, M]}
 */
public record CaptureOptions(boolean attentionMaps, boolean mlpActivations) {
  /** Full maps, no MLP activations: what the viewer and the dumps need. */
  public static final CaptureOptions DEFAULT = new CaptureOptions(true, false);
  /** Everything, for test-time-register neuron discovery. */
  public static final CaptureOptions EVERYTHING = new CaptureOptions(true, true);
  /** Residual stream only. */
  public static final CaptureOptions RESIDUAL_ONLY = new CaptureOptions(false, false);
}
