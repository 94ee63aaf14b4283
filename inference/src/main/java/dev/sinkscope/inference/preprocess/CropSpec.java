package dev.sinkscope.inference.preprocess;

/** Whether and how the resized image is centre-cropped. */
public sealed interface CropSpec {

  /** No crop: the output is the resized image. */
  record None() implements CropSpec {}

  /**
   * A {@code width x height} window centred by {@code rounding}. A window larger than the image is
   * padded with black, as both transformers and torchvision do.
   */
  record Center(int width, int height, CropRounding rounding) implements CropSpec {
    public Center {
      if (width <= 0 || height <= 0) {
        throw new IllegalArgumentException(
            "crop size must be positive, got " + width + " x " + height);
      }
      if (rounding == null) {
        throw new IllegalArgumentException("crop rounding is required");
      }
    }
  }
}
