package dev.sinkscope.inference.engine;

import ai.djl.ndarray.NDArray;
import dev.sinkscope.inference.result.TokenLayout;

/**
 * Intervention points of the forward pass. The loop calls these at fixed sites, so a mitigation is
 * inserted without touching the loop. Shapes use B = 1 (batch), T tokens, D width, H heads, dh = D
 * / H, M MLP neurons. Every default leaves the pass unchanged.
 *
 * <p>Implementations must create their results from the activation they receive (so results live in
 * the per-pass memory scope) and must not keep NDArrays beyond the call.
 */
public interface ForwardHooks {

  /** No intervention. */
  ForwardHooks NONE = new ForwardHooks() {};

  /** Token layout after {@link #afterEmbeddings}; change it when tokens are added or removed. */
  default TokenLayout layoutAfterEmbeddings(TokenLayout layout) {
    return layout;
  }

  /**
   * After position embeddings (and prefix tokens) are in place, before any pre-norm.
   *
   * @param tokens {@code [1, T, D]}
   * @return {@code [1, T', D]} matching {@link #layoutAfterEmbeddings}
   */
  default NDArray afterEmbeddings(NDArray tokens, TokenLayout layout, PassContext context) {
    return tokens;
  }

  /**
   * Row normalisation of the attention logits of one block.
   *
   * <p>Long sequences come in bands of query rows (ADR 0025), so a normaliser must treat each row
   * on its own: every key is always there, the rows are some consecutive slice of the T queries.
   *
   * @param block 0-based block index
   * @param logits {@code [1, H, R, T]} for R consecutive query rows, already scaled by 1/sqrt(dh)
   * @return probabilities {@code [1, H, R, T]}, or {@code null} for the model's own softmax
   */
  default NDArray normalizeAttention(
      int block, NDArray logits, TokenLayout layout, PassContext context) {
    return null;
  }

  /**
   * Per-head attention outputs before the output projection.
   *
   * @param headOutputs {@code [1, H, T, dh]}
   */
  default NDArray headOutputs(
      int block, NDArray headOutputs, TokenLayout layout, PassContext context) {
    return headOutputs;
  }

  /**
   * Post-nonlinearity MLP activations (after GELU / QuickGELU / the SwiGLU product), the "register
   * neurons" of test-time registers.
   *
   * @param activations {@code [1, T, M]}
   */
  default NDArray mlpActivations(
      int block, NDArray activations, TokenLayout layout, PassContext context) {
    return activations;
  }

  /**
   * First block (0-based) whose computation these hooks can change; -1 when they change the
   * embeddings. Blocks before it may be reused from a cached pass.
   */
  default int firstAffectedBlock() {
    return Integer.MAX_VALUE;
  }
}
