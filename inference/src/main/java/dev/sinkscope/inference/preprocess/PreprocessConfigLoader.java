package dev.sinkscope.inference.preprocess;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sinkscope.inference.model.ModelFamily;
import java.nio.file.Files;
import java.nio.file.Path;

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
 * The readers live beside it: {@link HfPreprocessorConfigReader} (with the {@link HfProcessor}
 * table), {@link TimmConfigReader}, {@link FamilyDefaults} and the field checks in {@link
 * PreprocessConfigJson}.
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

  private PreprocessConfigLoader() {}

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
      JsonNode root = PreprocessConfigJson.readObject(modelConfig);
      if (root.has("pretrained_cfg")) {
        return fromTimmConfig(modelConfig);
      }
      ModelFamily family = HfPreprocessorConfigReader.familyOfModelType(root, modelConfig);
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
    return HfPreprocessorConfigReader.read(file, familyIfUndetermined);
  }

  /**
   * Reads timm's eval preprocessing from {@code config.json} ({@code pretrained_cfg}, or the file
   * itself when it is a bare pretrained_cfg): {@code resolve_data_config} + {@code
   * create_transform(is_training=False)}. Scale size {@code floor(input_size / crop_pct)},
   * short-side resize, torchvision centre crop (round half to even), float32 {@code / 255}.
   */
  public static PreprocessConfig fromTimmConfig(Path configJson) throws PreprocessConfigException {
    return TimmConfigReader.read(configJson);
  }

  /**
   * The preprocessing of the family's reference hub checkpoint, for a model folder without a
   * config; {@code why} is kept in the notes together with what was assumed.
   */
  public static PreprocessConfig forFamily(ModelFamily family, String why) {
    return FamilyDefaults.forFamily(family, why);
  }
}
