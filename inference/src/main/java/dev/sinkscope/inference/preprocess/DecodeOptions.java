package dev.sinkscope.inference.preprocess;

/**
 * Options of {@link ImageDecoder}.
 *
 * @param maxPixels largest {@code width * height} the decoder accepts; checked against the size the
 *     file declares, before any pixel memory is allocated
 * @param exifOrientation whether EXIF orientation is applied
 */
public record DecodeOptions(long maxPixels, ExifOrientationPolicy exifOrientation) {

  /**
   * 100 megapixels: above every camera and phone photo in common use, and about 300 MB as RGB;
   * Pillow warns from 89.5 MP and refuses from 179 MP.
   */
  public static final long DEFAULT_MAX_PIXELS = 100_000_000L;

  public DecodeOptions {
    if (maxPixels <= 0) {
      throw new IllegalArgumentException("maxPixels must be positive, got " + maxPixels);
    }
    if (exifOrientation == null) {
      throw new IllegalArgumentException("exifOrientation is required");
    }
  }

  /** 100 MP limit, EXIF orientation applied. */
  public static DecodeOptions defaults() {
    return new DecodeOptions(DEFAULT_MAX_PIXELS, ExifOrientationPolicy.APPLY);
  }

  public DecodeOptions withMaxPixels(long limit) {
    return new DecodeOptions(limit, exifOrientation);
  }

  public DecodeOptions withExifOrientation(ExifOrientationPolicy policy) {
    return new DecodeOptions(maxPixels, policy);
  }
}
