package dev.sinkscope.render;

/** How a patch grid is stretched to pixels. */
public enum Upsampling {
  /** Each patch a flat block: shows exactly what the model computed per token. */
  NEAREST,
  /**
   * Linear between patch centres, edges clamped (like {@code align_corners=False}); smoother to
   * look at, but it invents values between patches, so it is not the default.
   */
  BILINEAR
}
