package dev.sinkscope.inference.preprocess;

import java.util.Arrays;

/**
 * An 8-bit RGB image, row-major, interleaved (HWC): byte {@code (y * width + x) * 3 + c} is channel
 * {@code c} (0 = R, 1 = G, 2 = B) of pixel (x, y). Immutable: the pixel array is copied in and out.
 */
public final class RgbImage {

  private final int width;
  private final int height;
  private final byte[] rgb;

  private RgbImage(int width, int height, byte[] rgb) {
    this.width = width;
    this.height = height;
    this.rgb = rgb;
  }

  /**
   * An image over a copy of {@code rgb}, which must hold exactly {@code width * height * 3} bytes.
   */
  public static RgbImage of(int width, int height, byte[] rgb) {
    checkSize(width, height, rgb.length);
    return new RgbImage(width, height, rgb.clone());
  }

  /**
   * Takes ownership of {@code rgb} without copying; for decoders and resamplers in this package.
   */
  static RgbImage wrap(int width, int height, byte[] rgb) {
    checkSize(width, height, rgb.length);
    return new RgbImage(width, height, rgb);
  }

  private static void checkSize(int width, int height, int length) {
    if (width <= 0 || height <= 0) {
      throw new IllegalArgumentException(
          "image size must be positive, got " + width + " x " + height);
    }
    if ((long) width * height * 3 != length) {
      throw new IllegalArgumentException(
          width
              + " x "
              + height
              + " RGB needs "
              + ((long) width * height * 3)
              + " bytes, got "
              + length);
    }
  }

  public int width() {
    return width;
  }

  public int height() {
    return height;
  }

  /** Channel {@code channel} (0 = R, 1 = G, 2 = B) of pixel (x, y), 0..255. */
  public int get(int x, int y, int channel) {
    if (x < 0 || x >= width || y < 0 || y >= height || channel < 0 || channel > 2) {
      throw new IndexOutOfBoundsException(
          "(" + x + ", " + y + ", " + channel + ") outside " + width + " x " + height + " x 3");
    }
    return rgb[(y * width + x) * 3 + channel] & 0xFF;
  }

  /** Pixel (x, y) as {@code 0xRRGGBB}. */
  public int rgbAt(int x, int y) {
    return get(x, y, 0) << 16 | get(x, y, 1) << 8 | get(x, y, 2);
  }

  /** A copy of the interleaved RGB bytes. */
  public byte[] toRgbBytes() {
    return rgb.clone();
  }

  /** The backing array, not copied; callers in this package must not modify it. */
  byte[] bytes() {
    return rgb;
  }

  /**
   * The {@code cropWidth x cropHeight} window whose top-left corner is at ({@code left}, {@code
   * top}); the window may reach outside the image, where it is black (0, 0, 0), as the processors
   * pad.
   */
  public RgbImage crop(int left, int top, int cropWidth, int cropHeight) {
    if (cropWidth <= 0 || cropHeight <= 0) {
      throw new IllegalArgumentException(
          "crop size must be positive, got " + cropWidth + " x " + cropHeight);
    }
    byte[] out = new byte[Math.multiplyExact(Math.multiplyExact(cropWidth, cropHeight), 3)];
    int x0 = Math.max(left, 0);
    int x1 = Math.min(left + cropWidth, width);
    int y0 = Math.max(top, 0);
    int y1 = Math.min(top + cropHeight, height);
    if (x0 < x1) {
      int rowBytes = (x1 - x0) * 3;
      for (int y = y0; y < y1; y++) {
        System.arraycopy(
            rgb, (y * width + x0) * 3, out, ((y - top) * cropWidth + (x0 - left)) * 3, rowBytes);
      }
    }
    return new RgbImage(cropWidth, cropHeight, out);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RgbImage i
        && i.width == width
        && i.height == height
        && Arrays.equals(i.rgb, rgb);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * width + height) + Arrays.hashCode(rgb);
  }

  @Override
  public String toString() {
    return "RgbImage[" + width + " x " + height + "]";
  }
}
