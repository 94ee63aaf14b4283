package dev.sinkscope.inference.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Identifies a model's weights by content: the SHA-256 of every safetensors weight file (the whole
 * file, not just its header, so two checkpoints with the same shapes but different values differ).
 *
 * <p>Weight files are {@code model.safetensors}; else the shards named in {@code
 * model.safetensors.index.json}; else the folder's only {@code .safetensors} file (the same rule as
 * the checkpoint reader). In a hub cache snapshot a weight file is a link to {@code
 * blobs/<sha256>}, a name the download already verified, so the hash is read from the name instead
 * of rereading gigabytes.
 *
 * @param method always {@link #METHOD}
 * @param sha256 for one file its SHA-256 (the hash the hub shows for the file); for shards the
 *     SHA-256 of the lines {@code "<sha256> <name>\n"} in name order, as {@code sha256sum} prints
 *     them
 * @param files each weight file with its size and hash
 */
public record WeightsFingerprint(String method, String sha256, List<WeightFile> files) {

  public static final String METHOD = "sha256-of-weight-files";

  /** One weight file. */
  public record WeightFile(String name, long bytes, String sha256) {
    public WeightFile {
      Objects.requireNonNull(name, "name");
      if (!Sha256.isHex(sha256)) {
        throw new IllegalArgumentException(
            "weight file " + name + ": sha256 must be 64 lower-case hex digits");
      }
    }
  }

  public WeightsFingerprint {
    if (!METHOD.equals(method)) {
      throw new IllegalArgumentException(
          "unknown weights hash method '" + method + "' (known: " + METHOD + ")");
    }
    files = List.copyOf(files);
    if (files.isEmpty()) {
      throw new IllegalArgumentException("a weights hash needs at least one file");
    }
    if (!combined(files).equals(sha256)) {
      throw new IllegalArgumentException("weights sha256 " + sha256 + " does not match its files");
    }
  }

  /** Hashes the weight files of {@code modelFolder}. */
  public static WeightsFingerprint of(Path modelFolder) throws IOException {
    List<WeightFile> files = new ArrayList<>();
    for (String name : weightFileNames(modelFolder)) {
      Path file = modelFolder.resolve(name);
      files.add(new WeightFile(name, Files.size(file), hashOf(file)));
    }
    return new WeightsFingerprint(METHOD, combined(files), files);
  }

  private static String combined(List<WeightFile> files) {
    if (files.size() == 1) {
      return files.get(0).sha256();
    }
    StringBuilder lines = new StringBuilder();
    files.stream()
        .sorted((a, b) -> a.name().compareTo(b.name()))
        .forEach(f -> lines.append(f.sha256()).append("  ").append(f.name()).append('\n'));
    return Sha256.ofText(lines.toString());
  }

  private static String hashOf(Path file) throws IOException {
    if (Files.isSymbolicLink(file)) {
      Path target = file.toRealPath();
      Path parent = target.getParent();
      String name = target.getFileName().toString();
      if (parent != null
          && parent.getFileName() != null
          && parent.getFileName().toString().equals("blobs")
          && Sha256.isHex(name)) {
        return name;
      }
    }
    return Sha256.ofFile(file);
  }

  static List<String> weightFileNames(Path folder) throws IOException {
    if (Files.isRegularFile(folder.resolve("model.safetensors"))) {
      return List.of("model.safetensors");
    }
    Path index = folder.resolve("model.safetensors.index.json");
    if (Files.isRegularFile(index)) {
      JsonNode map = new ObjectMapper().readTree(index.toFile()).path("weight_map");
      TreeSet<String> shards = new TreeSet<>();
      map.fields().forEachRemaining(e -> shards.add(e.getValue().asText()));
      if (shards.isEmpty()) {
        throw new IOException(index + " has no weight_map");
      }
      return List.copyOf(shards);
    }
    List<String> safetensors;
    try (Stream<Path> list = Files.list(folder)) {
      safetensors =
          list.map(p -> p.getFileName().toString())
              .filter(n -> n.endsWith(".safetensors"))
              .sorted()
              .toList();
    }
    if (safetensors.size() != 1) {
      throw new IOException(
          folder
              + ": expected model.safetensors, a shard index or exactly one .safetensors file, "
              + "found "
              + safetensors.size());
    }
    return safetensors;
  }
}
