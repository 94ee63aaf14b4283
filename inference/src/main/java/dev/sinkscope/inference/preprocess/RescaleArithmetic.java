package dev.sinkscope.inference.preprocess;

/** How a uint8 pixel becomes a float in [0, 1]; the two differ in the last bit for some values. */
public enum RescaleArithmetic {
  /** transformers: {@code x.astype(float64) * rescale_factor}, then float32. */
  FLOAT64_MULTIPLY,
  /**
   * transformers' torchvision backend: {@code uint8 tensor * float32(rescale_factor)} in float32.
   */
  FLOAT32_MULTIPLY,
  /** torchvision {@code ToTensor} (timm): {@code x.float32 / 255} in float32. */
  FLOAT32_DIVIDE
}
