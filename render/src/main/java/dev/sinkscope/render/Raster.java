package dev.sinkscope.render;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.awt.image.DirectColorModel;
import java.awt.image.SinglePixelPackedSampleModel;
import java.awt.image.WritableRaster;
import java.util.Arrays;
import java.util.Objects;

/**
 * A picture as packed, non-premultiplied ARGB pixels ({@code 0xAARRGGBB}), row-major, top-left
 * origin.
 *
 * <p>The pixel array is shared, not copied: renderers write into it in place and the GUI wraps it
 * in an image without a copy. Call {@link #copy()} before mutating a raster someone else holds.
 */
public record Raster(int width, int height, int[] argb) {

  public Raster {
    if (width <= 0 || height <= 0) {
      throw new IllegalArgumentException("raster size must be positive: " + width + "x" + height);
    }
    Objects.requireNonNull(argb, "argb");
    if (argb.length != Math.multiplyExact(width, height)) {
      throw new IllegalArgumentException(
          "argb has " + argb.length + " pixels, expected " + width + "x" + height);
    }
  }

  /** A raster of the given size filled with one colour. */
  public static Raster filled(int width, int height, int argb) {
    int[] pixels = new int[Math.multiplyExact(width, height)];
    Arrays.fill(pixels, argb);
    return new Raster(width, height, pixels);
  }

  /** A fully transparent raster. */
  public static Raster transparent(int width, int height) {
    return new Raster(width, height, new int[Math.multiplyExact(width, height)]);
  }

  /** Copies any AWT image into a new ARGB raster. */
  public static Raster fromImage(BufferedImage image) {
    int w = image.getWidth();
    int h = image.getHeight();
    int[] pixels = image.getRGB(0, 0, w, h, null, 0, w);
    return new Raster(w, h, pixels);
  }

  public int get(int x, int y) {
    checkInside(x, y);
    return argb[y * width + x];
  }

  public void set(int x, int y, int color) {
    checkInside(x, y);
    argb[y * width + x] = color;
  }

  public Raster copy() {
    return new Raster(width, height, argb.clone());
  }

  /** A new raster holding the rectangle [x, x+w) x [y, y+h) of this one. */
  public Raster region(int x, int y, int w, int h) {
    if (x < 0 || y < 0 || w <= 0 || h <= 0 || x + w > width || y + h > height) {
      throw new IllegalArgumentException(
          "region " + x + "," + y + " " + w + "x" + h + " outside " + width + "x" + height);
    }
    int[] out = new int[w * h];
    for (int row = 0; row < h; row++) {
      System.arraycopy(argb, (y + row) * width + x, out, row * w, w);
    }
    return new Raster(w, h, out);
  }

  /**
   * Copies {@code source} into this raster with its top-left corner at (x, y), clipped to bounds.
   */
  public void paste(Raster source, int x, int y) {
    int x0 = Math.max(0, x);
    int y0 = Math.max(0, y);
    int x1 = Math.min(width, x + source.width);
    int y1 = Math.min(height, y + source.height);
    if (x0 >= x1 || y0 >= y1) {
      return;
    }
    for (int row = y0; row < y1; row++) {
      System.arraycopy(
          source.argb, (row - y) * source.width + (x0 - x), argb, row * width + x0, x1 - x0);
    }
  }

  /**
   * This raster resampled to another size (bilinear; halving step by step when shrinking by more
   * than 2, so thumbnails of photos do not alias).
   */
  public Raster resized(int newWidth, int newHeight) {
    if (newWidth <= 0 || newHeight <= 0) {
      throw new IllegalArgumentException("size must be positive: " + newWidth + "x" + newHeight);
    }
    Raster current = this;
    while (current.width / 2 >= newWidth && current.height / 2 >= newHeight) {
      current = current.scaledOnce(current.width / 2, current.height / 2);
    }
    return current.width == newWidth && current.height == newHeight
        ? current.copy()
        : current.scaledOnce(newWidth, newHeight);
  }

  private Raster scaledOnce(int newWidth, int newHeight) {
    Raster out = transparent(newWidth, newHeight);
    java.awt.Graphics2D g = out.asBufferedImage().createGraphics();
    try {
      g.setComposite(java.awt.AlphaComposite.Src);
      g.setRenderingHint(
          java.awt.RenderingHints.KEY_INTERPOLATION,
          java.awt.RenderingHints.VALUE_INTERPOLATION_BILINEAR);
      g.setRenderingHint(
          java.awt.RenderingHints.KEY_RENDERING, java.awt.RenderingHints.VALUE_RENDER_QUALITY);
      g.drawImage(asBufferedImage(), 0, 0, newWidth, newHeight, null);
    } finally {
      g.dispose();
    }
    return out;
  }

  /** True when every pixel has alpha 255, so an export can drop the alpha channel. */
  public boolean isOpaque() {
    for (int p : argb) {
      if ((p >>> 24) != 0xFF) {
        return false;
      }
    }
    return true;
  }

  /**
   * An AWT view of this raster that shares the pixel array, so Graphics2D drawing (text, rings)
   * lands directly in {@link #argb()}.
   */
  public BufferedImage asBufferedImage() {
    DirectColorModel model =
        new DirectColorModel(32, 0x00FF0000, 0x0000FF00, 0x000000FF, 0xFF000000);
    SinglePixelPackedSampleModel sampleModel =
        new SinglePixelPackedSampleModel(
            java.awt.image.DataBuffer.TYPE_INT, width, height, model.getMasks());
    WritableRaster raster =
        java.awt.image.Raster.createWritableRaster(
            sampleModel, new DataBufferInt(argb, argb.length), null);
    return new BufferedImage(model, raster, false, null);
  }

  private void checkInside(int x, int y) {
    if (x < 0 || y < 0 || x >= width || y >= height) {
      throw new IndexOutOfBoundsException("(" + x + "," + y + ") outside " + width + "x" + height);
    }
  }

  // Value semantics for the pixel array, so tests and caches can compare rasters.
  @Override
  public boolean equals(Object other) {
    return other instanceof Raster r
        && r.width == width
        && r.height == height
        && Arrays.equals(r.argb, argb);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * width + height) + Arrays.hashCode(argb);
  }

  @Override
  public String toString() {
    return "Raster[" + width + "x" + height + "]";
  }
}
