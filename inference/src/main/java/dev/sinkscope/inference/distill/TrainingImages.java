package dev.sinkscope.inference.distill;

import dev.sinkscope.inference.preprocess.ImageDecoder;
import dev.sinkscope.inference.preprocess.ImageLoadException;
import dev.sinkscope.inference.preprocess.PillowResampler;
import dev.sinkscope.inference.preprocess.PreprocessConfig;
import dev.sinkscope.inference.preprocess.ResampleFilter;
import dev.sinkscope.inference.preprocess.RgbImage;
import dev.sinkscope.inference.result.FloatTensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

/**
 * Student inputs as the reference's training transform makes them ({@code flickr30k_dataset.py}):
 * {@code Resize(R, bicubic)} on the short edge, a random square crop along the long edge, then
 * {@code ToTensor} and the model's mean/std. The crop is drawn once per image from the seed and the
 * file's hash (the reference draws a new one every epoch), so teacher targets can be cached.
 */
public final class TrainingImages {
  private TrainingImages() {}

  public static List<TrainingImage> load(
      List<Path> files, int resolution, PreprocessConfig config, long seed) throws IOException {
    if (files.isEmpty()) {
      throw new IOException("no images to train on");
    }
    ImageDecoder decoder = new ImageDecoder();
    List<TrainingImage> out = new ArrayList<>(files.size());
    for (Path file : files) {
      byte[] bytes = Files.readAllBytes(file);
      String hash = sha256(bytes);
      RgbImage image;
      try {
        image = decoder.decode(bytes, file.toString());
      } catch (ImageLoadException e) {
        throw new IOException(file + ": " + e.getMessage(), e);
      }
      out.add(prepare(file.getFileName().toString(), hash, image, resolution, config, seed));
    }
    return out;
  }

  static TrainingImage prepare(
      String name,
      String hash,
      RgbImage image,
      int resolution,
      PreprocessConfig config,
      long seed) {
    int w = image.width();
    int h = image.height();
    // torchvision Resize(int): the short edge becomes R, the long edge int(R * long / short)
    int newW = w <= h ? resolution : (int) ((long) resolution * w / h);
    int newH = w <= h ? (int) ((long) resolution * h / w) : resolution;
    RgbImage resized =
        w == newW && h == newH
            ? image
            : PillowResampler.resize(image, newW, newH, ResampleFilter.BICUBIC);
    Random random = new Random(seed ^ Long.parseUnsignedLong(hash.substring(0, 15), 16));
    int left = newW > resolution ? random.nextInt(newW - resolution + 1) : 0;
    int top = newH > resolution ? random.nextInt(newH - resolution + 1) : 0;
    RgbImage crop = resized.crop(left, top, resolution, resolution);
    return new TrainingImage(name, hash, normalize(crop, config), left, top);
  }

  /** {@code [1, 3, R, R]}: v / 255 (the config's rescale), then (x − mean) / std in float32. */
  static FloatTensor normalize(RgbImage image, PreprocessConfig config) {
    int w = image.width();
    int h = image.height();
    float[] out = new float[3 * w * h];
    double[] mean = config.mean();
    double[] std = config.std();
    float scale = config.doRescale() ? (float) config.rescaleFactor() : 1f;
    for (int c = 0; c < 3; c++) {
      float m = config.doNormalize() ? (float) mean[c] : 0f;
      float s = config.doNormalize() ? (float) std[c] : 1f;
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          float v = image.get(x, y, c) * scale;
          out[(c * h + y) * w + x] = (v - m) / s;
        }
      }
    }
    return FloatTensor.of(out, 1, 3, h, w);
  }

  /**
   * Per channel, the normalised value of a white pixel: what a shifted teacher view is filled with.
   */
  public static float[] whiteFill(PreprocessConfig config) {
    float[] fill = new float[3];
    double[] mean = config.mean();
    double[] std = config.std();
    for (int c = 0; c < 3; c++) {
      fill[c] = config.doNormalize() ? (float) ((1 - mean[c]) / std[c]) : 1f;
    }
    return fill;
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every Java runtime", e);
    }
  }

  static String sha256(String text) {
    return sha256(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }
}
