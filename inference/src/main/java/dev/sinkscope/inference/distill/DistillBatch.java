package dev.sinkscope.inference.distill;

import dev.sinkscope.inference.model.ModelSpec;

/**
 * The default batch of a distillation run: as many images as the backward pass's activations fit in
 * {@link #ACTIVATION_BUDGET_BYTES}, at most {@link #MAX_BATCH} (the reference's batch), at least
 * one.
 *
 * <p>Training keeps, per image and block, float32: the block's token-wide tensors (LayerNorm inputs
 * and outputs, query, key, value, attention output, projection, residual: about 11 of {@code [T,
 * D]}), the MLP's hidden layer before and after GELU (2 of {@code [T, I]}) and the attention
 * probabilities with their gradient during the backward pass (2 of {@code [H, T, T]}):
 *
 * <pre>bytes per image = 4 · L · (11·T·D + 2·T·I + 2·H·T²)</pre>
 *
 * with T = CLS + registers (old and new) + patches. The budget leaves room in 8 GiB for the weights
 * and the runtime; {@code docs/benchmarks.md} has the measured peaks.
 */
public final class DistillBatch {
  /** Activation memory a default batch may take: 6 GiB. */
  public static final long ACTIVATION_BUDGET_BYTES = 6L << 30;

  /** The reference's batch (PH-Reg, DINOv2 script), the largest default. */
  public static final int MAX_BATCH = 8;

  private DistillBatch() {}

  /**
   * Estimated activation bytes of one image's forward and backward pass.
   *
   * @param hidden D
   * @param intermediate MLP hidden size I
   * @param layers L
   * @param heads H
   * @param tokens T, every token of the student's sequence
   */
  public static long activationBytesPerImage(
      int hidden, int intermediate, int layers, int heads, int tokens) {
    long t = tokens;
    long perBlock = 11L * t * hidden + 2L * t * intermediate + 2L * heads * t * t;
    return 4L * layers * perBlock;
  }

  /**
   * The largest batch whose activations fit {@code budgetBytes}, clamped to 1..{@link #MAX_BATCH}.
   */
  public static int forBudget(long bytesPerImage, long budgetBytes) {
    long fit = budgetBytes / Math.max(1, bytesPerImage);
    return (int) Math.max(1, Math.min(MAX_BATCH, fit));
  }

  /** Tokens of the student at a square {@code resolution}: CLS, old and new registers, patches. */
  public static int studentTokens(ModelSpec spec, int resolution, int newRegisters) {
    int side = resolution / spec.patchSize();
    return (spec.hasCls() ? 1 : 0)
        + (spec.hasDistillation() ? 1 : 0)
        + spec.registers()
        + newRegisters
        + side * side;
  }

  /** Activation bytes per image of this model's student at {@code resolution} (0 = its own). */
  public static long bytesPerImage(ModelSpec spec, int resolution, int newRegisters) {
    int r = resolution > 0 ? resolution : spec.imageSize();
    return activationBytesPerImage(
        spec.hiddenSize(),
        spec.intermediateSize(),
        spec.numLayers(),
        spec.numHeads(),
        studentTokens(spec, r, newRegisters));
  }

  /** The default batch for this model at {@code resolution} (0 = its own image size). */
  public static int defaultBatch(ModelSpec spec, int resolution, int newRegisters) {
    return forBudget(bytesPerImage(spec, resolution, newRegisters), ACTIVATION_BUDGET_BYTES);
  }

  /** The batch a run uses: {@code requested} when given (> 0), else the default. */
  public static int resolve(int requested, ModelSpec spec, int resolution, int newRegisters) {
    return requested > 0 ? requested : defaultBatch(spec, resolution, newRegisters);
  }

  /** Why the default is what it is, in words (for the command line and the dialog). */
  public static String rule(ModelSpec spec, int resolution, int newRegisters) {
    int r = resolution > 0 ? resolution : spec.imageSize();
    return String.format(
        java.util.Locale.ROOT,
        "about %.2f GiB of activations per image at %d px; as many as fit %d GiB, at most %d",
        bytesPerImage(spec, r, newRegisters) / (double) (1L << 30),
        r,
        ACTIVATION_BUDGET_BYTES >> 30,
        MAX_BATCH);
  }
}
