package dev.sinkscope.inference.preprocess;

/**
 * Where {@code pixel_values} came from in the decoded photo: the photo ({@code original*}, after
 * EXIF orientation) was resized to {@code resized*}, and the output is the window ({@code
 * cropLeft}, {@code cropTop}, {@code cropWidth}, {@code cropHeight}) of the resized image. The
 * window may reach outside the resized image (negative offsets, or beyond its size) where the
 * output was padded with black.
 *
 * <p>Coordinates are continuous with pixel edges at integers: pixel (0, 0) covers [0, 1) x [0, 1).
 * The resize maps edges proportionally (Pillow's resampler samples output pixel {@code i} at input
 * {@code (i + 0.5) * scale}), so mapping back is a scale and an offset.
 */
public record PreprocessGeometry(
    int originalWidth,
    int originalHeight,
    int resizedWidth,
    int resizedHeight,
    int cropLeft,
    int cropTop,
    int cropWidth,
    int cropHeight) {

  /**
   * A rectangle in original-image pixels; may extend past the photo where the output was padded.
   */
  public record Region(double x, double y, double width, double height) {}

  public PreprocessGeometry {
    if (originalWidth <= 0
        || originalHeight <= 0
        || resizedWidth <= 0
        || resizedHeight <= 0
        || cropWidth <= 0
        || cropHeight <= 0) {
      throw new IllegalArgumentException("sizes must be positive");
    }
  }

  /** Width of {@code pixel_values}. */
  public int outputWidth() {
    return cropWidth;
  }

  /** Height of {@code pixel_values}. */
  public int outputHeight() {
    return cropHeight;
  }

  /** Original-image x of output x. */
  public double toOriginalX(double outputX) {
    return (cropLeft + outputX) * originalWidth / resizedWidth;
  }

  /** Original-image y of output y. */
  public double toOriginalY(double outputY) {
    return (cropTop + outputY) * originalHeight / resizedHeight;
  }

  /** The output window {@code [x, x + width) x [y, y + height)} in original-image pixels. */
  public Region toOriginal(double x, double y, double width, double height) {
    double x0 = toOriginalX(x);
    double y0 = toOriginalY(y);
    return new Region(x0, y0, toOriginalX(x + width) - x0, toOriginalY(y + height) - y0);
  }

  /** The whole output (the crop box) in original-image pixels. */
  public Region outputInOriginal() {
    return toOriginal(0, 0, cropWidth, cropHeight);
  }

  /**
   * Patch ({@code row}, {@code col}) of a {@code patchSize} grid over the output, in original-image
   * pixels.
   */
  public Region patchInOriginal(int row, int col, int patchSize) {
    if (patchSize <= 0) {
      throw new IllegalArgumentException("patch size must be positive, got " + patchSize);
    }
    return toOriginal((double) col * patchSize, (double) row * patchSize, patchSize, patchSize);
  }

  /** Whether the output shows only photo pixels (no padding). */
  public boolean insideImage() {
    return cropLeft >= 0
        && cropTop >= 0
        && cropLeft + cropWidth <= resizedWidth
        && cropTop + cropHeight <= resizedHeight;
  }
}
