package dev.sinkscope.inference.model;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sinkscope.inference.safetensors.SafetensorsFile;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Builds a checkpoint from one on-disk layout's keys (one implementation per layout family). */
interface LayoutReader {
  Checkpoint build(
      Path folder,
      Path configFile,
      JsonNode config,
      Map<String, WeightRef> weights,
      List<SafetensorsFile> files,
      List<String> warnings)
      throws ModelLoadException;

  /** The spec's name: the model folder's own name. */
  static String modelName(Path folder) {
    return folder.getFileName() == null ? folder.toString() : folder.getFileName().toString();
  }
}
