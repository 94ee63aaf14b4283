package dev.sinkscope.inference.preprocess;

/** Whether the decoder turns the image upright according to its EXIF orientation tag. */
public enum ExifOrientationPolicy {
  /**
   * Rotate/flip as the tag says, as transformers' {@code load_image} ({@code exif_transpose}) and
   * every photo viewer do. The default: the picture shown is the one the user expects.
   */
  APPLY,
  /**
   * Use the stored pixel order, as the HF processors do when given {@code Image.open(path)}
   * directly.
   */
  IGNORE
}
