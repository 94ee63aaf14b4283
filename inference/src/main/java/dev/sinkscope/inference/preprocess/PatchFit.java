package dev.sinkscope.inference.preprocess;

/** How an image is made a whole number of patches wide and high without resizing. */
public enum PatchFit {
  /** The size must already be a multiple of the patch size; anything else is an error. */
  REQUIRE_MULTIPLE,
  /** Drop the remainder on the right and bottom, as DINO's attention visualisation does. */
  CROP_TOP_LEFT,
  /** Drop the remainder evenly from both sides (the extra pixel, if odd, from the right/bottom). */
  CROP_CENTER,
  /** Add black pixels on the right and bottom up to the next multiple. */
  PAD_BOTTOM_RIGHT
}
