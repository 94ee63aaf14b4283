package dev.sinkscope.inference.model;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sinkscope.inference.safetensors.SafetensorsFile;
import dev.sinkscope.inference.safetensors.TensorInfo;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** timm's hub layout: config.json with architecture, model_args and pretrained_cfg. */
final class TimmLayout implements LayoutReader {
  /**
   * Heads per width, for architectures whose model_args do not say (timm's registered defaults).
   */
  private static final Map<Integer, Integer> HEADS_BY_WIDTH =
      Map.of(192, 3, 384, 6, 768, 12, 1024, 16, 1280, 16, 1408, 16, 1536, 24, 1664, 16);

  @Override
  public Checkpoint build(
      Path folder,
      Path configFile,
      JsonNode config,
      Map<String, WeightRef> weights,
      List<SafetensorsFile> files,
      List<String> warnings)
      throws ModelLoadException {
    String arch = config.path("architecture").asText("");
    if (!arch.startsWith("vit_") && !arch.startsWith("deit3_") && !arch.startsWith("deit_")) {
      throw new ModelLoadException(
          configFile,
          "timm architecture '"
              + arch
              + "' is not supported; supported: vit_* (incl. *_dinov2, *_clip_*) and deit3_*/deit_*");
    }
    JsonNode args = config.path("model_args");
    ConfigFields a =
        new ConfigFields(
            configFile,
            args.isObject()
                ? args
                : com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode(),
            "model_args.");
    KeyResolver keys =
        new KeyResolver(
            configFile, weights, List.of("", "model.", "module."), "patch_embed.proj.weight");
    TensorInfo patchW = keys.info("patch_embed.proj.weight");
    long[] ps = patchW.shape();
    if (ps.length != 4 || ps[2] != ps[3]) {
      throw new ModelLoadException(
          patchW.name().isEmpty() ? configFile : keys.fileOf("patch_embed.proj.weight"),
          "key 'patch_embed.proj.weight' must be [D, 3, P, P], found " + patchW.shapeString());
    }
    int d = (int) ps[0];
    int patch = (int) ps[2];
    if (args.has("embed_dim") && a.requiredInt("embed_dim") != d) {
      throw new ModelLoadException(
          configFile,
          "model_args.embed_dim is "
              + a.requiredInt("embed_dim")
              + " but patch_embed.proj.weight has "
              + d
              + " output channels");
    }
    if (args.has("patch_size") && a.requiredInt("patch_size") != patch) {
      throw new ModelLoadException(
          configFile,
          "model_args.patch_size is "
              + a.requiredInt("patch_size")
              + " but patch_embed.proj.weight has "
              + patch
              + "x"
              + patch
              + " kernels");
    }
    int layers = keys.countBlocks("blocks.");
    if (args.has("depth") && a.requiredInt("depth") != layers) {
      throw new ModelLoadException(
          configFile,
          "model_args.depth is "
              + a.requiredInt("depth")
              + " but the weights have "
              + layers
              + " blocks");
    }
    if (layers == 0) {
      throw new ModelLoadException(
          keys.fileOf("patch_embed.proj.weight"), "has no blocks.N.* weights");
    }
    Integer heads = args.has("num_heads") ? a.requiredInt("num_heads") : HEADS_BY_WIDTH.get(d);
    if (heads == null) {
      throw new ModelLoadException(
          configFile, "missing key 'model_args.num_heads' (no default for width " + d + ")");
    }
    int image = imageSize(configFile, config, a);
    boolean clip = arch.contains("_clip_");
    boolean quickGelu =
        arch.contains("quickgelu") || "quick_gelu".equals(a.optionalText("act_layer", ""));
    boolean swiglu =
        keys.present("blocks.0.mlp.fc1_g.weight")
            || keys.present("blocks.0.mlp.w12.weight")
            || "swiglupacked".equalsIgnoreCase(a.optionalText("mlp_layer", ""))
            || (arch.contains("giant") && arch.contains("dinov2"));
    if (keys.present("blocks.0.mlp.fc1_g.weight")) {
      throw new ModelLoadException(
          configFile, "unpacked SwiGLU (fc1_g/fc1_x) timm checkpoints are not supported yet");
    }
    double eps = clip ? 1e-5 : 1e-6;
    boolean hasCls = a.optionalBool("class_token", true) && keys.present("cls_token");
    int registers =
        keys.present("reg_token") ? (int) (keys.info("reg_token").elementCount() / d) : 0;
    if (args.has("reg_tokens") && a.optionalInt("reg_tokens", 0) != registers) {
      throw new ModelLoadException(
          configFile,
          "model_args.reg_tokens is "
              + a.optionalInt("reg_tokens", 0)
              + " but the weights hold "
              + registers
              + " register tokens");
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
      throw new ModelLoadException(
          keys.fileOf("pos_embed"),
          "key 'pos_embed' has "
              + posTokens
              + " positions; expected "
              + (grid * grid)
              + " or "
              + (grid * grid + prefix)
              + " for a "
              + grid
              + "x"
              + grid
              + " grid (image "
              + image
              + ", patch "
              + patch
              + ")");
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
    keys.putFlat(
        canon, CanonicalWeights.POSITION, "pos_embed", (int) posTokens * d, 1, (int) posTokens, d);
    if (preNorm) {
      keys.put(canon, CanonicalWeights.PRE_NORM_WEIGHT, "norm_pre.weight", d);
      keys.put(canon, CanonicalWeights.PRE_NORM_BIAS, "norm_pre.bias", d);
    }
    keys.put(canon, CanonicalWeights.FINAL_NORM_WEIGHT, "norm.weight", d);
    keys.put(canon, CanonicalWeights.FINAL_NORM_BIAS, "norm.bias", d);
    int mlp = -1;
    for (int i = 0; i < layers; i++) {
      String b = "blocks." + i + ".";
      keys.put(canon, CanonicalWeights.block(i, BlockWeight.NORM1_WEIGHT), b + "norm1.weight", d);
      keys.put(canon, CanonicalWeights.block(i, BlockWeight.NORM1_BIAS), b + "norm1.bias", d);
      keys.put(
          canon,
          CanonicalWeights.block(i, BlockWeight.QKV_WEIGHT),
          b + "attn.qkv.weight",
          3 * d,
          d);
      keys.putOptional(
          canon, CanonicalWeights.block(i, BlockWeight.QKV_BIAS), b + "attn.qkv.bias", 3 * d);
      if (keys.present(b + "attn.q_norm.weight")) {
        throw new ModelLoadException(
            configFile, "qk-norm ViTs are not supported yet (found " + b + "attn.q_norm)");
      }
      keys.put(
          canon, CanonicalWeights.block(i, BlockWeight.PROJ_WEIGHT), b + "attn.proj.weight", d, d);
      keys.put(canon, CanonicalWeights.block(i, BlockWeight.PROJ_BIAS), b + "attn.proj.bias", d);
      keys.putOptional(canon, CanonicalWeights.block(i, BlockWeight.LS1), b + "ls1.gamma", d);
      keys.put(canon, CanonicalWeights.block(i, BlockWeight.NORM2_WEIGHT), b + "norm2.weight", d);
      keys.put(canon, CanonicalWeights.block(i, BlockWeight.NORM2_BIAS), b + "norm2.bias", d);
      keys.putOptional(canon, CanonicalWeights.block(i, BlockWeight.LS2), b + "ls2.gamma", d);
      TensorInfo fc1 = keys.info(b + "mlp.fc1.weight");
      int fc1Out = (int) fc1.shape()[0];
      if (mlp < 0) {
        mlp = swiglu ? fc1Out / 2 : fc1Out;
      }
      int fc1Expected = swiglu ? 2 * mlp : mlp;
      keys.put(
          canon,
          CanonicalWeights.block(i, BlockWeight.FC1_WEIGHT),
          b + "mlp.fc1.weight",
          fc1Expected,
          d);
      keys.put(
          canon, CanonicalWeights.block(i, BlockWeight.FC1_BIAS), b + "mlp.fc1.bias", fc1Expected);
      keys.put(
          canon, CanonicalWeights.block(i, BlockWeight.FC2_WEIGHT), b + "mlp.fc2.weight", d, mlp);
      keys.put(canon, CanonicalWeights.block(i, BlockWeight.FC2_BIAS), b + "mlp.fc2.bias", d);
    }
    AttentionGate gate =
        keys.attentionGates(canon, layers, d, heads, i -> "blocks." + i + ".attn.gate");
    keys.reportIgnored(canon, warnings);
    boolean layerScale = canon.containsKey(CanonicalWeights.block(0, BlockWeight.LS1));
    ModelFamily family =
        arch.contains("dinov2")
            ? ModelFamily.DINOV2
            : clip
                ? ModelFamily.CLIP
                : arch.startsWith("deit") ? ModelFamily.DEIT : ModelFamily.VIT;
    MlpActivation activation =
        swiglu ? MlpActivation.SWIGLU : quickGelu ? MlpActivation.QUICK_GELU : MlpActivation.GELU;
    ModelSpec spec;
    try {
      spec =
          new ModelSpec(
              arch,
              family,
              CheckpointLayout.TIMM,
              d,
              layers,
              heads,
              mlp,
              patch,
              image,
              eps,
              activation,
              layerScale,
              preNorm,
              canon.containsKey(CanonicalWeights.PATCH_BIAS),
              hasCls,
              false,
              registers,
              posHasPrefix,
              PositionInterpolation.BICUBIC_ANTIALIAS,
              true,
              hasCls ? Pooling.NORMED_CLS : Pooling.NONE,
              gate);
    } catch (IllegalArgumentException e) {
      throw new ModelLoadException(configFile, e.getMessage());
    }
    return new Checkpoint(folder, spec, canon, files, warnings);
  }

  private static int imageSize(Path configFile, JsonNode config, ConfigFields a)
      throws ModelLoadException {
    JsonNode imgSize = a.node().get("img_size");
    if (imgSize != null) {
      return a.squareSize("img_size");
    }
    JsonNode input = config.path("pretrained_cfg").path("input_size");
    if (input.isArray()
        && input.size() == 3
        && input.get(1).asInt() == input.get(2).asInt()
        && input.get(1).asInt() > 0) {
      return input.get(1).asInt();
    }
    throw new ModelLoadException(
        configFile, "missing 'model_args.img_size' and 'pretrained_cfg.input_size' [3, S, S]");
  }
}
