package dev.sinkscope.inference.preprocess;

import dev.sinkscope.inference.result.FloatTensor;

/**
 * Turns an RGB image into {@code pixel_values} as the reference processors do: resize (Pillow's
 * resampler), centre crop, rescale, normalise; or, for running a model at the image's own
 * resolution, rescale and normalise a patch-aligned image without resizing.
 */
public final class Preprocessor {

  /**
   * Largest image the resize step may produce, for the same reason as the decoder's pixel limit: a
   * 20000 x 1 line resized to a shortest edge of 256 would otherwise need 1.3 gigapixels.
   */
  public static final long MAX_RESIZED_PIXELS = DecodeOptions.DEFAULT_MAX_PIXELS;

  private Preprocessor() {}

  /**
   * Resize, crop, rescale and normalise as {@code config} says.
   *
   * @throws IllegalArgumentException when the resized image would exceed {@link
   *     #MAX_RESIZED_PIXELS} (an extreme aspect ratio under a shortest-edge resize, or an absurd
   *     configured size)
   */
  public static Preprocessed preprocess(RgbImage image, PreprocessConfig config) {
    int[] size = config.resize().targetSize(image.width(), image.height());
    long resizedPixels = (long) size[0] * size[1];
    if (resizedPixels > MAX_RESIZED_PIXELS) {
      throw new IllegalArgumentException(
          "resizing "
              + image.width()
              + " x "
              + image.height()
              + " to "
              + size[0]
              + " x "
              + size[1]
              + " would make "
              + resizedPixels
              + " pixels, more than the limit of "
              + MAX_RESIZED_PIXELS
              + " (the aspect ratio is too extreme for this model's preprocessing)");
    }
    if (config.pipeline() == PixelPipeline.TORCH_FLOAT) {
      return preprocessOnFloats(image, config, size);
    }
    RgbImage resized =
        size[0] == image.width() && size[1] == image.height()
            ? image
            : PillowResampler.resize(image, size[0], size[1], config.resample());
    int left = 0;
    int top = 0;
    int width = resized.width();
    int height = resized.height();
    RgbImage window = resized;
    if (config.crop() instanceof CropSpec.Center c) {
      left = c.rounding().offset(resized.width(), c.width());
      top = c.rounding().offset(resized.height(), c.height());
      width = c.width();
      height = c.height();
      window = resized.crop(left, top, width, height);
    }
    PreprocessGeometry geometry =
        new PreprocessGeometry(
            image.width(),
            image.height(),
            resized.width(),
            resized.height(),
            left,
            top,
            width,
            height);
    return new Preprocessed(toPixelValues(window, config), geometry);
  }

  /**
   * The torchvision-backed processors: rescale to float32, torch's antialiased resize, crop,
   * normalise.
   */
  private static Preprocessed preprocessOnFloats(
      RgbImage image, PreprocessConfig config, int[] size) {
    int w = image.width();
    int h = image.height();
    int plane = w * h;
    float[][] lut = rescaleTable(config);
    byte[] rgb = image.bytes();
    float[] planes = new float[3 * plane]; // [3, H, W], rescaled, not normalised
    for (int i = 0; i < plane; i++) {
      for (int c = 0; c < 3; c++) {
        planes[c * plane + i] = lut[c][rgb[i * 3 + c] & 0xFF];
      }
    }
    int outW = size[0];
    int outH = size[1];
    float[] resized =
        outW == w && outH == h
            ? planes
            : TorchAntialiasResampler.resize(planes, 3, w, h, outW, outH);
    int left = 0;
    int top = 0;
    int cropW = outW;
    int cropH = outH;
    if (config.crop() instanceof CropSpec.Center c) {
      left = c.rounding().offset(outW, c.width());
      top = c.rounding().offset(outH, c.height());
      cropW = c.width();
      cropH = c.height();
    }
    double[] mean = config.mean();
    double[] std = config.std();
    float[] out = new float[3 * cropW * cropH];
    for (int c = 0; c < 3; c++) {
      float m = (float) mean[c];
      float s = (float) std[c];
      for (int y = 0; y < cropH; y++) {
        for (int x = 0; x < cropW; x++) {
          int sy = y + top;
          int sx = x + left;
          // a crop window larger than the image is padded with black (0 before normalisation)
          float v =
              sy >= 0 && sy < outH && sx >= 0 && sx < outW
                  ? resized[(c * outH + sy) * outW + sx]
                  : 0f;
          out[(c * cropH + y) * cropW + x] = config.doNormalize() ? (v - m) / s : v;
        }
      }
    }
    PreprocessGeometry geometry = new PreprocessGeometry(w, h, outW, outH, left, top, cropW, cropH);
    return new Preprocessed(FloatTensor.of(out, 1, 3, cropH, cropW), geometry);
  }

  /** Rescaled (not normalised) value of every uint8 level, per channel. */
  private static float[][] rescaleTable(PreprocessConfig config) {
    float[][] lut = new float[3][256];
    float divisor = (float) (1.0 / config.rescaleFactor());
    float factor = (float) config.rescaleFactor();
    for (int c = 0; c < 3; c++) {
      for (int v = 0; v < 256; v++) {
        if (!config.doRescale()) {
          lut[c][v] = v;
        } else {
          lut[c][v] =
              switch (config.rescaleArithmetic()) {
                case FLOAT64_MULTIPLY -> (float) (v * config.rescaleFactor());
                case FLOAT32_MULTIPLY -> (float) v * factor;
                case FLOAT32_DIVIDE -> (float) v / divisor;
              };
        }
      }
    }
    return lut;
  }

  /**
   * The image at its own resolution, made patch-aligned by {@code fit}, then rescaled and
   * normalised as {@code config} says (its resize and crop are not used). Any size that is a
   * multiple of the patch size works with position-embedding interpolation.
   *
   * @throws IllegalArgumentException when {@code fit} is REQUIRE_MULTIPLE and the size is not a
   *     multiple, or when cropping would leave less than one patch
   */
  public static Preprocessed preprocessAtNativeSize(
      RgbImage image, PreprocessConfig config, int patchSize, PatchFit fit) {
    PreprocessGeometry geometry = patchAlignedWindow(image.width(), image.height(), patchSize, fit);
    RgbImage window =
        geometry.insideImage()
                && geometry.cropWidth() == image.width()
                && geometry.cropHeight() == image.height()
            ? image
            : image.crop(
                geometry.cropLeft(),
                geometry.cropTop(),
                geometry.cropWidth(),
                geometry.cropHeight());
    return new Preprocessed(toPixelValues(window, config), geometry);
  }

  /**
   * {@code image} cropped or padded to whole patches by {@code fit}, e.g. DINO's "crop to a
   * multiple of P".
   */
  public static RgbImage alignToPatches(RgbImage image, int patchSize, PatchFit fit) {
    PreprocessGeometry g = patchAlignedWindow(image.width(), image.height(), patchSize, fit);
    return image.crop(g.cropLeft(), g.cropTop(), g.cropWidth(), g.cropHeight());
  }

  /** The patch-aligned window {@code fit} chooses in a {@code width x height} image (no resize). */
  public static PreprocessGeometry patchAlignedWindow(
      int width, int height, int patchSize, PatchFit fit) {
    if (patchSize <= 0) {
      throw new IllegalArgumentException("patch size must be positive, got " + patchSize);
    }
    int remX = width % patchSize;
    int remY = height % patchSize;
    int left = 0;
    int top = 0;
    int w = width - remX;
    int h = height - remY;
    switch (fit) {
      case REQUIRE_MULTIPLE -> {
        if (remX != 0 || remY != 0) {
          throw new IllegalArgumentException(
              "image size "
                  + width
                  + " x "
                  + height
                  + " is not a multiple of the patch size "
                  + patchSize);
        }
      }
      case CROP_TOP_LEFT -> {}
      case CROP_CENTER -> {
        left = remX / 2;
        top = remY / 2;
      }
      case PAD_BOTTOM_RIGHT -> {
        w = remX == 0 ? width : width + patchSize - remX;
        h = remY == 0 ? height : height + patchSize - remY;
      }
      default -> throw new IllegalStateException(fit.name());
    }
    if (w == 0 || h == 0) {
      throw new IllegalArgumentException(
          "image size "
              + width
              + " x "
              + height
              + " is smaller than one patch of "
              + patchSize
              + "; cropping leaves nothing");
    }
    return new PreprocessGeometry(width, height, width, height, left, top, w, h);
  }

  /**
   * Rescale and normalise {@code image} into float32 {@code [1, 3, H, W]}. The arithmetic follows
   * the reference exactly (see {@link RescaleArithmetic}; normalisation in float32), so every uint8
   * value maps to one float per channel and a lookup table gives identical results.
   */
  public static FloatTensor toPixelValues(RgbImage image, PreprocessConfig config) {
    float[][] lut = valueTable(config);
    int w = image.width();
    int h = image.height();
    int plane = w * h;
    byte[] rgb = image.bytes();
    float[] out = new float[3 * plane];
    for (int i = 0; i < plane; i++) {
      out[i] = lut[0][rgb[i * 3] & 0xFF];
      out[plane + i] = lut[1][rgb[i * 3 + 1] & 0xFF];
      out[2 * plane + i] = lut[2][rgb[i * 3 + 2] & 0xFF];
    }
    return FloatTensor.of(out, 1, 3, h, w);
  }

  private static float[][] valueTable(PreprocessConfig config) {
    double[] mean = config.mean();
    double[] std = config.std();
    float[][] lut = rescaleTable(config);
    for (int c = 0; c < 3; c++) {
      float m = (float) mean[c];
      float s = (float) std[c];
      for (int v = 0; v < 256; v++) {
        float x = lut[c][v];
        lut[c][v] = config.doNormalize() ? (x - m) / s : x;
      }
    }
    return lut;
  }
}
