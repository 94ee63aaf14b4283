package dev.sinkscope.inference.hub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The file names Sinkscope cares about in a model repo, and checks on names that come from servers.
 */
final class RepoFiles {
  static final String CONFIG = "config.json";
  static final String PREPROCESSOR_CONFIG = "preprocessor_config.json";
  static final String SAFETENSORS = "model.safetensors";
  static final String SAFETENSORS_INDEX = "model.safetensors.index.json";

  /** Names probed when a mirror has no listing API; pickles only so the refusal can name them. */
  static final List<String> PROBED_NAMES =
      List.of(
          CONFIG,
          PREPROCESSOR_CONFIG,
          SAFETENSORS,
          SAFETENSORS_INDEX,
          "pytorch_model.bin",
          "pytorch_model.bin.index.json",
          "open_clip_pytorch_model.bin");

  private static final List<String> PICKLE_SUFFIXES =
      List.of(".bin", ".pth", ".pt", ".ckpt", ".pkl", ".pickle");
  private static final Pattern COMMIT = Pattern.compile("[0-9a-f]{40}");
  private static final Pattern ETAG = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}");
  private static final ObjectMapper JSON = new ObjectMapper();

  private RepoFiles() {}

  static boolean isCommitHash(String revision) {
    return COMMIT.matcher(revision).matches();
  }

  static boolean isPickle(String filename) {
    String lower = filename.toLowerCase(Locale.ROOT);
    return PICKLE_SUFFIXES.stream().anyMatch(lower::endsWith);
  }

  static List<String> pickles(Collection<String> filenames) {
    return filenames.stream().filter(RepoFiles::isPickle).sorted().toList();
  }

  /**
   * A repo file name as a server sent it (listing, shard index) must stay inside the snapshot
   * folder once resolved against it.
   */
  static String requireSafeFilename(String repoId, String filename) throws HubException {
    boolean ok =
        filename != null
            && !filename.isEmpty()
            && !filename.startsWith("/")
            && !filename.contains("\\")
            && filename.chars().noneMatch(c -> c < 0x20 || c == ':');
    if (ok) {
      for (String segment : filename.split("/", -1)) {
        ok &= !segment.isEmpty() && !segment.equals(".") && !segment.equals("..");
      }
    }
    if (!ok) {
      throw new HubException(
          HubException.Kind.BAD_RESPONSE,
          repoId,
          filename,
          "Refusing file name '"
              + filename
              + "' from "
              + repoId
              + ": it would land outside the cache folder.");
    }
    return filename;
  }

  /** ETags become blob file names, so they must be plain tokens. */
  static boolean isSafeEtag(String etag) {
    return etag != null && ETAG.matcher(etag).matches() && !etag.contains("..");
  }

  /** Shard file names listed in a {@code model.safetensors.index.json}, sorted and distinct. */
  static List<String> shardsOf(String repoId, byte[] indexJson) throws HubException {
    JsonNode weightMap;
    try {
      weightMap = JSON.readTree(indexJson).path("weight_map");
    } catch (IOException e) {
      throw new HubException(
          HubException.Kind.BAD_RESPONSE,
          repoId,
          SAFETENSORS_INDEX,
          SAFETENSORS_INDEX + " of " + repoId + " is not valid JSON: " + e.getMessage(),
          e);
    }
    TreeSet<String> shards = new TreeSet<>();
    for (Iterator<JsonNode> it = weightMap.elements(); it.hasNext(); ) {
      JsonNode value = it.next();
      if (value.isTextual()) {
        shards.add(requireSafeFilename(repoId, value.asText()));
      }
    }
    if (shards.isEmpty()) {
      throw new HubException(
          HubException.Kind.BAD_RESPONSE,
          repoId,
          SAFETENSORS_INDEX,
          SAFETENSORS_INDEX + " of " + repoId + " has no weight_map entries.");
    }
    return new ArrayList<>(shards);
  }

  /**
   * Files missing from a snapshot folder for it to be loadable: config.json plus safetensors
   * weights.
   */
  static List<String> missingForModel(Path snapshotDir) {
    List<String> missing = new ArrayList<>();
    if (!Files.isRegularFile(snapshotDir.resolve(CONFIG))) {
      missing.add(CONFIG);
    }
    if (Files.isRegularFile(snapshotDir.resolve(SAFETENSORS))) {
      return missing;
    }
    Path index = snapshotDir.resolve(SAFETENSORS_INDEX);
    if (!Files.isRegularFile(index)) {
      missing.add(SAFETENSORS);
      return missing;
    }
    try {
      for (String shard : shardsOf("", Files.readAllBytes(index))) {
        if (!Files.isRegularFile(snapshotDir.resolve(shard))) {
          missing.add(shard);
        }
      }
    } catch (IOException | HubException e) {
      missing.add(SAFETENSORS_INDEX);
    }
    return missing;
  }

  /**
   * The model family as {@code config.json} states it: transformers' {@code model_type}, else
   * timm's {@code architecture}, else the first of {@code architectures}.
   */
  static Optional<String> familyOf(Path snapshotDir) {
    Path config = snapshotDir.resolve(CONFIG);
    if (!Files.isRegularFile(config)) {
      return Optional.empty();
    }
    try {
      JsonNode root = JSON.readTree(config.toFile());
      for (String field : new String[] {"model_type", "architecture"}) {
        JsonNode value = root.path(field);
        if (value.isTextual() && !value.asText().isBlank()) {
          return Optional.of(value.asText());
        }
      }
      JsonNode architectures = root.path("architectures");
      if (architectures.isArray() && architectures.size() > 0 && architectures.get(0).isTextual()) {
        return Optional.of(architectures.get(0).asText());
      }
    } catch (IOException e) {
      // A broken config.json simply has no family to report.
    }
    return Optional.empty();
  }
}
