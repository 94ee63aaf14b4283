package dev.sinkscope.inference.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.sinkscope.inference.safetensors.Dtype;
import dev.sinkscope.inference.safetensors.SafetensorsFile;
import dev.sinkscope.inference.safetensors.TensorInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Opens a model folder ({@code config.json} plus {@code model.safetensors} or a sharded index),
 * derives one validated {@link ModelSpec} and maps every weight the forward pass needs onto
 * {@link CanonicalWeights} names, checking each shape. Pickled weights are refused, never read.
 */
public final class CheckpointReader {

  /** config.json larger than this is not a model config. */
  static final long MAX_CONFIG_BYTES = 4L * 1024 * 1024;

  // Python's json.load refuses anything after the top-level value; so do we, instead of dropping it.
  private static final ObjectMapper JSON = JsonMapper.builder()
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .build();
  private static final Set<String> PICKLE_SUFFIXES = Set.of(".bin", ".pth", ".pt", ".pkl", ".ckpt");

  private CheckpointReader() {}

  /** Opens {@code path}: a model folder, or a {@code config.json} / {@code *.safetensors} inside one. */
  public static Checkpoint open(Path path) throws ModelLoadException {
    if (!Files.exists(path)) {
      // never fall back to the parent folder: that would open a different model than the one asked for
      throw new ModelLoadException(path, "does not exist");
    }
    Path folder = Files.isDirectory(path) ? path : path.toAbsolutePath().getParent();
    if (folder == null || !Files.isDirectory(folder)) {
      throw new ModelLoadException(path, "not a model folder (expected a folder with config.json and model.safetensors)");
    }
    if (!Files.isDirectory(path) && isPickle(path)) {
      throw pickleRefusal(path);
    }
    Path configFile = folder.resolve("config.json");
    if (Files.exists(configFile, java.nio.file.LinkOption.NOFOLLOW_LINKS) && !Files.isRegularFile(configFile)) {
      throw new ModelLoadException(configFile, FileKinds.notARegularFile(configFile).orElse("is not a regular file"));
    }
    if (!Files.exists(configFile)) {
      Path pickle = onlyPickle(folder);
      if (pickle != null) {
        throw pickleRefusal(pickle);
      }
      throw new ModelLoadException(configFile, "missing: a model folder needs config.json next to its weights");
    }
    JsonNode config = readConfig(configFile);
    List<SafetensorsFile> files = openWeights(folder);
    try {
      Map<String, WeightRef> all = indexWeights(files);
      Layout layout = detectLayout(configFile, config, all);
      List<String> warnings = new ArrayList<>();
      Checkpoint built = layout.build(folder, configFile, config, all, files, warnings);
      // The checkpoint copies its warnings, so the notes about the weights themselves go into a new one.
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
   * Notes on the weights in use: 16-bit storage that is widened, and tensors holding NaN or infinity.
   * Such a checkpoint still loads (a user may want to see where it breaks), but says so; see
   * {@code NumericalHealth} for where the forward pass first turns non-finite.
   */
  private static List<String> weightWarnings(Checkpoint checkpoint, List<SafetensorsFile> files)
      throws ModelLoadException {
    Map<SafetensorsFile, Set<String>> used = new IdentityHashMap<>();
    checkpoint.weights().values().forEach(r -> used.computeIfAbsent(r.file(), k -> new HashSet<>()).add(r.key()));
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
          throw new ModelLoadException(f.path(), "cannot read tensor '" + t.name() + "': " + describe(f.path(), e), e);
        }
        if (bad > 0) {
          if (nonFinite.size() < MAX_NAMED_NON_FINITE) {
            nonFinite.add(f.path().getFileName() + ": tensor '" + t.name() + "' holds " + bad
                + " NaN or infinite values (of " + t.elementCount() + "); everything computed from it will be too");
          } else {
            moreNonFinite++;
          }
        }
      }
      if (!widened.isEmpty()) {
        out.add(f.path().getFileName() + " stores " + widened + " weights; they are widened to F32 when loaded");
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
      boolean safetensors = files.stream().anyMatch(p -> p.getFileName().toString().endsWith(".safetensors")
          || p.getFileName().toString().equals("model.safetensors.index.json"));
      return safetensors ? null : files.stream().filter(CheckpointReader::isPickle).findFirst().orElse(null);
    } catch (IOException e) {
      return null;
    }
  }

  private static ModelLoadException pickleRefusal(Path p) {
    return new ModelLoadException(p, "is a pickle (" + p.getFileName() + "). Sinkscope never unpickles, because a "
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
        throw new ModelLoadException(configFile, "is " + size + " bytes; a model config is at most "
            + MAX_CONFIG_BYTES + " bytes");
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
      List<Path> safetensors = others.stream()
          .filter(p -> p.getFileName().toString().endsWith(".safetensors")).toList();
      if (safetensors.size() == 1) {
        shardPaths.add(safetensors.get(0));
      } else {
        Path pickle = others.stream().filter(CheckpointReader::isPickle).findFirst().orElse(null);
        if (pickle != null) {
          throw pickleRefusal(pickle);
        }
        Optional<String> odd = FileKinds.notARegularFile(single); // the entry is there but is no file
        if (odd.isPresent()) {
          throw new ModelLoadException(single, odd.get());
        }
        throw new ModelLoadException(single, safetensors.isEmpty()
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
        throw new ModelLoadException(index, "weight_map names '" + shard + "', which is not a .safetensors file in this folder");
      }
      if (!Files.isRegularFile(p)) {
        throw new ModelLoadException(p, "missing: shard listed in " + index.getFileName() + " (incomplete download?)");
      }
      paths.add(p);
    }
    return paths;
  }

  private static Map<String, WeightRef> indexWeights(List<SafetensorsFile> files) throws ModelLoadException {
    Map<String, WeightRef> all = new LinkedHashMap<>();
    for (SafetensorsFile f : files) {
      for (TensorInfo t : f.tensors().values()) {
        WeightRef previous = all.put(t.name(), new WeightRef(f, t.name(), t));
        if (previous != null) {
          throw new ModelLoadException(f.path(), "tensor '" + t.name() + "' is also in "
              + previous.file().path().getFileName());
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

  private static Layout detectLayout(Path configFile, JsonNode config, Map<String, WeightRef> weights)
      throws ModelLoadException {
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
      case "" -> throw new ModelLoadException(configFile,
          "has neither model_type (Hugging Face transformers) nor architecture + pretrained_cfg (timm)");
      default -> throw new ModelLoadException(configFile, "model_type '" + modelType + "' is not supported; "
          + "supported: dinov2, dinov2_with_registers, vit, deit, clip_vision_model, clip, and timm ViT checkpoints");
    };
  }

  /** Builds a checkpoint from one layout's keys. */
  private interface Layout {
    Checkpoint build(Path folder, Path configFile, JsonNode config, Map<String, WeightRef> weights,
        List<SafetensorsFile> files, List<String> warnings) throws ModelLoadException;
  }

  /** Reads config fields with messages that name the file and the key. */
  private record ConfigFields(Path file, JsonNode node, String prefix) {
    int requiredInt(String key) throws ModelLoadException {
      JsonNode v = node.get(key);
      if (v == null || v.isNull()) {
        throw new ModelLoadException(file, "missing key '" + prefix + key + "'");
      }
      // canConvertToInt: a BigInteger such as 2^64 + 64 would otherwise wrap to 64
      if (!v.isIntegralNumber() || !v.canConvertToInt() || v.asLong() <= 0 || v.asLong() > 1_000_000) {
        throw new ModelLoadException(file, "key '" + prefix + key + "' must be a positive integer, found " + v);
      }
      return v.asInt();
    }

    int optionalInt(String key, int fallback) throws ModelLoadException {
      JsonNode v = node.get(key);
      return v == null || v.isNull() ? fallback : requiredNonNegative(key, v);
    }

    private int requiredNonNegative(String key, JsonNode v) throws ModelLoadException {
      if (!v.isIntegralNumber() || !v.canConvertToInt() || v.asLong() < 0 || v.asLong() > 1_000_000) {
        throw new ModelLoadException(file, "key '" + prefix + key + "' must be a non-negative integer, found " + v);
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
        throw new ModelLoadException(file, "key '" + prefix + key + "' must be true or false, found " + v);
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
      if (v != null && v.isArray() && v.size() == 2 && v.get(0).asInt() == v.get(1).asInt() && v.get(0).asInt() > 0) {
        return v.get(0).asInt();
      }
      return requiredInt(key);
    }
  }

  private static MlpActivation activation(Path file, String key, String act) throws ModelLoadException {
    return switch (act) {
      case "gelu", "gelu_python" -> MlpActivation.GELU;
      case "quick_gelu" -> MlpActivation.QUICK_GELU;
      case "gelu_new", "gelu_pytorch_tanh", "gelu_fast", "gelu_tanh" -> MlpActivation.GELU_TANH;
      default -> throw new ModelLoadException(file, "key '" + key + "' = '" + act
          + "' is not supported (gelu, quick_gelu, gelu_new/gelu_pytorch_tanh)");
    };
  }

  // ---------------------------------------------------------------- Hugging Face transformers

  private static final class HfLayout implements Layout {
    private final CheckpointLayout kind;

    HfLayout(CheckpointLayout kind) {
      this.kind = kind;
    }

    @Override
    public Checkpoint build(Path folder, Path configFile, JsonNode config, Map<String, WeightRef> weights,
        List<SafetensorsFile> files, List<String> warnings) throws ModelLoadException {
      JsonNode node = config;
      String fieldPrefix = "";
      if (kind == CheckpointLayout.HF_CLIP_VISION && "clip".equals(config.path("model_type").asText())) {
        node = config.get("vision_config");
        fieldPrefix = "vision_config.";
        if (node == null || !node.isObject()) {
          throw new ModelLoadException(configFile, "missing key 'vision_config' of a full CLIP config");
        }
      }
      ConfigFields f = new ConfigFields(configFile, node, fieldPrefix);
      int d = f.requiredInt("hidden_size");
      int layers = f.requiredInt("num_hidden_layers");
      int heads = f.requiredInt("num_attention_heads");
      int patch = f.requiredInt("patch_size");
      int image = f.squareSize("image_size");
      int channels = f.optionalInt("num_channels", 3);
      boolean swiglu = f.optionalBool("use_swiglu_ffn", false);
      String act = f.optionalText("hidden_act", "gelu");
      MlpActivation activation = swiglu ? MlpActivation.SWIGLU : activation(configFile, fieldPrefix + "hidden_act", act);
      int registers = kind == CheckpointLayout.HF_DINOV2_WITH_REGISTERS ? f.optionalInt("num_register_tokens", 4) : 0;
      boolean dinov2 = kind == CheckpointLayout.HF_DINOV2 || kind == CheckpointLayout.HF_DINOV2_WITH_REGISTERS;
      boolean clip = kind == CheckpointLayout.HF_CLIP_VISION;
      boolean deit = kind == CheckpointLayout.HF_DEIT;
      double eps = f.optionalDouble("layer_norm_eps", clip ? 1e-5 : dinov2 ? 1e-6 : 1e-12);
      int mlp;
      if (dinov2) {
        double ratio = f.optionalDouble("mlp_ratio", 4);
        int hiddenFeatures = (int) (d * ratio);
        // HF Dinov2SwiGLUFFN rounds its hidden width as the official SwiGLUFFNFused does.
        mlp = swiglu ? ((int) (hiddenFeatures * 2 / 3.0) + 7) / 8 * 8 : hiddenFeatures;
      } else {
        mlp = f.requiredInt("intermediate_size");
      }
      String grid = (image / patch) + "x" + (image / patch);
      if (image % patch != 0) {
        throw new ModelLoadException(configFile, "image_size " + image + " is not a multiple of patch_size " + patch);
      }

      KeyResolver keys = new KeyResolver(configFile, weights, clip
          ? List.of("vision_model.", "")
          : List.of("", "dinov2.", "vit.", "deit.", "model."),
          clip ? "embeddings.patch_embedding.weight" : "embeddings.patch_embeddings.projection.weight");
      Map<String, WeightRef> canon = new LinkedHashMap<>();
      int positions = (image / patch) * (image / patch) + (clip || !deit ? 1 : 2);
      if (clip) {
        keys.put(canon, CanonicalWeights.PATCH_WEIGHT, "embeddings.patch_embedding.weight", d, channels, patch, patch);
        keys.put(canon, CanonicalWeights.CLS, "embeddings.class_embedding", d);
        keys.put(canon, CanonicalWeights.POSITION, "embeddings.position_embedding.weight", positions, d);
        keys.put(canon, CanonicalWeights.PRE_NORM_WEIGHT, "pre_layrnorm.weight", d);
        keys.put(canon, CanonicalWeights.PRE_NORM_BIAS, "pre_layrnorm.bias", d);
        keys.put(canon, CanonicalWeights.FINAL_NORM_WEIGHT, "post_layernorm.weight", d);
        keys.put(canon, CanonicalWeights.FINAL_NORM_BIAS, "post_layernorm.bias", d);
      } else {
        keys.put(canon, CanonicalWeights.PATCH_WEIGHT, "embeddings.patch_embeddings.projection.weight", d, channels, patch, patch);
        keys.put(canon, CanonicalWeights.PATCH_BIAS, "embeddings.patch_embeddings.projection.bias", d);
        keys.putFlat(canon, CanonicalWeights.CLS, "embeddings.cls_token", d, 1, 1, d);
        if (deit) {
          keys.putFlat(canon, CanonicalWeights.DISTILLATION, "embeddings.distillation_token", d, 1, 1, d);
        }
        if (registers > 0) {
          keys.putFlat(canon, CanonicalWeights.REGISTERS, "embeddings.register_tokens", registers * d, 1, registers, d);
        }
        keys.putFlat(canon, CanonicalWeights.POSITION, "embeddings.position_embeddings", positions * d, 1, positions, d);
        keys.put(canon, CanonicalWeights.FINAL_NORM_WEIGHT, "layernorm.weight", d);
        keys.put(canon, CanonicalWeights.FINAL_NORM_BIAS, "layernorm.bias", d);
        if (!dinov2 && keys.present("pooler.dense.weight")) {
          keys.put(canon, CanonicalWeights.POOLER_WEIGHT, "pooler.dense.weight", d, d);
          keys.put(canon, CanonicalWeights.POOLER_BIAS, "pooler.dense.bias", d);
        }
      }
      keys.checkBlockCount(clip ? "encoder.layers." : "encoder.layer.", layers);
      for (int i = 0; i < layers; i++) {
        String b = clip ? "encoder.layers." + i + "." : "encoder.layer." + i + ".";
        String n1 = clip ? "layer_norm1" : dinov2 ? "norm1" : "layernorm_before";
        String n2 = clip ? "layer_norm2" : dinov2 ? "norm2" : "layernorm_after";
        keys.put(canon, CanonicalWeights.block(i, "norm1.weight"), b + n1 + ".weight", d);
        keys.put(canon, CanonicalWeights.block(i, "norm1.bias"), b + n1 + ".bias", d);
        String[] qkvNames = clip
            ? new String[] {"self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj"}
            : new String[] {"attention.attention.query", "attention.attention.key", "attention.attention.value"};
        String[] canonQkv = {"q", "k", "v"};
        for (int j = 0; j < 3; j++) {
          keys.put(canon, CanonicalWeights.block(i, canonQkv[j] + ".weight"), b + qkvNames[j] + ".weight", d, d);
          keys.putOptional(canon, CanonicalWeights.block(i, canonQkv[j] + ".bias"), b + qkvNames[j] + ".bias", d);
        }
        String proj = clip ? "self_attn.out_proj" : "attention.output.dense";
        keys.put(canon, CanonicalWeights.block(i, "proj.weight"), b + proj + ".weight", d, d);
        keys.put(canon, CanonicalWeights.block(i, "proj.bias"), b + proj + ".bias", d);
        keys.put(canon, CanonicalWeights.block(i, "norm2.weight"), b + n2 + ".weight", d);
        keys.put(canon, CanonicalWeights.block(i, "norm2.bias"), b + n2 + ".bias", d);
        if (dinov2) {
          keys.put(canon, CanonicalWeights.block(i, "ls1"), b + "layer_scale1.lambda1", d);
          keys.put(canon, CanonicalWeights.block(i, "ls2"), b + "layer_scale2.lambda1", d);
        }
        String fc1 = clip ? "mlp.fc1" : dinov2 ? (swiglu ? "mlp.weights_in" : "mlp.fc1") : "intermediate.dense";
        String fc2 = clip ? "mlp.fc2" : dinov2 ? (swiglu ? "mlp.weights_out" : "mlp.fc2") : "output.dense";
        int fc1Out = swiglu ? 2 * mlp : mlp;
        keys.put(canon, CanonicalWeights.block(i, "fc1.weight"), b + fc1 + ".weight", fc1Out, d);
        keys.put(canon, CanonicalWeights.block(i, "fc1.bias"), b + fc1 + ".bias", fc1Out);
        keys.put(canon, CanonicalWeights.block(i, "fc2.weight"), b + fc2 + ".weight", d, mlp);
        keys.put(canon, CanonicalWeights.block(i, "fc2.bias"), b + fc2 + ".bias", d);
      }
      AttentionGate gate = keys.attentionGates(canon, layers, d, heads,
          i -> (clip ? "encoder.layers." + i + ".self_attn" : "encoder.layer." + i + ".attention") + ".gate");
      keys.reportIgnored(canon, warnings);

      ModelFamily family = switch (kind) {
        case HF_DINOV2, HF_DINOV2_WITH_REGISTERS -> ModelFamily.DINOV2;
        case HF_VIT -> ModelFamily.VIT;
        case HF_DEIT -> ModelFamily.DEIT;
        default -> ModelFamily.CLIP;
      };
      Pooling pooling = clip ? Pooling.POST_LAYERNORM_CLS
          : dinov2 ? Pooling.NORMED_CLS
          : canon.containsKey(CanonicalWeights.POOLER_WEIGHT) ? Pooling.TANH_DENSE : Pooling.NONE;
      ModelSpec spec;
      try {
        spec = new ModelSpec(folder.getFileName() == null ? folder.toString() : folder.getFileName().toString(),
            family, kind, d, layers, heads, mlp, patch, image, eps, activation,
            dinov2, clip, canon.containsKey(CanonicalWeights.PATCH_BIAS), true, deit, registers, true,
            kind == CheckpointLayout.HF_DINOV2_WITH_REGISTERS
                ? PositionInterpolation.BICUBIC_ANTIALIAS : PositionInterpolation.BICUBIC,
            !clip, pooling, gate);
      } catch (IllegalArgumentException e) {
        throw new ModelLoadException(configFile, e.getMessage() + " (native grid " + grid + ")");
      }
      if (channels != 3) {
        throw new ModelLoadException(configFile, "num_channels is " + channels + "; only RGB models (3) are supported");
      }
      return new Checkpoint(folder, spec, canon, files, warnings);
    }
  }

  // ---------------------------------------------------------------- timm

  private static final class TimmLayout implements Layout {
    /** Heads per width, for architectures whose model_args do not say (timm's registered defaults). */
    private static final Map<Integer, Integer> HEADS_BY_WIDTH = Map.of(
        192, 3, 384, 6, 768, 12, 1024, 16, 1280, 16, 1408, 16, 1536, 24, 1664, 16);

    @Override
    public Checkpoint build(Path folder, Path configFile, JsonNode config, Map<String, WeightRef> weights,
        List<SafetensorsFile> files, List<String> warnings) throws ModelLoadException {
      String arch = config.path("architecture").asText("");
      if (!arch.startsWith("vit_") && !arch.startsWith("deit3_") && !arch.startsWith("deit_")) {
        throw new ModelLoadException(configFile, "timm architecture '" + arch
            + "' is not supported; supported: vit_* (incl. *_dinov2, *_clip_*) and deit3_*/deit_*");
      }
      JsonNode args = config.path("model_args");
      ConfigFields a = new ConfigFields(configFile, args.isObject() ? args : JSON.createObjectNode(), "model_args.");
      KeyResolver keys = new KeyResolver(configFile, weights, List.of("", "model.", "module."), "patch_embed.proj.weight");
      TensorInfo patchW = keys.info("patch_embed.proj.weight");
      long[] ps = patchW.shape();
      if (ps.length != 4 || ps[2] != ps[3]) {
        throw new ModelLoadException(patchW.name().isEmpty() ? configFile : keys.fileOf("patch_embed.proj.weight"),
            "key 'patch_embed.proj.weight' must be [D, 3, P, P], found " + patchW.shapeString());
      }
      int d = (int) ps[0];
      int patch = (int) ps[2];
      if (args.has("embed_dim") && a.requiredInt("embed_dim") != d) {
        throw new ModelLoadException(configFile, "model_args.embed_dim is " + a.requiredInt("embed_dim")
            + " but patch_embed.proj.weight has " + d + " output channels");
      }
      if (args.has("patch_size") && a.requiredInt("patch_size") != patch) {
        throw new ModelLoadException(configFile, "model_args.patch_size is " + a.requiredInt("patch_size")
            + " but patch_embed.proj.weight has " + patch + "x" + patch + " kernels");
      }
      int layers = keys.countBlocks("blocks.");
      if (args.has("depth") && a.requiredInt("depth") != layers) {
        throw new ModelLoadException(configFile, "model_args.depth is " + a.requiredInt("depth")
            + " but the weights have " + layers + " blocks");
      }
      if (layers == 0) {
        throw new ModelLoadException(keys.fileOf("patch_embed.proj.weight"), "has no blocks.N.* weights");
      }
      Integer heads = args.has("num_heads") ? a.requiredInt("num_heads") : HEADS_BY_WIDTH.get(d);
      if (heads == null) {
        throw new ModelLoadException(configFile, "missing key 'model_args.num_heads' (no default for width " + d + ")");
      }
      int image = imageSize(configFile, config, a);
      boolean clip = arch.contains("_clip_");
      boolean quickGelu = arch.contains("quickgelu") || "quick_gelu".equals(a.optionalText("act_layer", ""));
      boolean swiglu = keys.present("blocks.0.mlp.fc1_g.weight") || keys.present("blocks.0.mlp.w12.weight")
          || "swiglupacked".equalsIgnoreCase(a.optionalText("mlp_layer", ""))
          || (arch.contains("giant") && arch.contains("dinov2"));
      if (keys.present("blocks.0.mlp.fc1_g.weight")) {
        throw new ModelLoadException(configFile, "unpacked SwiGLU (fc1_g/fc1_x) timm checkpoints are not supported yet");
      }
      double eps = clip ? 1e-5 : 1e-6;
      boolean hasCls = a.optionalBool("class_token", true) && keys.present("cls_token");
      int registers = keys.present("reg_token") ? (int) (keys.info("reg_token").elementCount() / d) : 0;
      if (args.has("reg_tokens") && a.optionalInt("reg_tokens", 0) != registers) {
        throw new ModelLoadException(configFile, "model_args.reg_tokens is " + a.optionalInt("reg_tokens", 0)
            + " but the weights hold " + registers + " register tokens");
      }
      int grid = image / patch;
      TensorInfo pos = keys.info("pos_embed");
      long posTokens = pos.elementCount() / d;
      int prefix = hasCls ? 1 : 0;
      boolean posHasPrefix;
      if (posTokens == (long) grid * grid + prefix) {
        posHasPrefix = true;
      } else if (posTokens == (long) grid * grid) {
        posHasPrefix = false;
      } else {
        throw new ModelLoadException(keys.fileOf("pos_embed"), "key 'pos_embed' has " + posTokens
            + " positions; expected " + (grid * grid) + " or " + (grid * grid + prefix) + " for a " + grid + "x" + grid
            + " grid (image " + image + ", patch " + patch + ")");
      }
      boolean preNorm = keys.present("norm_pre.weight");
      Map<String, WeightRef> canon = new LinkedHashMap<>();
      keys.put(canon, CanonicalWeights.PATCH_WEIGHT, "patch_embed.proj.weight", d, 3, patch, patch);
      keys.putOptional(canon, CanonicalWeights.PATCH_BIAS, "patch_embed.proj.bias", d);
      if (hasCls) {
        keys.putFlat(canon, CanonicalWeights.CLS, "cls_token", d, 1, 1, d);
      }
      if (registers > 0) {
        keys.putFlat(canon, CanonicalWeights.REGISTERS, "reg_token", registers * d, 1, registers, d);
      }
      keys.putFlat(canon, CanonicalWeights.POSITION, "pos_embed", (int) posTokens * d, 1, (int) posTokens, d);
      if (preNorm) {
        keys.put(canon, CanonicalWeights.PRE_NORM_WEIGHT, "norm_pre.weight", d);
        keys.put(canon, CanonicalWeights.PRE_NORM_BIAS, "norm_pre.bias", d);
      }
      keys.put(canon, CanonicalWeights.FINAL_NORM_WEIGHT, "norm.weight", d);
      keys.put(canon, CanonicalWeights.FINAL_NORM_BIAS, "norm.bias", d);
      int mlp = -1;
      for (int i = 0; i < layers; i++) {
        String b = "blocks." + i + ".";
        keys.put(canon, CanonicalWeights.block(i, "norm1.weight"), b + "norm1.weight", d);
        keys.put(canon, CanonicalWeights.block(i, "norm1.bias"), b + "norm1.bias", d);
        keys.put(canon, CanonicalWeights.block(i, "qkv.weight"), b + "attn.qkv.weight", 3 * d, d);
        keys.putOptional(canon, CanonicalWeights.block(i, "qkv.bias"), b + "attn.qkv.bias", 3 * d);
        if (keys.present(b + "attn.q_norm.weight")) {
          throw new ModelLoadException(configFile, "qk-norm ViTs are not supported yet (found " + b + "attn.q_norm)");
        }
        keys.put(canon, CanonicalWeights.block(i, "proj.weight"), b + "attn.proj.weight", d, d);
        keys.put(canon, CanonicalWeights.block(i, "proj.bias"), b + "attn.proj.bias", d);
        keys.putOptional(canon, CanonicalWeights.block(i, "ls1"), b + "ls1.gamma", d);
        keys.put(canon, CanonicalWeights.block(i, "norm2.weight"), b + "norm2.weight", d);
        keys.put(canon, CanonicalWeights.block(i, "norm2.bias"), b + "norm2.bias", d);
        keys.putOptional(canon, CanonicalWeights.block(i, "ls2"), b + "ls2.gamma", d);
        TensorInfo fc1 = keys.info(b + "mlp.fc1.weight");
        int fc1Out = (int) fc1.shape()[0];
        if (mlp < 0) {
          mlp = swiglu ? fc1Out / 2 : fc1Out;
        }
        int fc1Expected = swiglu ? 2 * mlp : mlp;
        keys.put(canon, CanonicalWeights.block(i, "fc1.weight"), b + "mlp.fc1.weight", fc1Expected, d);
        keys.put(canon, CanonicalWeights.block(i, "fc1.bias"), b + "mlp.fc1.bias", fc1Expected);
        keys.put(canon, CanonicalWeights.block(i, "fc2.weight"), b + "mlp.fc2.weight", d, mlp);
        keys.put(canon, CanonicalWeights.block(i, "fc2.bias"), b + "mlp.fc2.bias", d);
      }
      AttentionGate gate = keys.attentionGates(canon, layers, d, heads, i -> "blocks." + i + ".attn.gate");
      keys.reportIgnored(canon, warnings);
      boolean layerScale = canon.containsKey(CanonicalWeights.block(0, "ls1"));
      ModelFamily family = arch.contains("dinov2") ? ModelFamily.DINOV2
          : clip ? ModelFamily.CLIP
          : arch.startsWith("deit") ? ModelFamily.DEIT : ModelFamily.VIT;
      MlpActivation activation = swiglu ? MlpActivation.SWIGLU : quickGelu ? MlpActivation.QUICK_GELU : MlpActivation.GELU;
      ModelSpec spec;
      try {
        spec = new ModelSpec(arch, family, CheckpointLayout.TIMM, d, layers, heads, mlp, patch, image, eps,
            activation, layerScale, preNorm, canon.containsKey(CanonicalWeights.PATCH_BIAS), hasCls, false,
            registers, posHasPrefix, PositionInterpolation.BICUBIC_ANTIALIAS, true,
            hasCls ? Pooling.NORMED_CLS : Pooling.NONE, gate);
      } catch (IllegalArgumentException e) {
        throw new ModelLoadException(configFile, e.getMessage());
      }
      return new Checkpoint(folder, spec, canon, files, warnings);
    }

    private static int imageSize(Path configFile, JsonNode config, ConfigFields a) throws ModelLoadException {
      JsonNode imgSize = a.node().get("img_size");
      if (imgSize != null) {
        return a.squareSize("img_size");
      }
      JsonNode input = config.path("pretrained_cfg").path("input_size");
      if (input.isArray() && input.size() == 3 && input.get(1).asInt() == input.get(2).asInt() && input.get(1).asInt() > 0) {
        return input.get(1).asInt();
      }
      throw new ModelLoadException(configFile, "missing 'model_args.img_size' and 'pretrained_cfg.input_size' [3, S, S]");
    }
  }

  // ---------------------------------------------------------------- key lookup with shape checks

  /** Finds keys under a detected prefix and checks shapes; messages name file, key, expected and found. */
  private static final class KeyResolver {
    private final Path configFile;
    private final Map<String, WeightRef> weights;
    private final String prefix;
    private final Set<String> used = new LinkedHashSet<>();

    KeyResolver(Path configFile, Map<String, WeightRef> weights, List<String> candidates, String anchorKey)
        throws ModelLoadException {
      this.configFile = configFile;
      this.weights = weights;
      String found = null;
      for (String c : candidates) {
        if (weights.containsKey(c + anchorKey)) {
          found = c;
          break;
        }
      }
      if (found == null) {
        Path file = weights.isEmpty() ? configFile : weights.values().iterator().next().file().path();
        throw new ModelLoadException(file, "missing key '" + candidates.get(0) + anchorKey
            + "': the weights do not match the layout config.json declares (" + weights.size() + " tensors, e.g. "
            + weights.keySet().stream().limit(3).toList() + ")");
      }
      this.prefix = found;
    }

    boolean present(String key) {
      return weights.containsKey(prefix + key);
    }

    Path fileOf(String key) {
      WeightRef r = weights.get(prefix + key);
      return r == null ? configFile : r.file().path();
    }

    TensorInfo info(String key) throws ModelLoadException {
      WeightRef r = weights.get(prefix + key);
      if (r == null) {
        throw missing(key);
      }
      return r.info();
    }

    private ModelLoadException missing(String key) {
      Path file = weights.isEmpty() ? configFile : weights.values().iterator().next().file().path();
      return new ModelLoadException(file, "missing key '" + prefix + key + "'");
    }

    /** Requires {@code key} with exactly {@code shape}. */
    void put(Map<String, WeightRef> canon, String canonical, String key, int... shape) throws ModelLoadException {
      WeightRef r = weights.get(prefix + key);
      if (r == null) {
        throw missing(key);
      }
      long[] expected = Arrays.stream(shape).asLongStream().toArray();
      if (!Arrays.equals(expected, r.info().shape())) {
        throw new ModelLoadException(r.file().path(), "key '" + r.key() + "' has shape " + r.info().shapeString()
            + ", expected " + Arrays.toString(expected) + " from " + configFile.getFileName());
      }
      accept(canon, canonical, r);
    }

    /** Like {@link #put} but a missing key is fine. */
    void putOptional(Map<String, WeightRef> canon, String canonical, String key, int... shape) throws ModelLoadException {
      if (present(key)) {
        put(canon, canonical, key, shape);
      }
    }

    /** Requires {@code key} with {@code elements} values in one of the given shapes (leading 1s optional). */
    void putFlat(Map<String, WeightRef> canon, String canonical, String key, int elements, int... fullShape)
        throws ModelLoadException {
      WeightRef r = weights.get(prefix + key);
      if (r == null) {
        throw missing(key);
      }
      long[] found = r.info().shape();
      long[] expected = Arrays.stream(fullShape).asLongStream().toArray();
      boolean ok = r.info().elementCount() == elements && found.length <= expected.length
          && Arrays.equals(found, Arrays.copyOfRange(expected, expected.length - found.length, expected.length));
      if (!ok) {
        throw new ModelLoadException(r.file().path(), "key '" + r.key() + "' has shape " + r.info().shapeString()
            + ", expected " + Arrays.toString(expected) + " from " + configFile.getFileName());
      }
      accept(canon, canonical, r);
    }

    private void accept(Map<String, WeightRef> canon, String canonical, WeightRef r) throws ModelLoadException {
      if (!r.info().dtype().isFloatingPoint()) {
        throw new ModelLoadException(r.file().path(), "key '" + r.key() + "' has dtype " + r.info().dtype()
            + "; weights must be F32, F16 or BF16");
      }
      canon.put(canonical, r);
      used.add(r.key());
    }

    /**
     * Maps trained attention gates ({@code <module>.weight} [H, D] or [D, D], optional bias) when
     * block 0 has one; then every block must have the same kind.
     */
    AttentionGate attentionGates(Map<String, WeightRef> canon, int layers, int d, int heads,
        java.util.function.IntFunction<String> module) throws ModelLoadException {
      String first = module.apply(0) + ".weight";
      if (!present(first)) {
        for (int i = 1; i < layers; i++) {
          if (present(module.apply(i) + ".weight")) {
            throw new ModelLoadException(fileOf(module.apply(i) + ".weight"), "key '" + prefix + module.apply(i)
                + ".weight' is a trained attention gate, but block 0 has none ('" + prefix + first + "')");
          }
        }
        return AttentionGate.NONE;
      }
      long rows = info(first).shape()[0];
      AttentionGate kind = rows == heads ? AttentionGate.HEADWISE : AttentionGate.ELEMENTWISE;
      int out = kind == AttentionGate.HEADWISE ? heads : d;
      for (int i = 0; i < layers; i++) {
        put(canon, CanonicalWeights.block(i, "gate.weight"), module.apply(i) + ".weight", out, d);
        putOptional(canon, CanonicalWeights.block(i, "gate.bias"), module.apply(i) + ".bias", out);
      }
      return kind;
    }

    int countBlocks(String blockPrefix) {
      TreeMap<Integer, Boolean> seen = new TreeMap<>();
      String p = prefix + blockPrefix;
      for (String k : weights.keySet()) {
        if (k.startsWith(p)) {
          String rest = k.substring(p.length());
          int dot = rest.indexOf('.');
          if (dot > 0) {
            try {
              seen.put(Integer.parseInt(rest.substring(0, dot)), true);
            } catch (NumberFormatException ignored) {
              // not a block index
            }
          }
        }
      }
      return seen.isEmpty() ? 0 : seen.lastKey() + 1;
    }

    /** The weights hold exactly {@code layers} blocks; otherwise config.json and the weights disagree. */
    void checkBlockCount(String blockPrefix, int layers) throws ModelLoadException {
      int found = countBlocks(blockPrefix);
      if (found != layers) {
        throw new ModelLoadException(configFile, "num_hidden_layers is " + layers + " but the weights have "
            + found + " blocks (" + (found == 0 ? "no " + prefix + blockPrefix + "N.*"
            : prefix + blockPrefix + "0.." + (found - 1) + ".*") + ")");
      }
    }

    void reportIgnored(Map<String, WeightRef> canon, List<String> warnings) {
      long ignored = weights.keySet().stream().filter(k -> !used.contains(k)).count();
      if (ignored > 0) {
        List<String> examples = weights.keySet().stream().filter(k -> !used.contains(k)).limit(4).toList();
        warnings.add(ignored + " tensors not used by the vision encoder were skipped, e.g. " + examples);
      }
    }
  }
}
