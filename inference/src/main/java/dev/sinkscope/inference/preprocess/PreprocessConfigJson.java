package dev.sinkscope.inference.preprocess;

import static dev.sinkscope.inference.preprocess.PreprocessConfigLoader.MAX_CONFIG_BYTES;
import static dev.sinkscope.inference.preprocess.PreprocessConfigLoader.MAX_SIDE;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Reads a preprocessing config file and checks its fields, naming the file and key on error. */
final class PreprocessConfigJson {

  private static final ObjectMapper JSON =
      JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();

  private PreprocessConfigJson() {}

  /**
   * An image side in pixels: 1..{@link PreprocessConfigLoader#MAX_SIDE}, and not a long that {@code
   * intValue()} would wrap.
   */
  static int side(JsonNode v, String file, String key) throws PreprocessConfigException {
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

  static boolean allInts(JsonNode array) {
    for (JsonNode n : array) {
      if (!n.isIntegralNumber()) {
        return false;
      }
    }
    return true;
  }

  static boolean bool(
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

  static double number(
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
  static double[] triple(
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

  static JsonNode readObject(Path file) throws PreprocessConfigException {
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
