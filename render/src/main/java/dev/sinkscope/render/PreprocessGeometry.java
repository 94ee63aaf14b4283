package dev.sinkscope.render;

import java.awt.Rectangle;
import java.awt.geom.Rectangle2D;
import java.util.Optional;

/**
 * How the model input was cut from the original photo: the photo is resized (possibly changing
 * aspect ratio) to {@code resizedWidth x resizedHeight}, then the crop box, given in resized
 * pixels, becomes the model input. A crop box reaching outside the resized image means zero padding
 * there; patches over padding land on no pixel of the original.
 *
 * <p>Coordinates are continuous with pixel edges at integers: original pixel x spans [x, x+1) and
 * is sampled at its centre x + 0.5. See the package documentation for the patch grid.
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

  public PreprocessGeometry {
    if (originalWidth <= 0
        || originalHeight <= 0
        || resizedWidth <= 0
        || resizedHeight <= 0
        || cropWidth <= 0
        || cropHeight <= 0) {
      throw new IllegalArgumentException(
          "sizes must be positive: "
              + originalWidth
              + "x"
              + originalHeight
              + " -> "
              + resizedWidth
              + "x"
              + resizedHeight
              + " crop "
              + cropWidth
              + "x"
              + cropHeight);
    }
  }

  /** The model saw the photo as it is. */
  public static PreprocessGeometry identity(int width, int height) {
    return new PreprocessGeometry(width, height, width, height, 0, 0, width, height);
  }

  /** Resized to exactly {@code width x height} (aspect ratio not kept), no crop. */
  public static PreprocessGeometry resize(
      int originalWidth, int originalHeight, int width, int height) {
    return new PreprocessGeometry(
        originalWidth, originalHeight, width, height, 0, 0, width, height);
  }

  /**
   * Shorter side resized to {@code shorterSide} (longer side truncated, as torchvision's {@code
   * Resize(int)} does), then a centre crop whose offset rounds half to even, as torchvision's
   * {@code CenterCrop} does; e.g. 256 then 224 for ImageNet-style models.
   */
  public static PreprocessGeometry resizeShorterSideCenterCrop(
      int originalWidth, int originalHeight, int shorterSide, int cropWidth, int cropHeight) {
    int resizedWidth;
    int resizedHeight;
    if (originalWidth <= originalHeight) {
      resizedWidth = shorterSide;
      resizedHeight = (int) ((long) shorterSide * originalHeight / originalWidth);
    } else {
      resizedHeight = shorterSide;
      resizedWidth = (int) ((long) shorterSide * originalWidth / originalHeight);
    }
    return centerCrop(
        originalWidth, originalHeight, resizedWidth, resizedHeight, cropWidth, cropHeight);
  }

  /** A centre crop of {@code cropWidth x cropHeight} out of the photo resized to the given size. */
  public static PreprocessGeometry centerCrop(
      int originalWidth,
      int originalHeight,
      int resizedWidth,
      int resizedHeight,
      int cropWidth,
      int cropHeight) {
    int left = (int) Math.rint((resizedWidth - cropWidth) / 2.0);
    int top = (int) Math.rint((resizedHeight - cropHeight) / 2.0);
    return new PreprocessGeometry(
        originalWidth,
        originalHeight,
        resizedWidth,
        resizedHeight,
        left,
        top,
        cropWidth,
        cropHeight);
  }

  /**
   * Longer side resized to {@code size} keeping aspect ratio, then zero-padded evenly to a {@code
   * size x size} square (letterboxing).
   */
  public static PreprocessGeometry resizeLongerSideAndPad(
      int originalWidth, int originalHeight, int size) {
    int resizedWidth;
    int resizedHeight;
    if (originalWidth >= originalHeight) {
      resizedWidth = size;
      resizedHeight = Math.max(1, (int) Math.round((double) size * originalHeight / originalWidth));
    } else {
      resizedHeight = size;
      resizedWidth = Math.max(1, (int) Math.round((double) size * originalWidth / originalHeight));
    }
    int padLeft = (size - resizedWidth) / 2;
    int padTop = (size - resizedHeight) / 2;
    return new PreprocessGeometry(
        originalWidth, originalHeight, resizedWidth, resizedHeight, -padLeft, -padTop, size, size);
  }

  /**
   * The same preprocessing seen on a photo shown at another size (a thumbnail or a zoomed view):
   * only the original size changes, since resizing is a pure scale.
   */
  public PreprocessGeometry forDisplay(int displayWidth, int displayHeight) {
    return new PreprocessGeometry(
        displayWidth,
        displayHeight,
        resizedWidth,
        resizedHeight,
        cropLeft,
        cropTop,
        cropWidth,
        cropHeight);
  }

  /** True when part of the model input is zero padding rather than photo. */
  public boolean hasPadding() {
    return cropLeft < 0
        || cropTop < 0
        || cropLeft + cropWidth > resizedWidth
        || cropTop + cropHeight > resizedHeight;
  }

  /** Original x (continuous) to crop x (continuous). */
  public double originalToCropX(double x) {
    return x * resizedWidth / originalWidth - cropLeft;
  }

  public double originalToCropY(double y) {
    return y * resizedHeight / originalHeight - cropTop;
  }

  public double cropToOriginalX(double cropX) {
    return (cropX + cropLeft) * originalWidth / resizedWidth;
  }

  public double cropToOriginalY(double cropY) {
    return (cropY + cropTop) * originalHeight / resizedHeight;
  }

  /** True when the centre of original pixel (x, y) lies inside the crop, i.e. the model saw it. */
  public boolean isInsideCrop(int x, int y) {
    double cx = originalToCropX(x + 0.5);
    double cy = originalToCropY(y + 0.5);
    return cx >= 0 && cx < cropWidth && cy >= 0 && cy < cropHeight;
  }

  /**
   * The patch of a {@code rows x cols} grid at continuous position (x, y) on the original (a mouse
   * position; pixel (i, j) has its centre at (i + 0.5, j + 0.5)), or empty where the model saw
   * nothing; for mapping a click on the photo to a patch.
   */
  public Optional<PatchPosition> patchAt(double x, double y, int rows, int cols) {
    double cx = originalToCropX(x);
    double cy = originalToCropY(y);
    if (!(cx >= 0 && cx < cropWidth && cy >= 0 && cy < cropHeight)) {
      return Optional.empty();
    }
    int col = Math.min(cols - 1, (int) (cx * cols / cropWidth));
    int row = Math.min(rows - 1, (int) (cy * rows / cropHeight));
    return Optional.of(new PatchPosition(row, col));
  }

  /** Where patch (row, col) of a {@code rows x cols} grid lies on the original, unclipped. */
  public Rectangle2D.Double patchBoundsInOriginal(int row, int col, int rows, int cols) {
    if (row < 0 || col < 0 || row >= rows || col >= cols) {
      throw new IndexOutOfBoundsException(
          "patch (" + row + "," + col + ") outside " + rows + "x" + cols);
    }
    double x0 = cropToOriginalX((double) col * cropWidth / cols);
    double x1 = cropToOriginalX((double) (col + 1) * cropWidth / cols);
    double y0 = cropToOriginalY((double) row * cropHeight / rows);
    double y1 = cropToOriginalY((double) (row + 1) * cropHeight / rows);
    return new Rectangle2D.Double(x0, y0, x1 - x0, y1 - y0);
  }

  /**
   * Original pixels whose centres the model saw (empty when none): the crop box intersected with
   * the resized image, mapped back.
   */
  public Rectangle visibleOriginalPixels() {
    AxisSampling xs = AxisSampling.of(originalWidth, resizedWidth, cropLeft, cropWidth, 1);
    AxisSampling ys = AxisSampling.of(originalHeight, resizedHeight, cropTop, cropHeight, 1);
    return new Rectangle(xs.first(), ys.first(), xs.end() - xs.first(), ys.end() - ys.first());
  }
}
