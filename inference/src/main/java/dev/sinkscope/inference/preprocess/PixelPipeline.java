package dev.sinkscope.inference.preprocess;

/**
 * In which number format the image is resized, which decides the last bits of {@code pixel_values}.
 */
public enum PixelPipeline {
  /**
   * Pillow's fixed-point resampler on the uint8 image, then rescale and normalise (transformers'
   * PIL processors, timm).
   */
  PILLOW_UINT8,
  /**
   * Rescale the uint8 image to float32 first, then torch's antialiased resize on the floats, then
   * normalise (transformers' torchvision-backed processors such as DINOv3's); bilinear only.
   */
  TORCH_FLOAT
}
