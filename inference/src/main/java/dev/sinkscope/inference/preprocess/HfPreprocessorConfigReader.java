package dev.sinkscope.inference.preprocess;

import static dev.sinkscope.inference.preprocess.PreprocessConfigJson.allInts;
import static dev.sinkscope.inference.preprocess.PreprocessConfigJson.bool;
import static dev.sinkscope.inference.preprocess.PreprocessConfigJson.number;
import static dev.sinkscope.inference.preprocess.PreprocessConfigJson.readObject;
import static dev.sinkscope.inference.preprocess.PreprocessConfigJson.side;
import static dev.sinkscope.inference.preprocess.PreprocessConfigJson.triple;
import static dev.sinkscope.inference.preprocess.PreprocessConfigLoader.HF_CONFIG_FILE;
import static dev.sinkscope.inference.preprocess.PreprocessConfigLoader.MODEL_CONFIG_FILE;
import static dev.sinkscope.inference.preprocess.PreprocessConfigLoader.RESCALE_1_255;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sinkscope.inference.model.ModelFamily;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/** Reads a transformers {@code preprocessor_config.json} into a {@link PreprocessConfig}. */
final class HfPreprocessorConfigReader {

  private HfPreprocessorConfigReader() {}

  /**
   * Reads a transformers {@code preprocessor_config.json}; the processor class comes from the file,
   * else from {@code model_type} in a {@code config.json} beside it, else from {@code
   * familyIfUndetermined}.
   */
  static PreprocessConfig read(Path file, ModelFamily familyIfUndetermined)
      throws PreprocessConfigException {
    String name = file.toString();
    JsonNode root = readObject(file);
    List<String> notes = new ArrayList<>();
    HfProcessor processor = resolveProcessor(root, file, familyIfUndetermined, notes);
    List<String> defaulted = new ArrayList<>();

    boolean doResize = bool(root, "do_resize", true, name, defaulted);
    ResizeSpec resize = new ResizeSpec.Unchanged();
    if (doResize) {
      JsonNode size = root.get("size");
      if (size == null || size.isNull()) {
        defaulted.add("size");
        resize = processor.defaultSize;
      } else {
        resize = parseSize(size, processor, name);
      }
    }
    ResampleFilter resample = processor.defaultResample;
    JsonNode resampleNode = root.get("resample");
    if (resampleNode == null || resampleNode.isNull()) {
      defaulted.add("resample");
    } else {
      if (!resampleNode.isIntegralNumber()) {
        throw PreprocessConfigException.forKey(
            name, "resample", "expected a Pillow filter id 0..5, got " + resampleNode);
      }
      try {
        resample = ResampleFilter.fromPilId(resampleNode.intValue());
      } catch (IllegalArgumentException e) {
        throw PreprocessConfigException.forKey(name, "resample", e.getMessage());
      }
    }
    CropSpec crop = new CropSpec.None();
    if (processor.hasCenterCrop) {
      if (bool(root, "do_center_crop", true, name, defaulted)) {
        JsonNode cropSize = root.get("crop_size");
        if (cropSize == null || cropSize.isNull()) {
          defaulted.add("crop_size");
          crop = new CropSpec.Center(224, 224, CropRounding.FLOOR);
        } else {
          int[] wh = parseCropSize(cropSize, name);
          crop = new CropSpec.Center(wh[0], wh[1], CropRounding.FLOOR);
        }
      }
    } else if (root.path("do_center_crop").asBoolean(false)) {
      notes.add(
          processor.className
              + " has no centre crop; do_center_crop is ignored as transformers ignores it");
    }
    boolean doRescale = bool(root, "do_rescale", true, name, defaulted);
    double rescaleFactor = number(root, "rescale_factor", RESCALE_1_255, name, defaulted);
    boolean doNormalize = bool(root, "do_normalize", true, name, defaulted);
    double[] mean = triple(root, "image_mean", processor.defaultMean, name, defaulted);
    double[] std = triple(root, "image_std", processor.defaultStd, name, defaulted);
    boolean convertRgb =
        processor.convertsToRgb && bool(root, "do_convert_rgb", true, name, defaulted);
    if (!defaulted.isEmpty()) {
      notes.add(processor.className + " class defaults used for " + String.join(", ", defaulted));
    }
    try {
      if (processor.pipeline == PixelPipeline.TORCH_FLOAT && resample != ResampleFilter.BILINEAR) {
        throw PreprocessConfigException.forKey(
            name,
            "resample",
            processor.className
                + " resizes with torch; only "
                + "bilinear (2) is implemented for it, got "
                + resample.pilId());
      }
      return new PreprocessConfig(
          HF_CONFIG_FILE + " (" + processor.className + ")",
          String.join("; ", notes),
          resize,
          resample,
          crop,
          doRescale,
          rescaleFactor,
          processor.rescaleArithmetic(),
          doNormalize,
          mean,
          std,
          convertRgb,
          processor.pipeline);
    } catch (IllegalArgumentException e) {
      throw new PreprocessConfigException(name + ": " + e.getMessage(), e);
    }
  }

  static HfProcessor resolveProcessor(
      JsonNode root, Path file, ModelFamily familyIfUndetermined, List<String> notes)
      throws PreprocessConfigException {
    String name = file.toString();
    for (String key : new String[] {"image_processor_type", "feature_extractor_type"}) {
      JsonNode type = root.get(key);
      if (type != null && !type.isNull()) {
        HfProcessor p = HfProcessor.fromClassName(type.asText());
        if (p == null) {
          throw PreprocessConfigException.forKey(
              name,
              key,
              "unsupported image processor '"
                  + type.asText()
                  + "' (supported: BitImageProcessor, ViTImageProcessor, CLIPImageProcessor, DeiTImageProcessor, "
                  + "SiglipImageProcessor, DINOv3ViTImageProcessor)");
        }
        return p;
      }
    }
    Path parent = file.toAbsolutePath().getParent();
    Path modelConfig = parent == null ? null : parent.resolve(MODEL_CONFIG_FILE);
    if (modelConfig != null && Files.isRegularFile(modelConfig)) {
      ModelFamily family = familyOfModelType(readObject(modelConfig), modelConfig);
      if (family != null) {
        return HfProcessor.forFamily(family);
      }
    }
    if (familyIfUndetermined != null) {
      HfProcessor p = HfProcessor.forFamily(familyIfUndetermined);
      notes.add(
          "the file names no processor class; used "
              + p.className
              + " for the "
              + familyIfUndetermined.displayName()
              + " family given by the caller");
      return p;
    }
    throw PreprocessConfigException.forKey(
        name,
        "image_processor_type",
        "missing, as are feature_extractor_type"
            + " and a model_type in "
            + MODEL_CONFIG_FILE
            + "; cannot tell which image processor applies");
  }

  /** The family a transformers {@code model_type} belongs to, or null when the key is absent. */
  static ModelFamily familyOfModelType(JsonNode root, Path file) throws PreprocessConfigException {
    JsonNode type = root.get("model_type");
    if (type == null || type.isNull()) {
      return null;
    }
    return switch (type.asText()) {
      case "dinov2", "dinov2_with_registers" -> ModelFamily.DINOV2;
      case "vit" -> ModelFamily.VIT;
      case "deit" -> ModelFamily.DEIT;
      case "clip", "clip_vision_model" -> ModelFamily.CLIP;
      case "siglip", "siglip_vision_model" -> ModelFamily.SIGLIP;
      case "dinov3_vit" -> ModelFamily.DINOV3;
      default ->
          throw PreprocessConfigException.forKey(
              file.toString(),
              "model_type",
              "unsupported model type '"
                  + type.asText()
                  + "' (supported: dinov2, dinov2_with_registers, dinov3_vit, vit, deit, clip, "
                  + "clip_vision_model, siglip, siglip_vision_model)");
    };
  }

  static ResizeSpec parseSize(JsonNode size, HfProcessor processor, String file)
      throws PreprocessConfigException {
    if (size.isIntegralNumber()) {
      int s = side(size, file, "size");
      return processor.intSizeIsSquare
          ? new ResizeSpec.Exact(s, s)
          : new ResizeSpec.ShortestEdge(s);
    }
    if (size.isArray() && size.size() == 2 && allInts(size)) {
      return new ResizeSpec.Exact(side(size.get(1), file, "size"), side(size.get(0), file, "size"));
    }
    if (size.isObject()) {
      List<String> keys = new ArrayList<>();
      for (Iterator<String> it = size.fieldNames(); it.hasNext(); ) {
        String k = it.next();
        if (!size.get(k).isNull()) {
          keys.add(k);
        }
      }
      if (keys.equals(List.of("shortest_edge")) && size.get("shortest_edge").isIntegralNumber()) {
        return new ResizeSpec.ShortestEdge(
            side(size.get("shortest_edge"), file, "size.shortest_edge"));
      }
      if (keys.size() == 2
          && keys.containsAll(List.of("height", "width"))
          && size.get("height").isIntegralNumber()
          && size.get("width").isIntegralNumber()) {
        return new ResizeSpec.Exact(
            side(size.get("width"), file, "size.width"),
            side(size.get("height"), file, "size.height"));
      }
    }
    throw PreprocessConfigException.forKey(
        file,
        "size",
        "expected an integer, {\"shortest_edge\": n} or"
            + " {\"height\": h, \"width\": w}, got "
            + size);
  }

  /** crop_size as {width, height}. */
  static int[] parseCropSize(JsonNode crop, String file) throws PreprocessConfigException {
    if (crop.isIntegralNumber()) {
      int s = side(crop, file, "crop_size");
      return new int[] {s, s};
    }
    if (crop.isArray() && crop.size() == 2 && allInts(crop)) {
      return new int[] {side(crop.get(1), file, "crop_size"), side(crop.get(0), file, "crop_size")};
    }
    if (crop.isObject()
        && crop.size() == 2
        && crop.path("height").isIntegralNumber()
        && crop.path("width").isIntegralNumber()) {
      return new int[] {
        side(crop.get("width"), file, "crop_size.width"),
        side(crop.get("height"), file, "crop_size.height")
      };
    }
    throw PreprocessConfigException.forKey(
        file, "crop_size", "expected an integer or {\"height\": h, \"width\": w}, got " + crop);
  }
}
