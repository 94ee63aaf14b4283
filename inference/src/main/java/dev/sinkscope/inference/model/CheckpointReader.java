package dev.sinkscope.inference.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.sinkscope.inference.safetensors.Dtype;
import dev.sinkscope.inference.safetensors.SafetensorsFile;
import dev.sinkscope.inference.safetensors.TensorInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Opens a model folder ({@code config.json} plus {@code model.safetensors} or a sharded index),
 * derives one validated {@link ModelSpec} and maps every weight the forward pass needs onto {@link
 * CanonicalWeights} names, checking each shape. Pickled weights are refused, never read.
 */
public final class CheckpointReader {

  /** config.json larger than this is not a model config. */
  static final long MAX_CONFIG_BYTES = 4L * 1024 * 1024;

  // Python's json.load refuses anything after the top-level value; so do we, instead of dropping
  // it.
  private static final ObjectMapper JSON =
      JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();
  private static final Set<String> PICKLE_SUFFIXES = Set.of(".bin", ".pth", ".pt", ".pkl", ".ckpt");

  private CheckpointReader() {}

  /**
   * Opens {@code path}: a model folder, or a {@code config.json} / {@code *.safetensors} inside
   * one.
   */
  public static Checkpoint open(Path path) throws ModelLoadException {
    if (!Files.exists(path)) {
      // never fall back to the parent folder: that would open a different model than the one asked
      // for
      throw new ModelLoadException(path, "does not exist");
    }
    Path folder = Files.isDirectory(path) ? path : path.toAbsolutePath().getParent();
    if (folder == null || !Files.isDirectory(folder)) {
      throw new ModelLoadException(
          path, "not a model folder (expected a folder with config.json and model.safetensors)");
    }
    if (!Files.isDirectory(path) && isPickle(path)) {
      throw pickleRefusal(path);
    }
    Path configFile = folder.resolve("config.json");
    if (Files.exists(configFile, java.nio.file.LinkOption.NOFOLLOW_LINKS)
        && !Files.isRegularFile(configFile)) {
      throw new ModelLoadException(
          configFile, FileKinds.notARegularFile(configFile).orElse("is not a regular file"));
    }
    if (!Files.exists(configFile)) {
      Path pickle = onlyPickle(folder);
      if (pickle != null) {
        throw pickleRefusal(pickle);
      }
      throw new ModelLoadException(
          configFile, "missing: a model folder needs config.json next to its weights");
    }
    JsonNode config = readConfig(configFile);
    List<SafetensorsFile> files = openWeights(folder);
    try {
      Map<String, WeightRef> all = indexWeights(files);
      LayoutReader layout = detectLayout(configFile, config, all);
      List<String> warnings = new ArrayList<>();
      Checkpoint built = layout.build(folder, configFile, config, all, files, warnings);
      // The checkpoint copies its warnings, so the notes about the weights themselves go into a new
      // one.
      warnings.addAll(weightWarnings(built, files));
      return new Checkpoint(built.folder(), built.spec(), built.weights(), files, warnings);
    } catch (ModelLoadException | RuntimeException e) {
      closeQuietly(files);
      throw e;
    }
  }

  /** Most tensors named one by one in the NaN/infinity warnings; the rest are counted. */
  private static final int MAX_NAMED_NON_FINITE = 8;

  /**
   * Notes on the weights in use: 16-bit storage that is widened, and tensors holding NaN or
   * infinity. Such a checkpoint still loads (a user may want to see where it breaks), but says so;
   * see {@code NumericalHealth} for where the forward pass first turns non-finite.
   */
  private static List<String> weightWarnings(Checkpoint checkpoint, List<SafetensorsFile> files)
      throws ModelLoadException {
    Map<SafetensorsFile, Set<String>> used = new IdentityHashMap<>();
    checkpoint
        .weights()
        .values()
        .forEach(r -> used.computeIfAbsent(r.file(), k -> new HashSet<>()).add(r.key()));
    List<String> out = new ArrayList<>();
    List<String> nonFinite = new ArrayList<>();
    int moreNonFinite = 0;
    for (SafetensorsFile f : files) {
      Set<Dtype> widened = new TreeSet<>();
      Set<String> keys = used.getOrDefault(f, Set.of());
      for (TensorInfo t : f.tensors().values()) {
        if (!keys.contains(t.name())) {
          continue;
        }
        if (t.dtype() != Dtype.F32) {
          widened.add(t.dtype());
        }
        long bad;
        try {
          bad = f.nonFiniteCount(t.name());
        } catch (IOException e) {
          throw new ModelLoadException(
              f.path(), "cannot read tensor '" + t.name() + "': " + describe(f.path(), e), e);
        }
        if (bad > 0) {
          if (nonFinite.size() < MAX_NAMED_NON_FINITE) {
            nonFinite.add(
                f.path().getFileName()
                    + ": tensor '"
                    + t.name()
                    + "' holds "
                    + bad
                    + " NaN or infinite values (of "
                    + t.elementCount()
                    + "); everything computed from it will be too");
          } else {
            moreNonFinite++;
          }
        }
      }
      if (!widened.isEmpty()) {
        out.add(
            f.path().getFileName()
                + " stores "
                + widened
                + " weights; they are widened to F32 when loaded");
      }
    }
    out.addAll(nonFinite);
    if (moreNonFinite > 0) {
      out.add(moreNonFinite + " more tensors hold NaN or infinite values");
    }
    return out;
  }

  // ---------------------------------------------------------------- files

  private static boolean isPickle(Path p) {
    String name = p.getFileName().toString().toLowerCase(Locale.ROOT);
    return PICKLE_SUFFIXES.stream().anyMatch(name::endsWith);
  }

  /** The folder's pickle when it has one and no safetensors weights at all, else null. */
  private static Path onlyPickle(Path folder) {
    try (Stream<Path> s = Files.list(folder)) {
      List<Path> files = s.filter(Files::isRegularFile).sorted().toList();
      boolean safetensors =
          files.stream()
              .anyMatch(
                  p ->
                      p.getFileName().toString().endsWith(".safetensors")
                          || p.getFileName().toString().equals("model.safetensors.index.json"));
      return safetensors
          ? null
          : files.stream().filter(CheckpointReader::isPickle).findFirst().orElse(null);
    } catch (IOException e) {
      return null;
    }
  }

  private static ModelLoadException pickleRefusal(Path p) {
    return new ModelLoadException(
        p,
        "is a pickle ("
            + p.getFileName()
            + "). Sinkscope never unpickles, because a "
            + "pickle can run arbitrary code when loaded. Use the repository's model.safetensors instead, or convert "
            + "the file to safetensors in a trusted environment.");
  }

  private static JsonNode readConfig(Path configFile) throws ModelLoadException {
    try {
      long size = Files.size(configFile);
      if (size == 0) {
        throw new ModelLoadException(configFile, "is empty");
      }
      if (size > MAX_CONFIG_BYTES) {
        throw new ModelLoadException(
            configFile,
            "is " + size + " bytes; a model config is at most " + MAX_CONFIG_BYTES + " bytes");
      }
      JsonNode node = JSON.readTree(Files.readAllBytes(configFile));
      if (node == null || !node.isObject()) {
        throw new ModelLoadException(configFile, "is not a JSON object");
      }
      return node;
    } catch (JsonProcessingException e) {
      throw new ModelLoadException(configFile, "is not valid JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new ModelLoadException(configFile, "cannot be read: " + e.getMessage(), e);
    }
  }

  private static List<SafetensorsFile> openWeights(Path folder) throws ModelLoadException {
    Path single = folder.resolve("model.safetensors");
    Path index = folder.resolve("model.safetensors.index.json");
    List<Path> shardPaths = new ArrayList<>();
    if (Files.isRegularFile(single)) {
      shardPaths.add(single);
    } else if (Files.isRegularFile(index)) {
      shardPaths.addAll(readIndex(index, folder));
    } else {
      List<Path> others;
      try (Stream<Path> s = Files.list(folder)) {
        others = s.filter(Files::isRegularFile).sorted().toList();
      } catch (IOException e) {
        throw new ModelLoadException(folder, "cannot list the folder: " + e.getMessage(), e);
      }
      List<Path> safetensors =
          others.stream().filter(p -> p.getFileName().toString().endsWith(".safetensors")).toList();
      if (safetensors.size() == 1) {
        shardPaths.add(safetensors.get(0));
      } else {
        Path pickle = others.stream().filter(CheckpointReader::isPickle).findFirst().orElse(null);
        if (pickle != null) {
          throw pickleRefusal(pickle);
        }
        Optional<String> odd =
            FileKinds.notARegularFile(single); // the entry is there but is no file
        if (odd.isPresent()) {
          throw new ModelLoadException(single, odd.get());
        }
        throw new ModelLoadException(
            single,
            safetensors.isEmpty()
                ? "missing: no model.safetensors (or model.safetensors.index.json) in the folder"
                : "missing: several .safetensors files but no model.safetensors.index.json to say which to use");
      }
    }
    List<SafetensorsFile> files = new ArrayList<>();
    for (Path p : shardPaths) {
      try {
        files.add(SafetensorsFile.open(p));
      } catch (IOException e) {
        closeQuietly(files);
        throw new ModelLoadException(p, describe(p, e), e);
      }
    }
    return files;
  }

  private static String describe(Path p, IOException e) {
    String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    String prefix = p.toString() + ": ";
    return m.startsWith(prefix) ? m.substring(prefix.length()) : m;
  }

  private static List<Path> readIndex(Path index, Path folder) throws ModelLoadException {
    JsonNode node;
    try {
      if (Files.size(index) > MAX_CONFIG_BYTES * 4) {
        throw new ModelLoadException(index, "is too large for a shard index");
      }
      node = JSON.readTree(Files.readAllBytes(index));
    } catch (JsonProcessingException e) {
      throw new ModelLoadException(index, "is not valid JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new ModelLoadException(index, "cannot be read: " + e.getMessage(), e);
    }
    JsonNode map = node == null ? null : node.get("weight_map");
    if (map == null || !map.isObject() || map.size() == 0) {
      throw new ModelLoadException(index, "has no weight_map");
    }
    Set<String> shards = new LinkedHashSet<>();
    map.fields().forEachRemaining(e -> shards.add(e.getValue().asText()));
    List<Path> paths = new ArrayList<>();
    for (String shard : shards) {
      Path p = folder.resolve(shard).normalize();
      if (!p.startsWith(folder.normalize()) || !shard.endsWith(".safetensors")) {
        throw new ModelLoadException(
            index,
            "weight_map names '" + shard + "', which is not a .safetensors file in this folder");
      }
      if (!Files.isRegularFile(p)) {
        throw new ModelLoadException(
            p, "missing: shard listed in " + index.getFileName() + " (incomplete download?)");
      }
      paths.add(p);
    }
    return paths;
  }

  private static Map<String, WeightRef> indexWeights(List<SafetensorsFile> files)
      throws ModelLoadException {
    Map<String, WeightRef> all = new LinkedHashMap<>();
    for (SafetensorsFile f : files) {
      for (TensorInfo t : f.tensors().values()) {
        WeightRef previous = all.put(t.name(), new WeightRef(f, t.name(), t));
        if (previous != null) {
          throw new ModelLoadException(
              f.path(),
              "tensor '" + t.name() + "' is also in " + previous.file().path().getFileName());
        }
      }
    }
    return all;
  }

  private static void closeQuietly(List<SafetensorsFile> files) {
    for (SafetensorsFile f : files) {
      try {
        f.close();
      } catch (IOException ignored) {
        // already failing; the original error is what the user needs
      }
    }
  }

  // ---------------------------------------------------------------- layouts

  private static LayoutReader detectLayout(
      Path configFile, JsonNode config, Map<String, WeightRef> weights) throws ModelLoadException {
    if (config.has("architecture") && config.has("pretrained_cfg")) {
      return new TimmLayout();
    }
    String modelType = config.path("model_type").asText("");
    return switch (modelType) {
      case "dinov2" -> new HfLayout(CheckpointLayout.HF_DINOV2);
      case "dinov2_with_registers" -> new HfLayout(CheckpointLayout.HF_DINOV2_WITH_REGISTERS);
      case "vit" -> new HfLayout(CheckpointLayout.HF_VIT);
      case "deit" -> new HfLayout(CheckpointLayout.HF_DEIT);
      case "clip_vision_model", "clip" -> new HfLayout(CheckpointLayout.HF_CLIP_VISION);
      case "dinov3_vit" -> new Dinov3Layout();
      case "siglip_vision_model", "siglip" -> new SiglipLayout();
      case "siglip2_vision_model", "siglip2" ->
          throw new ModelLoadException(
              configFile,
              "model_type '"
                  + modelType
                  + "' is SigLIP 2 NaFlex (pre-patchified input, variable resolution), which is not supported; the "
                  + "fixed-resolution SigLIP 2 checkpoints (e.g. google/siglip2-base-patch16-224, model_type 'siglip') are");
      case "" ->
          throw new ModelLoadException(
              configFile,
              "has neither model_type (Hugging Face transformers) nor architecture + pretrained_cfg (timm)");
      default ->
          throw new ModelLoadException(
              configFile,
              "model_type '"
                  + modelType
                  + "' is not supported; "
                  + "supported: dinov2, dinov2_with_registers, dinov3_vit, vit, deit, clip_vision_model, clip, "
                  + "siglip_vision_model, siglip, and timm ViT checkpoints");
    };
  }
}
