package dev.sinkscope.inference.model;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sinkscope.inference.safetensors.SafetensorsFile;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * transformers' {@code SiglipVisionModel}, or the vision half of a {@code SiglipModel} (keys under
 * {@code vision_model.}, config under {@code vision_config}); fixed-resolution SigLIP 2 checkpoints
 * are the same layout. No CLS token: the sequence is the patches; a learned position table; {@code
 * post_layernorm} over all tokens; the multi-head attention-pooling head makes the pooled output.
 */
final class SiglipLayout implements LayoutReader {

  @Override
  public Checkpoint build(
      Path folder,
      Path configFile,
      JsonNode config,
      Map<String, WeightRef> weights,
      List<SafetensorsFile> files,
      List<String> warnings)
      throws ModelLoadException {
    JsonNode node = config;
    String fieldPrefix = "";
    if ("siglip".equals(config.path("model_type").asText())) {
      node = config.get("vision_config");
      fieldPrefix = "vision_config.";
      if (node == null || !node.isObject()) {
        throw new ModelLoadException(
            configFile, "missing key 'vision_config' of a full SigLIP config");
      }
    }
    // The hub's nested configs leave out fields equal to SiglipVisionConfig's defaults.
    ConfigFields f = new ConfigFields(configFile, node, fieldPrefix);
    int d = intOr(f, node, "hidden_size", 768);
    int layers = intOr(f, node, "num_hidden_layers", 12);
    int heads = intOr(f, node, "num_attention_heads", 12);
    int mlp = intOr(f, node, "intermediate_size", 3072);
    int patch = intOr(f, node, "patch_size", 16);
    int image = node.has("image_size") ? f.squareSize("image_size") : 224;
    int channels = f.optionalInt("num_channels", 3);
    double eps = f.optionalDouble("layer_norm_eps", 1e-6);
    MlpActivation activation =
        ConfigFields.activation(
            configFile,
            fieldPrefix + "hidden_act",
            f.optionalText("hidden_act", "gelu_pytorch_tanh"));
    ConfigFields.requireRgb(configFile, channels);
    ConfigFields.requireWholeGrid(configFile, image, patch);
    int grid = image / patch;

    KeyResolver keys =
        new KeyResolver(
            configFile, weights, List.of("vision_model.", ""), "embeddings.patch_embedding.weight");
    Map<String, WeightRef> canon = new LinkedHashMap<>();
    keys.put(
        canon,
        CanonicalWeights.PATCH_WEIGHT,
        "embeddings.patch_embedding.weight",
        d,
        channels,
        patch,
        patch);
    keys.putOptional(canon, CanonicalWeights.PATCH_BIAS, "embeddings.patch_embedding.bias", d);
    keys.put(
        canon, CanonicalWeights.POSITION, "embeddings.position_embedding.weight", grid * grid, d);
    keys.put(canon, CanonicalWeights.FINAL_NORM_WEIGHT, "post_layernorm.weight", d);
    keys.put(canon, CanonicalWeights.FINAL_NORM_BIAS, "post_layernorm.bias", d);
    keys.checkBlockCount("encoder.layers.", layers);
    for (int i = 0; i < layers; i++) {
      String b = "encoder.layers." + i + ".";
      keys.put(
          canon, CanonicalWeights.block(i, BlockWeight.NORM1_WEIGHT), b + "layer_norm1.weight", d);
      keys.put(canon, CanonicalWeights.block(i, BlockWeight.NORM1_BIAS), b + "layer_norm1.bias", d);
      String[] qkv = {"q_proj", "k_proj", "v_proj"};
      for (int j = 0; j < 3; j++) {
        keys.put(
            canon,
            CanonicalWeights.block(i, BlockWeight.SEPARATE_QKV_WEIGHTS.get(j)),
            b + "self_attn." + qkv[j] + ".weight",
            d,
            d);
        keys.putOptional(
            canon,
            CanonicalWeights.block(i, BlockWeight.SEPARATE_QKV_BIASES.get(j)),
            b + "self_attn." + qkv[j] + ".bias",
            d);
      }
      keys.put(
          canon,
          CanonicalWeights.block(i, BlockWeight.PROJ_WEIGHT),
          b + "self_attn.out_proj.weight",
          d,
          d);
      keys.put(
          canon,
          CanonicalWeights.block(i, BlockWeight.PROJ_BIAS),
          b + "self_attn.out_proj.bias",
          d);
      keys.put(
          canon, CanonicalWeights.block(i, BlockWeight.NORM2_WEIGHT), b + "layer_norm2.weight", d);
      keys.put(canon, CanonicalWeights.block(i, BlockWeight.NORM2_BIAS), b + "layer_norm2.bias", d);
      keys.put(
          canon, CanonicalWeights.block(i, BlockWeight.FC1_WEIGHT), b + "mlp.fc1.weight", mlp, d);
      keys.put(canon, CanonicalWeights.block(i, BlockWeight.FC1_BIAS), b + "mlp.fc1.bias", mlp);
      keys.put(
          canon, CanonicalWeights.block(i, BlockWeight.FC2_WEIGHT), b + "mlp.fc2.weight", d, mlp);
      keys.put(canon, CanonicalWeights.block(i, BlockWeight.FC2_BIAS), b + "mlp.fc2.bias", d);
    }
    Pooling pooling = Pooling.NONE;
    if (keys.present("head.probe")) {
      keys.putFlat(canon, CanonicalWeights.HEAD_PROBE, "head.probe", d, 1, 1, d);
      keys.put(canon, CanonicalWeights.HEAD_QKV_WEIGHT, "head.attention.in_proj_weight", 3 * d, d);
      keys.put(canon, CanonicalWeights.HEAD_QKV_BIAS, "head.attention.in_proj_bias", 3 * d);
      keys.put(canon, CanonicalWeights.HEAD_PROJ_WEIGHT, "head.attention.out_proj.weight", d, d);
      keys.put(canon, CanonicalWeights.HEAD_PROJ_BIAS, "head.attention.out_proj.bias", d);
      keys.put(canon, CanonicalWeights.HEAD_NORM_WEIGHT, "head.layernorm.weight", d);
      keys.put(canon, CanonicalWeights.HEAD_NORM_BIAS, "head.layernorm.bias", d);
      keys.put(canon, CanonicalWeights.HEAD_FC1_WEIGHT, "head.mlp.fc1.weight", mlp, d);
      keys.put(canon, CanonicalWeights.HEAD_FC1_BIAS, "head.mlp.fc1.bias", mlp);
      keys.put(canon, CanonicalWeights.HEAD_FC2_WEIGHT, "head.mlp.fc2.weight", d, mlp);
      keys.put(canon, CanonicalWeights.HEAD_FC2_BIAS, "head.mlp.fc2.bias", d);
      pooling = Pooling.ATTENTION_PROBE;
    } else {
      warnings.add(
          "no attention-pooling head ("
              + keys.prefix()
              + "head.probe): no pooled output and no "
              + "pooling-probe attention");
    }
    AttentionGate gate =
        keys.attentionGates(
            canon, layers, d, heads, i -> "encoder.layers." + i + ".self_attn.gate");
    keys.reportIgnored(canon, warnings);
    ModelSpec spec;
    try {
      spec =
          new ModelSpec(
              LayoutReader.modelName(folder),
              ModelFamily.SIGLIP,
              CheckpointLayout.HF_SIGLIP_VISION,
              d,
              layers,
              heads,
              mlp,
              patch,
              image,
              eps,
              activation,
              false,
              false,
              canon.containsKey(CanonicalWeights.PATCH_BIAS),
              false,
              false,
              0,
              false,
              PositionInterpolation.BICUBIC,
              true,
              pooling,
              gate,
              null);
    } catch (IllegalArgumentException e) {
      throw new ModelLoadException(
          configFile, e.getMessage() + " (native grid " + grid + "x" + grid + ")");
    }
    return new Checkpoint(folder, spec, canon, files, warnings);
  }

  private static int intOr(ConfigFields f, JsonNode node, String key, int fallback)
      throws ModelLoadException {
    return node.has(key) && !node.get(key).isNull() ? f.requiredInt(key) : fallback;
  }
}
