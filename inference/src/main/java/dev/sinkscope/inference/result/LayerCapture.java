package dev.sinkscope.inference.result;

/**
 * What one transformer block produced.
 *
 * @param block 1-based block number (transformers' {@code hidden_states.block} / {@code
 *     attentions.block})
 * @param hidden block output, the residual stream {@code [T, D]}, before any final norm
 * @param attention softmax (or substituted normaliser) probabilities {@code [H, T, T]}, rows are
 *     queries; {@code null} when the capture plan did not keep full maps
 * @param mlpActivation post-nonlinearity MLP activations {@code [T, M]} after any intervention;
 *     {@code null} when not captured
 * @param summary the device-made attention summary when the pass kept summaries instead of full
 *     maps (ADR 0010); {@code null} when it kept full maps or no attention. Read attention through
 *     {@link AttentionSummary#of(ForwardResult, int)} or the pipeline's {@code CapturedAttention},
 *     which answer the same from either.
 */
public record LayerCapture(
    int block,
    FloatTensor hidden,
    FloatTensor attention,
    FloatTensor mlpActivation,
    AttentionSummary summary) {

  public LayerCapture {
    if (hidden.rank() != 2) {
      throw new IllegalArgumentException("hidden must be [T, D]");
    }
    if (attention != null
        && (attention.rank() != 3
            || attention.dim(1) != hidden.dim(0)
            || attention.dim(2) != hidden.dim(0))) {
      throw new IllegalArgumentException("attention must be [H, T, T] with T = " + hidden.dim(0));
    }
    if (summary != null && (summary.tokens() != hidden.dim(0) || summary.block() != block)) {
      throw new IllegalArgumentException(
          "summary must be of block " + block + " with T = " + hidden.dim(0));
    }
  }

  /** A capture with full maps or no attention (no summary). */
  public LayerCapture(
      int block, FloatTensor hidden, FloatTensor attention, FloatTensor mlpActivation) {
    this(block, hidden, attention, mlpActivation, null);
  }

  public int tokens() {
    return hidden.dim(0);
  }

  /** Heads of the kept attention (full map or summary); 0 when none was kept. */
  public int heads() {
    return attention != null ? attention.dim(0) : summary != null ? summary.heads() : 0;
  }

  /** Whether this block kept any attention: a full map or a summary. */
  public boolean hasAttention() {
    return attention != null || summary != null;
  }

  /** L2 norm of every token of the block output {@code [T]}. */
  public float[] tokenNorms() {
    return hidden.rowNorms();
  }

  /** Attention probability of query {@code q} on key {@code k} in head {@code h}. */
  public float attention(int h, int q, int k) {
    int t = tokens();
    return attention.data()[(h * t + q) * t + k];
  }
}
