package dev.sinkscope.inference.model;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sinkscope.inference.safetensors.SafetensorsFile;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * transformers' {@code DINOv3ViTModel} ({@code model_type} {@code dinov3_vit}): CLS, registers and
 * patches with no position table (2-D RoPE inside every attention), {@code k_proj} without bias,
 * layer scale, a plain or gated (SwiGLU) MLP, and a final norm over all tokens.
 */
final class Dinov3Layout implements LayoutReader {

  @Override
  public Checkpoint build(
      Path folder,
      Path configFile,
      JsonNode config,
      Map<String, WeightRef> weights,
      List<SafetensorsFile> files,
      List<String> warnings)
      throws ModelLoadException {
    ConfigFields f = new ConfigFields(configFile, config, "");
    int d = f.requiredInt("hidden_size");
    int layers = f.requiredInt("num_hidden_layers");
    int heads = f.requiredInt("num_attention_heads");
    int mlp = f.requiredInt("intermediate_size");
    int patch = f.requiredInt("patch_size");
    int image = config.has("image_size") ? f.squareSize("image_size") : 224;
    int channels = f.optionalInt("num_channels", 3);
    int registers = f.optionalInt("num_register_tokens", 0);
    double eps = f.optionalDouble("layer_norm_eps", 1e-5);
    double theta = f.optionalDouble("rope_theta", 100);
    boolean gated = f.optionalBool("use_gated_mlp", false);
    String act = f.optionalText("hidden_act", "gelu");
    MlpActivation activation;
    if (gated) {
      if (!act.equals("silu") && !act.equals("swish")) {
        throw new ModelLoadException(
            configFile,
            "use_gated_mlp with hidden_act '"
                + act
                + "' is not supported; gated MLPs are supported with silu (SwiGLU)");
      }
      activation = MlpActivation.SWIGLU;
    } else {
      activation = ConfigFields.activation(configFile, "hidden_act", act);
    }
    ConfigFields.requireRgb(configFile, channels);

    KeyResolver keys =
        new KeyResolver(
            configFile,
            weights,
            List.of("", "model.", "dinov3_vit."),
            "embeddings.patch_embeddings.weight");
    String blocks =
        keys.present("layer.0.norm1.weight") || !keys.present("model.layer.0.norm1.weight")
            ? "layer."
            : "model.layer.";
    Map<String, WeightRef> canon = new LinkedHashMap<>();
    keys.put(
        canon,
        CanonicalWeights.PATCH_WEIGHT,
        "embeddings.patch_embeddings.weight",
        d,
        channels,
        patch,
        patch);
    keys.putOptional(canon, CanonicalWeights.PATCH_BIAS, "embeddings.patch_embeddings.bias", d);
    keys.putFlat(canon, CanonicalWeights.CLS, "embeddings.cls_token", d, 1, 1, d);
    if (registers > 0) {
      keys.putFlat(
          canon,
          CanonicalWeights.REGISTERS,
          "embeddings.register_tokens",
          registers * d,
          1,
          registers,
          d);
    } else if (keys.present("embeddings.register_tokens")) {
      throw new ModelLoadException(
          keys.fileOf("embeddings.register_tokens"),
          "holds embeddings.register_tokens "
              + "but num_register_tokens in "
              + configFile.getFileName()
              + " is 0 or missing");
    }
    keys.put(canon, CanonicalWeights.FINAL_NORM_WEIGHT, "norm.weight", d);
    keys.put(canon, CanonicalWeights.FINAL_NORM_BIAS, "norm.bias", d);
    keys.checkBlockCount(blocks, layers);
    for (int i = 0; i < layers; i++) {
      String b = blocks + i + ".";
      keys.put(canon, CanonicalWeights.block(i, BlockWeight.NORM1_WEIGHT), b + "norm1.weight", d);
      keys.put(canon, CanonicalWeights.block(i, BlockWeight.NORM1_BIAS), b + "norm1.bias", d);
      String[] qkv = {"q_proj", "k_proj", "v_proj"};
      for (int j = 0; j < 3; j++) {
        keys.put(
            canon,
            CanonicalWeights.block(i, BlockWeight.SEPARATE_QKV_WEIGHTS.get(j)),
            b + "attention." + qkv[j] + ".weight",
            d,
            d);
        // k_proj has no bias in the released checkpoints (key_bias false); q/v usually have one
        keys.putOptional(
            canon,
            CanonicalWeights.block(i, BlockWeight.SEPARATE_QKV_BIASES.get(j)),
            b + "attention." + qkv[j] + ".bias",
            d);
      }
      keys.put(
          canon,
          CanonicalWeights.block(i, BlockWeight.PROJ_WEIGHT),
          b + "attention.o_proj.weight",
          d,
          d);
      keys.putOptional(
          canon, CanonicalWeights.block(i, BlockWeight.PROJ_BIAS), b + "attention.o_proj.bias", d);
      keys.put(canon, CanonicalWeights.block(i, BlockWeight.LS1), b + "layer_scale1.lambda1", d);
      keys.put(canon, CanonicalWeights.block(i, BlockWeight.NORM2_WEIGHT), b + "norm2.weight", d);
      keys.put(canon, CanonicalWeights.block(i, BlockWeight.NORM2_BIAS), b + "norm2.bias", d);
      keys.put(canon, CanonicalWeights.block(i, BlockWeight.LS2), b + "layer_scale2.lambda1", d);
      if (gated) {
        keys.put(
            canon,
            CanonicalWeights.block(i, BlockWeight.FC1_GATE_WEIGHT),
            b + "mlp.gate_proj.weight",
            mlp,
            d);
        keys.putOptional(
            canon,
            CanonicalWeights.block(i, BlockWeight.FC1_GATE_BIAS),
            b + "mlp.gate_proj.bias",
            mlp);
      }
      keys.put(
          canon,
          CanonicalWeights.block(i, BlockWeight.FC1_WEIGHT),
          b + "mlp.up_proj.weight",
          mlp,
          d);
      keys.putOptional(
          canon, CanonicalWeights.block(i, BlockWeight.FC1_BIAS), b + "mlp.up_proj.bias", mlp);
      keys.put(
          canon,
          CanonicalWeights.block(i, BlockWeight.FC2_WEIGHT),
          b + "mlp.down_proj.weight",
          d,
          mlp);
      keys.putOptional(
          canon, CanonicalWeights.block(i, BlockWeight.FC2_BIAS), b + "mlp.down_proj.bias", d);
    }
    if (!gated && keys.present(blocks + "0.mlp.gate_proj.weight")) {
      throw new ModelLoadException(
          keys.fileOf(blocks + "0.mlp.gate_proj.weight"),
          "has a gated MLP ("
              + blocks
              + "0.mlp.gate_proj) but use_gated_mlp in "
              + configFile.getFileName()
              + " is false or missing");
    }
    AttentionGate gate =
        keys.attentionGates(canon, layers, d, heads, i -> blocks + i + ".attention.gate");
    keys.expectUnused("embeddings.mask_token"); // masked-image training only
    keys.reportIgnored(canon, warnings);
    ModelSpec spec;
    try {
      spec =
          new ModelSpec(
              LayoutReader.modelName(folder),
              ModelFamily.DINOV3,
              CheckpointLayout.HF_DINOV3,
              d,
              layers,
              heads,
              mlp,
              patch,
              image,
              eps,
              activation,
              true,
              false,
              canon.containsKey(CanonicalWeights.PATCH_BIAS),
              true,
              false,
              registers,
              false,
              PositionInterpolation.BICUBIC,
              true,
              Pooling.NORMED_CLS,
              gate,
              new RotaryEmbedding(theta));
    } catch (IllegalArgumentException e) {
      throw new ModelLoadException(configFile, e.getMessage());
    }
    return new Checkpoint(folder, spec, canon, files, warnings);
  }
}
