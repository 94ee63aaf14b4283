package dev.sinkscope.inference.result;

import dev.sinkscope.inference.model.ModelSpec;
import java.util.List;
import java.util.Map;

/**
 * Everything one forward pass captured, host-side.
 *
 * @param spec the model
 * @param layout token order of this pass (includes test-time registers when one was appended)
 * @param pixelValues the model input {@code [1, 3, H, W]}
 * @param embeddings input of block 0 {@code [T, D]} ({@code hidden_states.0})
 * @param layers one capture per block, block 1 first
 * @param lastHiddenState {@code [T, D]} as the reference returns it (normed or not, per family)
 * @param pooled {@code [D]}, or {@code null} when the family has no pooler
 * @param debug extra named tensors for diagnosis (e.g. interpolated position table, intervention
 *     values)
 * @param device the device the pass ran on, e.g. "cpu()" or "gpu(0)"
 */
public record ForwardResult(
    ModelSpec spec,
    TokenLayout layout,
    FloatTensor pixelValues,
    FloatTensor embeddings,
    List<LayerCapture> layers,
    FloatTensor lastHiddenState,
    FloatTensor pooled,
    Map<String, FloatTensor> debug,
    String device) {

  public ForwardResult {
    layers = List.copyOf(layers);
    debug = Map.copyOf(debug);
  }

  /** Capture of 1-based block {@code block}. */
  public LayerCapture block(int block) {
    return layers.get(block - 1);
  }

  public int blocks() {
    return layers.size();
  }

  /**
   * Which query row is the CLS-like one (CLS token, or the pooling probe of a model without CLS).
   */
  public ClsLikeQuery clsLikeQuery() {
    return new ClsLikeQuery(this);
  }
}
