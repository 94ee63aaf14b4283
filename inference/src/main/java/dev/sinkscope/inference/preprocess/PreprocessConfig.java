package dev.sinkscope.inference.preprocess;

import java.util.Arrays;

/**
 * The preprocessing a model expects, resolved from its {@code preprocessor_config.json}, timm
 * {@code pretrained_cfg} or family defaults (see {@link PreprocessConfigLoader}).
 *
 * @param source where the values came from, for display ("preprocessor_config.json
 *     (CLIPImageProcessor)")
 * @param notes what was filled in or assumed while resolving; empty when nothing was
 * @param resize how the image is resized
 * @param resample the resampling filter
 * @param crop the centre crop after resizing
 * @param doRescale whether uint8 values are multiplied by {@code rescaleFactor}
 * @param rescaleFactor usually 1/255
 * @param rescaleArithmetic the float precision of the rescale, which differs between transformers
 *     and timm
 * @param doNormalize whether {@code (x - mean[c]) / std[c]} is applied (in float32)
 * @param mean per-channel mean, R, G, B
 * @param std per-channel standard deviation, R, G, B
 * @param referenceConvertsToRgb whether the reference processor calls {@code convert("RGB")}; this
 *     decoder always produces RGB, so it only tells where grayscale input would make the reference
 *     fail
 * @param pipeline whether the image is resized as uint8 by Pillow or as floats by torch
 */
public record PreprocessConfig(
    String source,
    String notes,
    ResizeSpec resize,
    ResampleFilter resample,
    CropSpec crop,
    boolean doRescale,
    double rescaleFactor,
    RescaleArithmetic rescaleArithmetic,
    boolean doNormalize,
    double[] mean,
    double[] std,
    boolean referenceConvertsToRgb,
    PixelPipeline pipeline) {

  /** A config of the Pillow pipeline (every processor but the torchvision-backed ones). */
  public PreprocessConfig(
      String source,
      String notes,
      ResizeSpec resize,
      ResampleFilter resample,
      CropSpec crop,
      boolean doRescale,
      double rescaleFactor,
      RescaleArithmetic rescaleArithmetic,
      boolean doNormalize,
      double[] mean,
      double[] std,
      boolean referenceConvertsToRgb) {
    this(
        source,
        notes,
        resize,
        resample,
        crop,
        doRescale,
        rescaleFactor,
        rescaleArithmetic,
        doNormalize,
        mean,
        std,
        referenceConvertsToRgb,
        PixelPipeline.PILLOW_UINT8);
  }

  public PreprocessConfig {
    if (pipeline == null) {
      pipeline = PixelPipeline.PILLOW_UINT8;
    }
    if (pipeline == PixelPipeline.TORCH_FLOAT && resample != ResampleFilter.BILINEAR) {
      throw new IllegalArgumentException(
          "the float (torch) pipeline is implemented for bilinear resizing only, got " + resample);
    }
    if (source == null
        || notes == null
        || resize == null
        || resample == null
        || crop == null
        || rescaleArithmetic == null) {
      throw new IllegalArgumentException(
          "source, notes, resize, resample, crop and rescale arithmetic are required");
    }
    if (mean == null || mean.length != 3 || std == null || std.length != 3) {
      throw new IllegalArgumentException("mean and std need 3 values (R, G, B)");
    }
    for (double s : std) {
      if (!(s > 0) || Double.isInfinite(s)) {
        throw new IllegalArgumentException(
            "std values must be positive and finite, got " + Arrays.toString(std));
      }
    }
    if (doRescale && !(rescaleFactor > 0 && Double.isFinite(rescaleFactor))) {
      throw new IllegalArgumentException(
          "rescale factor must be positive and finite, got " + rescaleFactor);
    }
    mean = mean.clone();
    std = std.clone();
  }

  @Override
  public double[] mean() {
    return mean.clone();
  }

  @Override
  public double[] std() {
    return std.clone();
  }

  /** Output {width, height} of {@code pixel_values} for an image of {@code width x height}. */
  public int[] outputSize(int width, int height) {
    if (crop instanceof CropSpec.Center c) {
      return new int[] {c.width(), c.height()};
    }
    return resize.targetSize(width, height);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PreprocessConfig p
        && source.equals(p.source)
        && notes.equals(p.notes)
        && resize.equals(p.resize)
        && resample == p.resample
        && crop.equals(p.crop)
        && doRescale == p.doRescale
        && Double.compare(rescaleFactor, p.rescaleFactor) == 0
        && rescaleArithmetic == p.rescaleArithmetic
        && doNormalize == p.doNormalize
        && Arrays.equals(mean, p.mean)
        && Arrays.equals(std, p.std)
        && referenceConvertsToRgb == p.referenceConvertsToRgb
        && pipeline == p.pipeline;
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(
        new Object[] {
          source,
          notes,
          resize,
          resample,
          crop,
          doRescale,
          rescaleFactor,
          rescaleArithmetic,
          doNormalize,
          Arrays.hashCode(mean),
          Arrays.hashCode(std),
          referenceConvertsToRgb,
          pipeline
        });
  }

  @Override
  public String toString() {
    return "PreprocessConfig["
        + source
        + ": resize="
        + resize
        + ", resample="
        + resample
        + (pipeline == PixelPipeline.TORCH_FLOAT ? " (torch, on floats)" : "")
        + ", crop="
        + crop
        + ", rescale="
        + (doRescale ? rescaleFactor + " " + rescaleArithmetic : "off")
        + ", normalize="
        + (doNormalize ? Arrays.toString(mean) + "/" + Arrays.toString(std) : "off")
        + (notes.isEmpty() ? "" : ", notes=" + notes)
        + "]";
  }
}
