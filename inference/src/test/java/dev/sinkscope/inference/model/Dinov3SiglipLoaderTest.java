package dev.sinkscope.inference.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import dev.sinkscope.inference.engine.CancellationToken;
import dev.sinkscope.inference.engine.CaptureOptions;
import dev.sinkscope.inference.engine.ForwardHooks;
import dev.sinkscope.inference.engine.ProgressListener;
import dev.sinkscope.inference.engine.VitForward;
import dev.sinkscope.inference.engine.VitModel;
import dev.sinkscope.inference.result.FloatTensor;
import dev.sinkscope.inference.result.ForwardResult;
import dev.sinkscope.inference.safetensors.SafetensorsFile;
import dev.sinkscope.inference.safetensors.SafetensorsWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How the DINOv3 and SigLIP layouts are recognised, and what a user is told when a folder does not
 * fit.
 */
class Dinov3SiglipLoaderTest {
  private static final Path FIXTURES = Path.of("..", "testdata", "fixtures");

  @TempDir Path tmp;

  private static Map<String, FloatTensor> tensors(String fixture) throws Exception {
    Map<String, FloatTensor> all = new LinkedHashMap<>();
    try (SafetensorsFile f =
        SafetensorsFile.open(FIXTURES.resolve(fixture).resolve("model.safetensors"))) {
      for (String key : f.tensors().keySet()) {
        all.put(key, new FloatTensor(f.info(key).intShape(), f.readFloats(key)));
      }
    }
    return all;
  }

  private Path folder(String name, String config, Map<String, FloatTensor> weights)
      throws Exception {
    Path dir = Files.createDirectories(tmp.resolve(name));
    Files.writeString(dir.resolve("config.json"), config);
    SafetensorsWriter.write(dir.resolve("model.safetensors"), weights, Map.of("format", "pt"));
    return dir;
  }

  @Test
  void specsSayWhatTheFamiliesAre() throws Exception {
    try (Checkpoint dinov3 = CheckpointReader.open(FIXTURES.resolve("dinov3-hf"));
        Checkpoint siglip = CheckpointReader.open(FIXTURES.resolve("siglip-vision-hf"))) {
      ModelSpec d = dinov3.spec();
      assertEquals(ModelFamily.DINOV3, d.family());
      assertEquals(4, d.registers());
      assertTrue(d.hasCls() && !d.hasPositionTable() && d.layerScale());
      assertEquals(100.0, d.rope().theta());
      assertEquals(1e-5, d.layerNormEps());
      assertTrue(!dinov3.has(CanonicalWeights.block(0, BlockWeight.K_BIAS)), "k_proj has no bias");
      assertTrue(
          dinov3.warnings().isEmpty(),
          "mask_token is expected, not reported: " + dinov3.warnings());
      ModelSpec s = siglip.spec();
      assertEquals(ModelFamily.SIGLIP, s.family());
      assertTrue(!s.hasCls() && s.poolsWithProbe() && s.hasPositionTable());
      assertEquals(MlpActivation.GELU_TANH, s.activation());
      assertEquals(36, dev.sinkscope.inference.result.TokenLayout.of(s, 96, 96).totalTokens());
    }
  }

  @Test
  void visionHalfOfAFullSiglipModelLoadsAndSkipsTheTextTower() throws Exception {
    Map<String, FloatTensor> full =
        new LinkedHashMap<>(tensors("siglip-vision-hf")); // keys under vision_model.
    assertTrue(full.keySet().stream().allMatch(k -> k.startsWith("vision_model.")));
    full.put(
        "text_model.embeddings.token_embedding.weight", FloatTensor.of(new float[64 * 10], 10, 64));
    full.put("logit_scale", FloatTensor.of(new float[] {2.3f}, 1));
    String vision = Files.readString(FIXTURES.resolve("siglip-vision-hf/config.json"));
    Path dir =
        folder(
            "siglip-full",
            "{\"model_type\": \"siglip\", \"text_config\": {}, \"vision_config\": " + vision + "}",
            full);

    try (Checkpoint checkpoint = CheckpointReader.open(dir);
        VitModel model = VitModel.load(checkpoint, Device.cpu());
        SafetensorsFile in =
            SafetensorsFile.open(FIXTURES.resolve("siglip-vision-hf/input.safetensors"));
        SafetensorsFile want =
            SafetensorsFile.open(FIXTURES.resolve("siglip-vision-hf/expected.safetensors"))) {
      assertTrue(
          checkpoint.warnings().stream().anyMatch(w -> w.startsWith("2 tensors not used")),
          checkpoint.warnings().toString());
      FloatTensor pixels =
          new FloatTensor(in.info("pixel_values").intShape(), in.readFloats("pixel_values"));
      ForwardResult result =
          new VitForward(model)
              .run(
                  pixels,
                  ForwardHooks.NONE,
                  CaptureOptions.DEFAULT,
                  CancellationToken.NONE,
                  ProgressListener.NONE);
      float[] pooled = want.readFloats("pooler_output");
      for (int i = 0; i < pooled.length; i++) {
        assertEquals(pooled[i], result.pooled().data()[i], 1e-4);
      }
    }
  }

  @Test
  void unprefixedKeysAsSiglipVisionModelSavesThemLoadToo() throws Exception {
    Map<String, FloatTensor> bare = new LinkedHashMap<>();
    tensors("siglip-vision-hf")
        .forEach((k, v) -> bare.put(k.substring("vision_model.".length()), v));
    Path dir =
        folder(
            "siglip-bare",
            Files.readString(FIXTURES.resolve("siglip-vision-hf/config.json")),
            bare);

    try (Checkpoint checkpoint = CheckpointReader.open(dir)) {
      assertEquals(ModelFamily.SIGLIP, checkpoint.spec().family());
      assertEquals(
          "embeddings.position_embedding.weight",
          checkpoint.weight(CanonicalWeights.POSITION).key());
      assertTrue(checkpoint.warnings().isEmpty(), checkpoint.warnings().toString());
    }
  }

  @Test
  void nestedSiglipConfigFallsBackOnTheClassDefaults() throws Exception {
    // the hub's vision_config leaves out what equals SiglipVisionConfig's defaults; the shapes must
    // then agree
    Path dir =
        folder(
            "siglip-defaults",
            "{\"model_type\": \"siglip\", \"vision_config\": {\"image_size\": 96}}",
            tensors("siglip-vision-hf"));

    ModelLoadException e = assertThrows(ModelLoadException.class, () -> CheckpointReader.open(dir));

    assertTrue(e.getMessage().contains("expected [768, 3, 16, 16]"), e.getMessage());
  }

  @Test
  void siglip2NaflexIsRefusedByName() throws Exception {
    Path dir =
        folder("naflex", "{\"model_type\": \"siglip2_vision_model\"}", tensors("siglip-vision-hf"));

    ModelLoadException e = assertThrows(ModelLoadException.class, () -> CheckpointReader.open(dir));

    assertTrue(
        e.getMessage().contains("NaFlex")
            && e.getMessage().contains("google/siglip2-base-patch16-224"),
        e.getMessage());
  }

  @Test
  void gatedConfigWithoutGateWeightsNamesTheKey() throws Exception {
    String config =
        Files.readString(FIXTURES.resolve("dinov3-hf/config.json"))
            .replace("\"use_gated_mlp\": false", "\"use_gated_mlp\": true")
            .replace("\"gelu\"", "\"silu\"");
    Path dir = folder("gated-missing", config, tensors("dinov3-hf"));

    ModelLoadException e = assertThrows(ModelLoadException.class, () -> CheckpointReader.open(dir));

    assertTrue(
        e.getMessage().contains("missing key 'layer.0.mlp.gate_proj.weight'"), e.getMessage());
  }

  @Test
  void gatedMlpWithGeluIsRefused() throws Exception {
    String config =
        Files.readString(FIXTURES.resolve("dinov3-hf/config.json"))
            .replace("\"use_gated_mlp\": false", "\"use_gated_mlp\": true");
    Path dir = folder("geglu", config, tensors("dinov3-hf"));

    ModelLoadException e = assertThrows(ModelLoadException.class, () -> CheckpointReader.open(dir));

    assertTrue(
        e.getMessage().contains("config.json") && e.getMessage().contains("silu"), e.getMessage());
  }

  @Test
  void registerTokensWithoutTheirCountAreRefused() throws Exception {
    String config =
        Files.readString(FIXTURES.resolve("dinov3-hf/config.json"))
            .replace("\"num_register_tokens\": 4,", "");
    Path dir = folder("registers-uncounted", config, tensors("dinov3-hf"));

    ModelLoadException e = assertThrows(ModelLoadException.class, () -> CheckpointReader.open(dir));

    assertTrue(e.getMessage().contains("num_register_tokens"), e.getMessage());
  }

  @Test
  void bothLayoutsRefuseNonRgbModelsAlike() throws Exception {
    for (String fixture : new String[] {"dinov3-hf", "siglip-vision-hf"}) {
      String config =
          Files.readString(FIXTURES.resolve(fixture).resolve("config.json"))
              .replace("\"num_channels\": 3", "\"num_channels\": 1");
      Path dir = folder(fixture + "-grey", config, tensors(fixture));

      ModelLoadException e =
          assertThrows(ModelLoadException.class, () -> CheckpointReader.open(dir));

      assertTrue(
          e.getMessage().contains("config.json")
              && e.getMessage().contains("num_channels is 1; only RGB models (3) are supported"),
          fixture + ": " + e.getMessage());
    }
  }

  @Test
  void siglipRefusesAnImageSizeOfPartialPatches() throws Exception {
    String config =
        Files.readString(FIXTURES.resolve("siglip-vision-hf/config.json"))
            .replace("\"image_size\": 96", "\"image_size\": 100");
    Path dir = folder("siglip-partial", config, tensors("siglip-vision-hf"));

    ModelLoadException e = assertThrows(ModelLoadException.class, () -> CheckpointReader.open(dir));

    assertTrue(
        e.getMessage().contains("image_size 100 is not a multiple of patch_size 16"),
        e.getMessage());
  }
}
