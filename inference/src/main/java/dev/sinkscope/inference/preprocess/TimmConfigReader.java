package dev.sinkscope.inference.preprocess;

import static dev.sinkscope.inference.preprocess.PreprocessConfigJson.allInts;
import static dev.sinkscope.inference.preprocess.PreprocessConfigJson.number;
import static dev.sinkscope.inference.preprocess.PreprocessConfigJson.readObject;
import static dev.sinkscope.inference.preprocess.PreprocessConfigJson.side;
import static dev.sinkscope.inference.preprocess.PreprocessConfigJson.triple;
import static dev.sinkscope.inference.preprocess.PreprocessConfigLoader.IMAGENET_DEFAULT_MEAN;
import static dev.sinkscope.inference.preprocess.PreprocessConfigLoader.IMAGENET_DEFAULT_STD;
import static dev.sinkscope.inference.preprocess.PreprocessConfigLoader.MAX_SIDE;
import static dev.sinkscope.inference.preprocess.PreprocessConfigLoader.MODEL_CONFIG_FILE;
import static dev.sinkscope.inference.preprocess.PreprocessConfigLoader.RESCALE_1_255;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Reads timm's eval preprocessing from a model's {@code config.json}. */
final class TimmConfigReader {

  private TimmConfigReader() {}

  /**
   * Reads timm's eval preprocessing from {@code config.json} ({@code pretrained_cfg}, or the file
   * itself when it is a bare pretrained_cfg): {@code resolve_data_config} + {@code
   * create_transform(is_training=False)}. Scale size {@code floor(input_size / crop_pct)},
   * short-side resize, torchvision centre crop (round half to even), float32 {@code / 255}.
   */
  static PreprocessConfig read(Path configJson) throws PreprocessConfigException {
    String name = configJson.toString();
    JsonNode root = readObject(configJson);
    JsonNode cfg = root.has("pretrained_cfg") ? root.get("pretrained_cfg") : root;
    if (!cfg.isObject() || (!root.has("pretrained_cfg") && !cfg.has("input_size"))) {
      throw PreprocessConfigException.forKey(
          name, "pretrained_cfg", "missing: not a timm model config");
    }
    List<String> defaulted = new ArrayList<>();
    int height = 224;
    int width = 224;
    JsonNode inputSize = cfg.get("input_size");
    if (inputSize == null || inputSize.isNull()) {
      defaulted.add("input_size");
    } else {
      if (!inputSize.isArray() || inputSize.size() != 3 || !allInts(inputSize)) {
        throw PreprocessConfigException.forKey(
            name, "input_size", "expected [channels, height, width], got " + inputSize);
      }
      if (inputSize.get(0).intValue() != 3) {
        throw PreprocessConfigException.forKey(
            name, "input_size", "expected 3 channels, got " + inputSize.get(0));
      }
      height = side(inputSize.get(1), name, "input_size");
      width = side(inputSize.get(2), name, "input_size");
    }
    ResampleFilter resample = ResampleFilter.BICUBIC;
    JsonNode interpolation = cfg.get("interpolation");
    if (interpolation == null || interpolation.isNull() || interpolation.asText().isEmpty()) {
      defaulted.add("interpolation");
    } else {
      if (!interpolation.isTextual()) {
        throw PreprocessConfigException.forKey(
            name, "interpolation", "expected a name such as \"bicubic\", got " + interpolation);
      }
      try {
        resample = ResampleFilter.fromTimmName(interpolation.asText());
      } catch (IllegalArgumentException e) {
        throw PreprocessConfigException.forKey(name, "interpolation", e.getMessage());
      }
    }
    double cropPct = number(cfg, "crop_pct", 0.875, name, defaulted);
    if (!(cropPct > 0) || Double.isInfinite(cropPct)) {
      throw PreprocessConfigException.forKey(name, "crop_pct", "must be positive, got " + cropPct);
    }
    String cropMode = "center";
    JsonNode cropModeNode = cfg.get("crop_mode");
    if (cropModeNode == null || cropModeNode.isNull()) {
      defaulted.add("crop_mode");
    } else {
      cropMode = cropModeNode.asText().toLowerCase(Locale.ROOT);
    }
    double[] mean = triple(cfg, "mean", IMAGENET_DEFAULT_MEAN, name, defaulted);
    double[] std = triple(cfg, "std", IMAGENET_DEFAULT_STD, name, defaulted);

    if (Math.max(height, width) / cropPct > MAX_SIDE) {
      throw PreprocessConfigException.forKey(
          name,
          "crop_pct",
          cropPct
              + " would resize to "
              + (long) Math.floor(Math.max(height, width) / cropPct)
              + " pixels; at most "
              + MAX_SIDE
              + " are supported");
    }
    int scaleHeight = (int) Math.floor(height / cropPct);
    int scaleWidth = (int) Math.floor(width / cropPct);
    CropSpec crop = new CropSpec.Center(width, height, CropRounding.HALF_EVEN);
    ResizeSpec resize;
    switch (cropMode) {
      case "center" -> {
        if (scaleHeight != scaleWidth) {
          throw PreprocessConfigException.forKey(
              name,
              "input_size",
              "a non-square input with crop_mode 'center'"
                  + " (timm's ResizeKeepRatio) is not supported, got "
                  + height
                  + " x "
                  + width);
        }
        resize = new ResizeSpec.ShortestEdge(scaleHeight);
      }
      case "squash" -> resize = new ResizeSpec.Exact(scaleWidth, scaleHeight);
      case "border" ->
          throw PreprocessConfigException.forKey(
              name,
              "crop_mode",
              "'border' (letterboxing) is not supported; supported: center, squash");
      default ->
          throw PreprocessConfigException.forKey(
              name,
              "crop_mode",
              "unknown value '" + cropModeNode.asText() + "' (expected center, squash or border)");
    }
    String notes =
        defaulted.isEmpty() ? "" : "timm defaults used for " + String.join(", ", defaulted);
    try {
      return new PreprocessConfig(
          "timm pretrained_cfg in " + MODEL_CONFIG_FILE,
          notes,
          resize,
          resample,
          crop,
          true,
          RESCALE_1_255,
          RescaleArithmetic.FLOAT32_DIVIDE,
          true,
          mean,
          std,
          false);
    } catch (IllegalArgumentException e) {
      throw new PreprocessConfigException(name + ": " + e.getMessage(), e);
    }
  }
}
