package dev.sinkscope.inference.preprocess;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.sinkscope.inference.model.ModelFamily;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;

/**
 * Builds a {@link PreprocessConfig} the way the reference code reads a model folder:
 *
 * <ol>
 *   <li>{@code preprocessor_config.json}: transformers' image processor, picked by {@code
 *       image_processor_type}, else {@code feature_extractor_type}, else {@code model_type} in
 *       {@code config.json}; keys the file leaves out get that class's defaults
 *   <li>else {@code config.json} with a timm {@code pretrained_cfg}: timm's eval transform
 *   <li>else the values of the family's reference hub checkpoint, with a note saying so. Not the
 *       processor class defaults: for DINOv2 those differ (224 shortest edge, CLIP mean/std)
 * </ol>
 *
 * Unknown or invalid values raise {@link PreprocessConfigException} naming the file and the key.
 */
public final class PreprocessConfigLoader {

  public static final String HF_CONFIG_FILE = "preprocessor_config.json";
  public static final String MODEL_CONFIG_FILE = "config.json";

  static final double RESCALE_1_255 = 1 / 255.0;
  static final double[] IMAGENET_DEFAULT_MEAN = {0.485, 0.456, 0.406};
  static final double[] IMAGENET_DEFAULT_STD = {0.229, 0.224, 0.225};
  static final double[] IMAGENET_STANDARD_MEAN = {0.5, 0.5, 0.5};
  static final double[] IMAGENET_STANDARD_STD = {0.5, 0.5, 0.5};
  static final double[] OPENAI_CLIP_MEAN = {0.48145466, 0.4578275, 0.40821073};
  static final double[] OPENAI_CLIP_STD = {0.26862954, 0.26130258, 0.27577711};

  /**
   * Largest resize or crop side accepted from a config: 8192 x 8192 is 67 MP, under the decoder's
   * 100 MP limit; real processors ask for 224 to 1024.
   */
  public static final int MAX_SIDE = 8192;

  /**
   * A preprocessing config larger than this is not one (the same limit as a model's config.json).
   */
  public static final long MAX_CONFIG_BYTES = 4L * 1024 * 1024;

  private static final ObjectMapper JSON =
      JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();

  private PreprocessConfigLoader() {}

  /** transformers image processor classes this loader follows, with their class defaults. */
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
    /**
     * transformers 5 has only a torchvision backend for DINOv3: rescale, then resize the floats.
     */
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
  }

  /**
   * Resolves the preprocessing of the model in {@code modelDir}; see the class comment for the
   * order.
   */
  public static PreprocessConfig fromModelFolder(Path modelDir) throws PreprocessConfigException {
    return fromModelFolder(modelDir, null);
  }

  /**
   * As {@link #fromModelFolder(Path)}; {@code familyIfUndetermined} (may be null) is used only when
   * the folder itself does not tell the processor or family.
   */
  public static PreprocessConfig fromModelFolder(Path modelDir, ModelFamily familyIfUndetermined)
      throws PreprocessConfigException {
    Path hf = modelDir.resolve(HF_CONFIG_FILE);
    if (Files.isRegularFile(hf)) {
      return fromHfPreprocessorConfig(hf, familyIfUndetermined);
    }
    Path modelConfig = modelDir.resolve(MODEL_CONFIG_FILE);
    if (Files.isRegularFile(modelConfig)) {
      JsonNode root = readObject(modelConfig);
      if (root.has("pretrained_cfg")) {
        return fromTimmConfig(modelConfig);
      }
      ModelFamily family = familyOfModelType(root, modelConfig);
      if (family != null) {
        return forFamily(
            family,
            "no "
                + HF_CONFIG_FILE
                + " in "
                + modelDir.getFileName()
                + "; family from model_type in "
                + MODEL_CONFIG_FILE);
      }
    }
    if (familyIfUndetermined != null) {
      return forFamily(
          familyIfUndetermined,
          "no "
              + HF_CONFIG_FILE
              + " or timm "
              + MODEL_CONFIG_FILE
              + " in "
              + modelDir.getFileName()
              + "; family given by the caller");
    }
    throw new PreprocessConfigException(
        modelDir
            + ": neither "
            + HF_CONFIG_FILE
            + " nor a "
            + MODEL_CONFIG_FILE
            + " with pretrained_cfg or a known model_type; cannot tell how images are preprocessed");
  }

  /** Reads a transformers {@code preprocessor_config.json}. */
  public static PreprocessConfig fromHfPreprocessorConfig(Path file)
      throws PreprocessConfigException {
    return fromHfPreprocessorConfig(file, null);
  }

  /**
   * Reads a transformers {@code preprocessor_config.json}; the processor class comes from the file,
   * else from {@code model_type} in a {@code config.json} beside it, else from {@code
   * familyIfUndetermined}.
   */
  public static PreprocessConfig fromHfPreprocessorConfig(
      Path file, ModelFamily familyIfUndetermined) throws PreprocessConfigException {
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
          rescaleArithmetic(processor),
          doNormalize,
          mean,
          std,
          convertRgb,
          processor.pipeline);
    } catch (IllegalArgumentException e) {
      throw new PreprocessConfigException(name + ": " + e.getMessage(), e);
    }
  }

  /**
   * Reads timm's eval preprocessing from {@code config.json} ({@code pretrained_cfg}, or the file
   * itself when it is a bare pretrained_cfg): {@code resolve_data_config} + {@code
   * create_transform(is_training=False)}. Scale size {@code floor(input_size / crop_pct)},
   * short-side resize, torchvision centre crop (round half to even), float32 {@code / 255}.
   */
  public static PreprocessConfig fromTimmConfig(Path configJson) throws PreprocessConfigException {
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

  /**
   * The preprocessing of the family's reference hub checkpoint, for a model folder without a
   * config; {@code why} is kept in the notes together with what was assumed.
   */
  public static PreprocessConfig forFamily(ModelFamily family, String why) {
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
        rescaleArithmetic(processor),
        true,
        mean,
        std,
        processor.convertsToRgb,
        processor.pipeline);
  }

  /** numpy's float64 multiply for the PIL processors; a float32 multiply on torch tensors. */
  private static RescaleArithmetic rescaleArithmetic(HfProcessor processor) {
    return processor.pipeline == PixelPipeline.TORCH_FLOAT
        ? RescaleArithmetic.FLOAT32_MULTIPLY
        : RescaleArithmetic.FLOAT64_MULTIPLY;
  }

  private static HfProcessor resolveProcessor(
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
  private static ModelFamily familyOfModelType(JsonNode root, Path file)
      throws PreprocessConfigException {
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

  private static ResizeSpec parseSize(JsonNode size, HfProcessor processor, String file)
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
  private static int[] parseCropSize(JsonNode crop, String file) throws PreprocessConfigException {
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

  /**
   * An image side in pixels: 1..{@link #MAX_SIDE}, and not a long that {@code intValue()} would
   * wrap.
   */
  private static int side(JsonNode v, String file, String key) throws PreprocessConfigException {
    if (!v.canConvertToInt() || v.intValue() <= 0) {
      throw PreprocessConfigException.forKey(
          file, key, "must be a positive number of pixels, got " + v);
    }
    if (v.intValue() > MAX_SIDE) {
      throw PreprocessConfigException.forKey(
          file, key, "is " + v + " pixels; at most " + MAX_SIDE + " are supported");
    }
    return v.intValue();
  }

  private static boolean allInts(JsonNode array) {
    for (JsonNode n : array) {
      if (!n.isIntegralNumber()) {
        return false;
      }
    }
    return true;
  }

  private static boolean bool(
      JsonNode obj, String key, boolean fallback, String file, List<String> defaulted)
      throws PreprocessConfigException {
    JsonNode n = obj.get(key);
    if (n == null || n.isNull()) {
      defaulted.add(key);
      return fallback;
    }
    if (!n.isBoolean()) {
      throw PreprocessConfigException.forKey(file, key, "expected true or false, got " + n);
    }
    return n.booleanValue();
  }

  private static double number(
      JsonNode obj, String key, double fallback, String file, List<String> defaulted)
      throws PreprocessConfigException {
    JsonNode n = obj.get(key);
    if (n == null || n.isNull()) {
      defaulted.add(key);
      return fallback;
    }
    if (!n.isNumber() || !Double.isFinite(n.doubleValue())) {
      throw PreprocessConfigException.forKey(file, key, "expected a number, got " + n);
    }
    return n.doubleValue();
  }

  /**
   * Three per-channel numbers; a single number applies to all channels, as numpy broadcasting does.
   */
  private static double[] triple(
      JsonNode obj, String key, double[] fallback, String file, List<String> defaulted)
      throws PreprocessConfigException {
    JsonNode n = obj.get(key);
    if (n == null || n.isNull()) {
      defaulted.add(key);
      return fallback.clone();
    }
    if (n.isNumber()) {
      double v = n.doubleValue();
      return new double[] {v, v, v};
    }
    if (!n.isArray() || n.size() != 3) {
      throw PreprocessConfigException.forKey(file, key, "expected 3 numbers (R, G, B), got " + n);
    }
    double[] out = new double[3];
    for (int i = 0; i < 3; i++) {
      if (!n.get(i).isNumber()) {
        throw PreprocessConfigException.forKey(file, key, "expected 3 numbers (R, G, B), got " + n);
      }
      out[i] = n.get(i).doubleValue();
    }
    if (key.contains("std")) {
      for (double v : out) {
        if (!(v > 0)) {
          throw PreprocessConfigException.forKey(
              file, key, "standard deviations must be positive, got " + n);
        }
      }
    }
    return out;
  }

  private static JsonNode readObject(Path file) throws PreprocessConfigException {
    String text;
    try {
      if (!Files.isRegularFile(file)) {
        throw new PreprocessConfigException(
            file + ": " + (Files.exists(file) ? "not a regular file" : "missing"));
      }
      long size = Files.size(file);
      if (size > MAX_CONFIG_BYTES) {
        throw new PreprocessConfigException(
            file
                + ": is "
                + size
                + " bytes; a preprocessing config is at most "
                + MAX_CONFIG_BYTES
                + " bytes");
      }
      text = Files.readString(file);
    } catch (IOException e) {
      throw new PreprocessConfigException(file + ": cannot be read (" + e + ")", e);
    }
    try {
      JsonNode root = JSON.readTree(text);
      if (root == null || !root.isObject()) {
        throw new PreprocessConfigException(file + ": expected a JSON object");
      }
      return root;
    } catch (JsonProcessingException e) {
      throw new PreprocessConfigException(
          file + ": not valid JSON (" + e.getOriginalMessage() + ")", e);
    }
  }
}
