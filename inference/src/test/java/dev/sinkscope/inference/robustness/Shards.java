package dev.sinkscope.inference.robustness;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Splits a folder's {@code model.safetensors} into two shards with a transformers-style index. */
final class Shards {
  static final String FIRST = "model-00001-of-00002.safetensors";
  static final String SECOND = "model-00002-of-00002.safetensors";
  static final String INDEX = "model.safetensors.index.json";

  private Shards() {}

  /** Returns the index as written, so cases can break it and write it again. */
  static ObjectNode split(Path folder) throws IOException {
    Map<String, Corpus.Raw> all = Corpus.read(folder.resolve("model.safetensors"));
    List<String> names = new ArrayList<>(all.keySet());
    Map<String, Corpus.Raw> first = new LinkedHashMap<>();
    Map<String, Corpus.Raw> second = new LinkedHashMap<>();
    ObjectNode index = Corpus.JSON.createObjectNode();
    index
        .putObject("metadata")
        .put("total_size", all.values().stream().mapToLong(r -> r.bytes().length).sum());
    ObjectNode map = index.putObject("weight_map");
    for (int i = 0; i < names.size(); i++) {
      boolean early = i < names.size() / 2;
      (early ? first : second).put(names.get(i), all.get(names.get(i)));
      map.put(names.get(i), early ? FIRST : SECOND);
    }
    Corpus.write(folder.resolve(FIRST), first);
    Corpus.write(folder.resolve(SECOND), second);
    Files.delete(folder.resolve("model.safetensors"));
    writeIndex(folder, index);
    return index;
  }

  static void writeIndex(Path folder, ObjectNode index) throws IOException {
    Files.writeString(folder.resolve(INDEX), Corpus.JSON.writeValueAsString(index));
  }
}
