package dev.sinkscope.inference.preprocess;

import static dev.sinkscope.inference.preprocess.PreprocessConfigLoader.IMAGENET_DEFAULT_MEAN;
import static dev.sinkscope.inference.preprocess.PreprocessConfigLoader.IMAGENET_DEFAULT_STD;
import static dev.sinkscope.inference.preprocess.PreprocessConfigLoader.IMAGENET_STANDARD_MEAN;
import static dev.sinkscope.inference.preprocess.PreprocessConfigLoader.IMAGENET_STANDARD_STD;
import static dev.sinkscope.inference.preprocess.PreprocessConfigLoader.OPENAI_CLIP_MEAN;
import static dev.sinkscope.inference.preprocess.PreprocessConfigLoader.OPENAI_CLIP_STD;

import dev.sinkscope.inference.model.ModelFamily;

/**
 * transformers image processor classes the preprocessing loader follows, with their class defaults.
 */
enum HfProcessor {
  BIT(
      "BitImageProcessor",
      new ResizeSpec.ShortestEdge(224),
      false,
      ResampleFilter.BICUBIC,
      true,
      OPENAI_CLIP_MEAN,
      OPENAI_CLIP_STD,
      true),
  VIT(
      "ViTImageProcessor",
      new ResizeSpec.Exact(224, 224),
      true,
      ResampleFilter.BILINEAR,
      false,
      IMAGENET_STANDARD_MEAN,
      IMAGENET_STANDARD_STD,
      false),
  CLIP(
      "CLIPImageProcessor",
      new ResizeSpec.ShortestEdge(224),
      false,
      ResampleFilter.BICUBIC,
      true,
      OPENAI_CLIP_MEAN,
      OPENAI_CLIP_STD,
      true),
  DEIT(
      "DeiTImageProcessor",
      new ResizeSpec.Exact(256, 256),
      true,
      ResampleFilter.BICUBIC,
      true,
      IMAGENET_STANDARD_MEAN,
      IMAGENET_STANDARD_STD,
      false),
  /** SigLIP and fixed-resolution SigLIP 2 (whose files say resample 2, bilinear); PIL backend. */
  SIGLIP(
      "SiglipImageProcessor",
      new ResizeSpec.Exact(224, 224),
      true,
      ResampleFilter.BICUBIC,
      false,
      IMAGENET_STANDARD_MEAN,
      IMAGENET_STANDARD_STD,
      true),
  /** transformers 5 has only a torchvision backend for DINOv3: rescale, then resize the floats. */
  DINOV3(
      "DINOv3ViTImageProcessor",
      new ResizeSpec.Exact(224, 224),
      true,
      ResampleFilter.BILINEAR,
      false,
      IMAGENET_DEFAULT_MEAN,
      IMAGENET_DEFAULT_STD,
      false,
      PixelPipeline.TORCH_FLOAT);

  final String className;
  final ResizeSpec defaultSize;

  /** Whether an integer {@code size} means a square (else the shortest edge). */
  final boolean intSizeIsSquare;

  final ResampleFilter defaultResample;
  final boolean hasCenterCrop;
  final double[] defaultMean;
  final double[] defaultStd;
  final boolean convertsToRgb;
  final PixelPipeline pipeline;

  HfProcessor(
      String className,
      ResizeSpec defaultSize,
      boolean intSizeIsSquare,
      ResampleFilter defaultResample,
      boolean hasCenterCrop,
      double[] defaultMean,
      double[] defaultStd,
      boolean convertsToRgb) {
    this(
        className,
        defaultSize,
        intSizeIsSquare,
        defaultResample,
        hasCenterCrop,
        defaultMean,
        defaultStd,
        convertsToRgb,
        PixelPipeline.PILLOW_UINT8);
  }

  HfProcessor(
      String className,
      ResizeSpec defaultSize,
      boolean intSizeIsSquare,
      ResampleFilter defaultResample,
      boolean hasCenterCrop,
      double[] defaultMean,
      double[] defaultStd,
      boolean convertsToRgb,
      PixelPipeline pipeline) {
    this.pipeline = pipeline;
    this.className = className;
    this.defaultSize = defaultSize;
    this.intSizeIsSquare = intSizeIsSquare;
    this.defaultResample = defaultResample;
    this.hasCenterCrop = hasCenterCrop;
    this.defaultMean = defaultMean;
    this.defaultStd = defaultStd;
    this.convertsToRgb = convertsToRgb;
  }

  /**
   * The class for a name like "BitImageProcessor", "BitImageProcessorFast" or
   * "CLIPFeatureExtractor".
   */
  static HfProcessor fromClassName(String name) {
    String base = name.replace("FeatureExtractor", "ImageProcessor");
    for (String suffix : new String[] {"Fast", "Pil"}) {
      if (base.endsWith(suffix)) {
        base = base.substring(0, base.length() - suffix.length());
      }
    }
    for (HfProcessor p : values()) {
      if (p.className.equals(base)) {
        return p;
      }
    }
    return null;
  }

  static HfProcessor forFamily(ModelFamily family) {
    return switch (family) {
      case DINOV2 -> BIT;
      case VIT -> VIT;
      case CLIP -> CLIP;
      case DEIT -> DEIT;
      case SIGLIP -> SIGLIP;
      case DINOV3 -> DINOV3;
    };
  }

  /** numpy's float64 multiply for the PIL processors; a float32 multiply on torch tensors. */
  RescaleArithmetic rescaleArithmetic() {
    return pipeline == PixelPipeline.TORCH_FLOAT
        ? RescaleArithmetic.FLOAT32_MULTIPLY
        : RescaleArithmetic.FLOAT64_MULTIPLY;
  }
}
