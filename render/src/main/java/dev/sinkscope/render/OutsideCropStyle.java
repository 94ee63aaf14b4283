package dev.sinkscope.render;

/**
 * How photo regions the model never saw (cut off by the crop) are shown, so nobody reads the
 * absence of colour there as "low value".
 */
public enum OutsideCropStyle {
  /** Darkened. */
  DIMMED,
  /** Grey diagonal hatching over the photo. */
  HATCHED,
  /** Darkened and hatched; the default. */
  DIMMED_HATCHED,
  /** Left as the photo; for exports that are cropped afterwards anyway. */
  UNCHANGED
}
