package dev.sinkscope.inference.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;

/** Reads config fields with messages that name the file and the key. */
record ConfigFields(Path file, JsonNode node, String prefix) {
  int requiredInt(String key) throws ModelLoadException {
    JsonNode v = node.get(key);
    if (v == null || v.isNull()) {
      throw new ModelLoadException(file, "missing key '" + prefix + key + "'");
    }
    // canConvertToInt: a BigInteger such as 2^64 + 64 would otherwise wrap to 64
    if (!v.isIntegralNumber()
        || !v.canConvertToInt()
        || v.asLong() <= 0
        || v.asLong() > 1_000_000) {
      throw new ModelLoadException(
          file, "key '" + prefix + key + "' must be a positive integer, found " + v);
    }
    return v.asInt();
  }

  int optionalInt(String key, int fallback) throws ModelLoadException {
    JsonNode v = node.get(key);
    return v == null || v.isNull() ? fallback : requiredNonNegative(key, v);
  }

  private int requiredNonNegative(String key, JsonNode v) throws ModelLoadException {
    if (!v.isIntegralNumber() || !v.canConvertToInt() || v.asLong() < 0 || v.asLong() > 1_000_000) {
      throw new ModelLoadException(
          file, "key '" + prefix + key + "' must be a non-negative integer, found " + v);
    }
    return v.asInt();
  }

  double optionalDouble(String key, double fallback) throws ModelLoadException {
    JsonNode v = node.get(key);
    if (v == null || v.isNull()) {
      return fallback;
    }
    if (!v.isNumber() || !Double.isFinite(v.asDouble())) {
      throw new ModelLoadException(file, "key '" + prefix + key + "' must be a number, found " + v);
    }
    return v.asDouble();
  }

  boolean optionalBool(String key, boolean fallback) throws ModelLoadException {
    JsonNode v = node.get(key);
    if (v == null || v.isNull()) {
      return fallback;
    }
    if (!v.isBoolean()) {
      throw new ModelLoadException(
          file, "key '" + prefix + key + "' must be true or false, found " + v);
    }
    return v.asBoolean();
  }

  String optionalText(String key, String fallback) {
    JsonNode v = node.get(key);
    return v == null || v.isNull() ? fallback : v.asText();
  }

  /** An int that may also be written as [h, w] (square only). */
  int squareSize(String key) throws ModelLoadException {
    JsonNode v = node.get(key);
    if (v != null
        && v.isArray()
        && v.size() == 2
        && v.get(0).asInt() == v.get(1).asInt()
        && v.get(0).asInt() > 0) {
      return v.get(0).asInt();
    }
    return requiredInt(key);
  }

  /** The MLP nonlinearity a transformers {@code hidden_act} names. */
  static MlpActivation activation(Path file, String key, String act) throws ModelLoadException {
    return switch (act) {
      case "gelu", "gelu_python" -> MlpActivation.GELU;
      case "quick_gelu" -> MlpActivation.QUICK_GELU;
      case "gelu_new", "gelu_pytorch_tanh", "gelu_fast", "gelu_tanh" -> MlpActivation.GELU_TANH;
      default ->
          throw new ModelLoadException(
              file,
              "key '"
                  + key
                  + "' = '"
                  + act
                  + "' is not supported (gelu, quick_gelu, gelu_new/gelu_pytorch_tanh)");
    };
  }

  /** Refuses anything but 3 input channels, as every supported model takes RGB. */
  static void requireRgb(Path configFile, int channels) throws ModelLoadException {
    if (channels != 3) {
      throw new ModelLoadException(
          configFile, "num_channels is " + channels + "; only RGB models (3) are supported");
    }
  }

  /** Refuses a native image size that does not split into whole patches. */
  static void requireWholeGrid(Path configFile, int image, int patch) throws ModelLoadException {
    if (image % patch != 0) {
      throw new ModelLoadException(
          configFile, "image_size " + image + " is not a multiple of patch_size " + patch);
    }
  }
}
