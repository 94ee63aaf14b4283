package dev.sinkscope.inference.model;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sinkscope.inference.safetensors.SafetensorsFile;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * transformers' ViT-style layouts: Dinov2Model, Dinov2WithRegistersModel, ViTModel, DeiTModel, CLIP
 * vision.
 */
final class HfLayout implements LayoutReader {
  private final CheckpointLayout kind;

  HfLayout(CheckpointLayout kind) {
    this.kind = kind;
  }

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
    if (kind == CheckpointLayout.HF_CLIP_VISION
        && "clip".equals(config.path("model_type").asText())) {
      node = config.get("vision_config");
      fieldPrefix = "vision_config.";
      if (node == null || !node.isObject()) {
        throw new ModelLoadException(
            configFile, "missing key 'vision_config' of a full CLIP config");
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
    MlpActivation activation =
        swiglu
            ? MlpActivation.SWIGLU
            : ConfigFields.activation(configFile, fieldPrefix + "hidden_act", act);
    // Other HF layouts: registers a Sinkscope distillation added (transformers ignores the field
    // there).
    int registers =
        kind == CheckpointLayout.HF_DINOV2_WITH_REGISTERS
            ? f.optionalInt("num_register_tokens", 4)
            : kind == CheckpointLayout.HF_CLIP_VISION ? 0 : f.optionalInt("num_register_tokens", 0);
    boolean dinov2 =
        kind == CheckpointLayout.HF_DINOV2 || kind == CheckpointLayout.HF_DINOV2_WITH_REGISTERS;
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
    ConfigFields.requireWholeGrid(configFile, image, patch);

    KeyResolver keys =
        new KeyResolver(
            configFile,
            weights,
            clip ? List.of("vision_model.", "") : List.of("", "dinov2.", "vit.", "deit.", "model."),
            clip
                ? "embeddings.patch_embedding.weight"
                : "embeddings.patch_embeddings.projection.weight");
    Map<String, WeightRef> canon = new LinkedHashMap<>();
    int positions = (image / patch) * (image / patch) + (clip || !deit ? 1 : 2);
    if (clip) {
      keys.put(
          canon,
          CanonicalWeights.PATCH_WEIGHT,
          "embeddings.patch_embedding.weight",
          d,
          channels,
          patch,
          patch);
      keys.put(canon, CanonicalWeights.CLS, "embeddings.class_embedding", d);
      keys.put(
          canon, CanonicalWeights.POSITION, "embeddings.position_embedding.weight", positions, d);
      keys.put(canon, CanonicalWeights.PRE_NORM_WEIGHT, "pre_layrnorm.weight", d);
      keys.put(canon, CanonicalWeights.PRE_NORM_BIAS, "pre_layrnorm.bias", d);
      keys.put(canon, CanonicalWeights.FINAL_NORM_WEIGHT, "post_layernorm.weight", d);
      keys.put(canon, CanonicalWeights.FINAL_NORM_BIAS, "post_layernorm.bias", d);
    } else {
      keys.put(
          canon,
          CanonicalWeights.PATCH_WEIGHT,
          "embeddings.patch_embeddings.projection.weight",
          d,
          channels,
          patch,
          patch);
      keys.put(
          canon, CanonicalWeights.PATCH_BIAS, "embeddings.patch_embeddings.projection.bias", d);
      keys.putFlat(canon, CanonicalWeights.CLS, "embeddings.cls_token", d, 1, 1, d);
      if (deit) {
        keys.putFlat(
            canon, CanonicalWeights.DISTILLATION, "embeddings.distillation_token", d, 1, 1, d);
      }
      if (registers > 0) {
        keys.putFlat(
            canon,
            CanonicalWeights.REGISTERS,
            "embeddings.register_tokens",
            registers * d,
            1,
            registers,
            d);
      }
      keys.putFlat(
          canon,
          CanonicalWeights.POSITION,
          "embeddings.position_embeddings",
          positions * d,
          1,
          positions,
          d);
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
      keys.put(canon, CanonicalWeights.block(i, BlockWeight.NORM1_WEIGHT), b + n1 + ".weight", d);
      keys.put(canon, CanonicalWeights.block(i, BlockWeight.NORM1_BIAS), b + n1 + ".bias", d);
      String[] qkvNames =
          clip
              ? new String[] {"self_attn.q_proj", "self_attn.k_proj", "self_attn.v_proj"}
              : new String[] {
                "attention.attention.query", "attention.attention.key", "attention.attention.value"
              };
      for (int j = 0; j < 3; j++) {
        keys.put(
            canon,
            CanonicalWeights.block(i, BlockWeight.SEPARATE_QKV_WEIGHTS.get(j)),
            b + qkvNames[j] + ".weight",
            d,
            d);
        keys.putOptional(
            canon,
            CanonicalWeights.block(i, BlockWeight.SEPARATE_QKV_BIASES.get(j)),
            b + qkvNames[j] + ".bias",
            d);
      }
      String proj = clip ? "self_attn.out_proj" : "attention.output.dense";
      keys.put(
          canon, CanonicalWeights.block(i, BlockWeight.PROJ_WEIGHT), b + proj + ".weight", d, d);
      keys.put(canon, CanonicalWeights.block(i, BlockWeight.PROJ_BIAS), b + proj + ".bias", d);
      keys.put(canon, CanonicalWeights.block(i, BlockWeight.NORM2_WEIGHT), b + n2 + ".weight", d);
      keys.put(canon, CanonicalWeights.block(i, BlockWeight.NORM2_BIAS), b + n2 + ".bias", d);
      if (dinov2) {
        keys.put(canon, CanonicalWeights.block(i, BlockWeight.LS1), b + "layer_scale1.lambda1", d);
        keys.put(canon, CanonicalWeights.block(i, BlockWeight.LS2), b + "layer_scale2.lambda1", d);
      }
      String fc1 =
          clip
              ? "mlp.fc1"
              : dinov2 ? (swiglu ? "mlp.weights_in" : "mlp.fc1") : "intermediate.dense";
      String fc2 =
          clip ? "mlp.fc2" : dinov2 ? (swiglu ? "mlp.weights_out" : "mlp.fc2") : "output.dense";
      int fc1Out = swiglu ? 2 * mlp : mlp;
      keys.put(
          canon, CanonicalWeights.block(i, BlockWeight.FC1_WEIGHT), b + fc1 + ".weight", fc1Out, d);
      keys.put(canon, CanonicalWeights.block(i, BlockWeight.FC1_BIAS), b + fc1 + ".bias", fc1Out);
      keys.put(
          canon, CanonicalWeights.block(i, BlockWeight.FC2_WEIGHT), b + fc2 + ".weight", d, mlp);
      keys.put(canon, CanonicalWeights.block(i, BlockWeight.FC2_BIAS), b + fc2 + ".bias", d);
    }
    AttentionGate gate =
        keys.attentionGates(
            canon,
            layers,
            d,
            heads,
            i ->
                (clip ? "encoder.layers." + i + ".self_attn" : "encoder.layer." + i + ".attention")
                    + ".gate");
    keys.reportIgnored(canon, warnings);

    ModelFamily family =
        switch (kind) {
          case HF_DINOV2, HF_DINOV2_WITH_REGISTERS -> ModelFamily.DINOV2;
          case HF_VIT -> ModelFamily.VIT;
          case HF_DEIT -> ModelFamily.DEIT;
          default -> ModelFamily.CLIP;
        };
    Pooling pooling =
        clip
            ? Pooling.POST_LAYERNORM_CLS
            : dinov2
                ? Pooling.NORMED_CLS
                : canon.containsKey(CanonicalWeights.POOLER_WEIGHT)
                    ? Pooling.TANH_DENSE
                    : Pooling.NONE;
    ModelSpec spec;
    try {
      spec =
          new ModelSpec(
              LayoutReader.modelName(folder),
              family,
              kind,
              d,
              layers,
              heads,
              mlp,
              patch,
              image,
              eps,
              activation,
              dinov2,
              clip,
              canon.containsKey(CanonicalWeights.PATCH_BIAS),
              true,
              deit,
              registers,
              true,
              kind == CheckpointLayout.HF_DINOV2_WITH_REGISTERS
                  ? PositionInterpolation.BICUBIC_ANTIALIAS
                  : PositionInterpolation.BICUBIC,
              !clip,
              pooling,
              gate);
    } catch (IllegalArgumentException e) {
      throw new ModelLoadException(configFile, e.getMessage() + " (native grid " + grid + ")");
    }
    ConfigFields.requireRgb(configFile, channels);
    return new Checkpoint(folder, spec, canon, files, warnings);
  }
}
