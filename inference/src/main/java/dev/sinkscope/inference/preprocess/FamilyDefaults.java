package dev.sinkscope.inference.preprocess;

import static dev.sinkscope.inference.preprocess.PreprocessConfigLoader.HF_CONFIG_FILE;
import static dev.sinkscope.inference.preprocess.PreprocessConfigLoader.IMAGENET_DEFAULT_MEAN;
import static dev.sinkscope.inference.preprocess.PreprocessConfigLoader.IMAGENET_DEFAULT_STD;
import static dev.sinkscope.inference.preprocess.PreprocessConfigLoader.IMAGENET_STANDARD_MEAN;
import static dev.sinkscope.inference.preprocess.PreprocessConfigLoader.IMAGENET_STANDARD_STD;
import static dev.sinkscope.inference.preprocess.PreprocessConfigLoader.OPENAI_CLIP_MEAN;
import static dev.sinkscope.inference.preprocess.PreprocessConfigLoader.OPENAI_CLIP_STD;
import static dev.sinkscope.inference.preprocess.PreprocessConfigLoader.RESCALE_1_255;

import dev.sinkscope.inference.model.ModelFamily;

/** The preprocessing of each family's reference hub checkpoint, for folders without a config. */
final class FamilyDefaults {

  private FamilyDefaults() {}

  /**
   * The preprocessing of the family's reference hub checkpoint, for a model folder without a
   * config; {@code why} is kept in the notes together with what was assumed.
   */
  static PreprocessConfig forFamily(ModelFamily family, String why) {
    String hub;
    ResizeSpec resize;
    CropSpec crop;
    ResampleFilter resample;
    double[] mean;
    double[] std;
    switch (family) {
      case DINOV2 -> {
        hub = "facebook/dinov2-small";
        resize = new ResizeSpec.ShortestEdge(256);
        crop = new CropSpec.Center(224, 224, CropRounding.FLOOR);
        resample = ResampleFilter.BICUBIC;
        mean = IMAGENET_DEFAULT_MEAN;
        std = IMAGENET_DEFAULT_STD;
      }
      case VIT -> {
        hub = "google/vit-base-patch16-224";
        resize = new ResizeSpec.Exact(224, 224);
        crop = new CropSpec.None();
        resample = ResampleFilter.BILINEAR;
        mean = IMAGENET_STANDARD_MEAN;
        std = IMAGENET_STANDARD_STD;
      }
      case CLIP -> {
        hub = "openai/clip-vit-base-patch16";
        resize = new ResizeSpec.ShortestEdge(224);
        crop = new CropSpec.Center(224, 224, CropRounding.FLOOR);
        resample = ResampleFilter.BICUBIC;
        mean = OPENAI_CLIP_MEAN;
        std = OPENAI_CLIP_STD;
      }
      case DEIT -> {
        hub = "facebook/deit-base-distilled-patch16-224";
        resize = new ResizeSpec.Exact(256, 256);
        crop = new CropSpec.Center(224, 224, CropRounding.FLOOR);
        resample = ResampleFilter.BICUBIC;
        mean = IMAGENET_DEFAULT_MEAN;
        std = IMAGENET_DEFAULT_STD;
      }
      case SIGLIP -> {
        hub = "google/siglip-base-patch16-224";
        resize = new ResizeSpec.Exact(224, 224);
        crop = new CropSpec.None();
        resample = ResampleFilter.BICUBIC;
        mean = IMAGENET_STANDARD_MEAN;
        std = IMAGENET_STANDARD_STD;
      }
      case DINOV3 -> {
        hub = "facebook/dinov3-vits16-pretrain-lvd1689m";
        resize = new ResizeSpec.Exact(224, 224);
        crop = new CropSpec.None();
        resample = ResampleFilter.BILINEAR;
        mean = IMAGENET_DEFAULT_MEAN;
        std = IMAGENET_DEFAULT_STD;
      }
      default -> throw new IllegalArgumentException("no defaults for " + family);
    }
    HfProcessor processor = HfProcessor.forFamily(family);
    String notes =
        why
            + "; assumed the "
            + hub
            + " "
            + HF_CONFIG_FILE
            + " values ("
            + processor.className
            + "), not the class defaults";
    return new PreprocessConfig(
        family.displayName() + " defaults (" + hub + ")",
        notes,
        resize,
        resample,
        crop,
        true,
        RESCALE_1_255,
        processor.rescaleArithmetic(),
        true,
        mean,
        std,
        processor.convertsToRgb,
        processor.pipeline);
  }
}
