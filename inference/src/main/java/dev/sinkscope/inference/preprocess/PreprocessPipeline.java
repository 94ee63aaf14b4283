package dev.sinkscope.inference.preprocess;

import dev.sinkscope.inference.model.ModelFamily;
import java.nio.file.Path;

/**
 * From a model folder and an image file to {@code pixel_values} and geometry:
 *
 * <pre>{@code
 * PreprocessPipeline pipeline = PreprocessPipeline.forModelFolder(modelDir);
 * Preprocessed input = pipeline.process(imageFile);
 * FloatTensor pixelValues = input.pixelValues();   // [1, 3, H, W]
 * PreprocessGeometry geometry = input.geometry();  // patch grid -> photo
 * }</pre>
 */
public record PreprocessPipeline(ImageDecoder decoder, PreprocessConfig config) {

  public PreprocessPipeline {
    if (decoder == null || config == null) {
      throw new IllegalArgumentException("decoder and config are required");
    }
  }

  /** The folder's preprocessing (see {@link PreprocessConfigLoader}) with a default decoder. */
  public static PreprocessPipeline forModelFolder(Path modelDir) throws PreprocessConfigException {
    return new PreprocessPipeline(
        new ImageDecoder(), PreprocessConfigLoader.fromModelFolder(modelDir));
  }

  /**
   * As {@link #forModelFolder(Path)}, with a family to fall back on when the folder does not tell.
   */
  public static PreprocessPipeline forModelFolder(Path modelDir, ModelFamily familyIfUndetermined)
      throws PreprocessConfigException {
    return new PreprocessPipeline(
        new ImageDecoder(), PreprocessConfigLoader.fromModelFolder(modelDir, familyIfUndetermined));
  }

  /** Decodes {@code imageFile} and preprocesses it as the model's reference processor does. */
  public Preprocessed process(Path imageFile) throws ImageLoadException {
    RgbImage image = decoder.decode(imageFile);
    try {
      return Preprocessor.preprocess(image, config);
    } catch (IllegalArgumentException e) {
      throw new ImageLoadException(imageFile.toString(), e.getMessage());
    }
  }

  /**
   * Decodes {@code imageFile} and runs it at its own resolution, patch-aligned by {@code fit}; an
   * image that {@code fit} cannot align (smaller than a patch, or not a multiple when one is
   * required) is an {@link ImageLoadException} naming the file.
   */
  public Preprocessed processAtNativeSize(Path imageFile, int patchSize, PatchFit fit)
      throws ImageLoadException {
    RgbImage image = decoder.decode(imageFile);
    try {
      return Preprocessor.preprocessAtNativeSize(image, config, patchSize, fit);
    } catch (IllegalArgumentException e) {
      throw new ImageLoadException(imageFile.toString(), e.getMessage());
    }
  }
}
