package dev.sinkscope.inference.model;

/** The MLP nonlinearity; test-time registers edit its output. */
public enum MlpActivation {
  /** Exact erf GELU. */
  GELU,
  /** tanh-approximated GELU ({@code gelu_new}, {@code gelu_pytorch_tanh}). */
  GELU_TANH,
  /** OpenAI CLIP's {@code x * sigmoid(1.702 x)}. */
  QUICK_GELU,
  /** SwiGLU ({@code silu(x1) * x2}), DINOv2-g. */
  SWIGLU
}
