package dev.sinkscope.app.report;

import dev.sinkscope.inference.preprocess.ImageLoadException;
import dev.sinkscope.inference.preprocess.PreprocessConfigException;
import dev.sinkscope.inference.preprocess.PreprocessGeometry;
import dev.sinkscope.inference.preprocess.PreprocessPipeline;
import dev.sinkscope.inference.preprocess.Preprocessed;
import dev.sinkscope.inference.preprocess.Preprocessor;
import dev.sinkscope.inference.preprocess.RgbImage;
import dev.sinkscope.inference.result.FloatTensor;
import dev.sinkscope.inference.safetensors.SafetensorsFile;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The model input and, for a photo, the decoded photo and where the input lies in it.
 *
 * @param name file name for titles
 * @param file the file read
 * @param pixels {@code pixel_values [1, 3, H, W]}
 * @param photo the decoded photo (EXIF orientation applied); null for a pixel tensor
 * @param geometry how {@code pixels} were cut from {@code photo}; null for a pixel tensor
 */
public record ImageInput(
    String name, Path file, FloatTensor pixels, RgbImage photo, PreprocessGeometry geometry) {

  /** Decodes a photo and preprocesses it as the model folder says. */
  public static ImageInput photo(Path modelFolder, Path file)
      throws PreprocessConfigException, ImageLoadException {
    PreprocessPipeline pipeline = PreprocessPipeline.forModelFolder(modelFolder);
    RgbImage photo = pipeline.decoder().decode(file);
    Preprocessed p;
    try {
      p = Preprocessor.preprocess(photo, pipeline.config());
    } catch (IllegalArgumentException e) {
      throw new ImageLoadException(file.toString(), e.getMessage()); // a refusal names the file
    }
    return new ImageInput(nameOf(file), file, p.pixelValues(), photo, p.geometry());
  }

  /** A {@code pixel_values} tensor from a safetensors file, used as is. */
  public static ImageInput pixels(Path file) throws IOException {
    return new ImageInput(nameOf(file), file, readPixels(file), null, null);
  }

  /** The {@code pixel_values [1, 3, H, W]} tensor of a safetensors file. */
  public static FloatTensor readPixels(Path file) throws IOException {
    try (SafetensorsFile f = SafetensorsFile.open(file)) {
      if (!f.contains("pixel_values")) {
        throw new IllegalArgumentException(
            file + ": no tensor named 'pixel_values' (found " + f.tensors().keySet() + ")");
      }
      int[] shape = f.info("pixel_values").intShape();
      if (shape.length != 4 || shape[0] != 1 || shape[1] != 3) {
        throw new IllegalArgumentException(
            file
                + ": pixel_values must be [1, 3, H, W], found "
                + f.info("pixel_values").shapeString());
      }
      return new FloatTensor(shape, f.readFloats("pixel_values"));
    }
  }

  /**
   * This input, checked against the model's patch size: a pixel tensor is used as is, so its height
   * and width must be multiples of it; the refusal names the file.
   */
  public ImageInput fitting(int patchSize) {
    int h = pixels.shape()[2];
    int w = pixels.shape()[3];
    if (photo == null
        && (h % patchSize != 0 || w % patchSize != 0 || h < patchSize || w < patchSize)) {
      throw new IllegalArgumentException(
          file
              + ": pixel_values is "
              + h
              + " x "
              + w
              + " (height x width), not a"
              + " multiple of the model's patch size "
              + patchSize
              + "; crop or resize it to e.g. "
              + Math.max(patchSize, h / patchSize * patchSize)
              + " x "
              + Math.max(patchSize, w / patchSize * patchSize));
    }
    return this;
  }

  public boolean hasPhoto() {
    return photo != null;
  }

  private static String nameOf(Path file) {
    Path name = file.getFileName();
    return name == null ? file.toString() : name.toString();
  }
}
