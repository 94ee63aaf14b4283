package dev.sinkscope.inference.preprocess;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sinkscope.inference.model.ModelFamily;
import dev.sinkscope.inference.safetensors.SafetensorsFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * coffee.png through SigLIP's {@code SiglipImageProcessor} (Pillow bicubic on uint8) and DINOv3's
 * torchvision-backed processor (rescale, then torch's antialiased bilinear resize on floats),
 * against the tensors the real processors made; tolerances are the ones the fixtures' READMEs
 * measured.
 */
class Dinov3SiglipPreprocessingTest {

  /** SigLIP: an exact port of Pillow's resampler differs only in float32 normalisation. */
  private static final double SIGLIP_ATOL = 1e-6;

  /** DINOv3: a float32 port of torch's weights lands within 7.7e-7; the README recommends 1e-5. */
  private static final double DINOV3_ATOL = 1e-5;

  private static float[] reference(String fixture) throws Exception {
    try (SafetensorsFile f =
        SafetensorsFile.open(TestResources.path(fixture + "/preprocess-coffee.safetensors"))) {
      assertArrayEquals(new int[] {1, 3, 224, 224}, f.info("pixel_values").intShape());
      return f.readFloats("pixel_values");
    }
  }

  private static double maxAbsDiff(float[] a, float[] b) {
    assertEquals(a.length, b.length);
    double max = 0;
    for (int i = 0; i < a.length; i++) {
      max = Math.max(max, Math.abs((double) a[i] - b[i]));
    }
    return max;
  }

  @Test
  void decodedCoffeeIsTheImageTheReferencesSaw() throws Exception {
    RgbImage image = new ImageDecoder().decode(TestResources.coffee());
    String sha =
        HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(image.toRgbBytes()));
    for (String fixture : new String[] {"dinov3-hf", "siglip-vision-hf"}) {
      JsonNode c =
          new ObjectMapper()
              .readTree(Files.readString(TestResources.path(fixture + "/fixture.json")))
              .path("preprocessing")
              .path("cases")
              .get(0);
      assertEquals(c.path("decoded_rgb_sha256").asText(), sha, fixture);
    }
  }

  @Test
  void siglipMatchesThePilProcessor() throws Exception {
    PreprocessPipeline pipeline =
        PreprocessPipeline.forModelFolder(TestResources.path("siglip-vision-hf"));
    assertEquals(ResampleFilter.BICUBIC, pipeline.config().resample());
    assertEquals(PixelPipeline.PILLOW_UINT8, pipeline.config().pipeline());
    assertTrue(
        pipeline.config().crop() instanceof CropSpec.None,
        "the whole photo is squashed, nothing cropped");

    Preprocessed out = pipeline.process(TestResources.coffee());

    assertArrayEquals(new int[] {1, 3, 224, 224}, out.pixelValues().shape());
    double diff = maxAbsDiff(reference("siglip-vision-hf"), out.pixelValues().data());
    assertTrue(diff <= SIGLIP_ATOL, "max |diff| " + diff);
    assertEquals(224, out.geometry().resizedWidth());
    assertEquals(224, out.geometry().resizedHeight());
  }

  @Test
  void dinov3MatchesTheTorchProcessor() throws Exception {
    PreprocessPipeline pipeline =
        PreprocessPipeline.forModelFolder(TestResources.path("dinov3-hf"));
    assertEquals(PixelPipeline.TORCH_FLOAT, pipeline.config().pipeline());
    assertEquals(RescaleArithmetic.FLOAT32_MULTIPLY, pipeline.config().rescaleArithmetic());

    Preprocessed out = pipeline.process(TestResources.coffee());

    double diff = maxAbsDiff(reference("dinov3-hf"), out.pixelValues().data());
    assertTrue(diff <= DINOV3_ATOL, "max |diff| " + diff);
    assertEquals(0, out.geometry().cropLeft());
    assertEquals(224, out.geometry().cropWidth());
  }

  @Test
  void dinov3ThroughPillowWouldMissByAboutAnLsb() throws Exception {
    PreprocessConfig torch =
        PreprocessConfigLoader.fromModelFolder(TestResources.path("dinov3-hf"));
    PreprocessConfig pillow =
        new PreprocessConfig(
            torch.source(),
            torch.notes(),
            torch.resize(),
            torch.resample(),
            torch.crop(),
            true,
            torch.rescaleFactor(),
            RescaleArithmetic.FLOAT64_MULTIPLY,
            true,
            torch.mean(),
            torch.std(),
            false,
            PixelPipeline.PILLOW_UINT8);
    RgbImage coffee = new ImageDecoder().decode(TestResources.coffee());

    double diff =
        maxAbsDiff(
            reference("dinov3-hf"), Preprocessor.preprocess(coffee, pillow).pixelValues().data());

    // the README measures 1.66e-2 (0.95 LSB) for the PIL-style pipeline
    assertTrue(diff > 1e-3 && diff < 0.05, "max |diff| " + diff);
  }

  @Test
  void familyFallbacksReproduceTheHubFiles() throws Exception {
    RgbImage coffee = new ImageDecoder().decode(TestResources.coffee());
    PreprocessConfig dinov3 = PreprocessConfigLoader.forFamily(ModelFamily.DINOV3, "test");
    PreprocessConfig siglip = PreprocessConfigLoader.forFamily(ModelFamily.SIGLIP, "test");

    assertTrue(
        maxAbsDiff(
                reference("dinov3-hf"),
                Preprocessor.preprocess(coffee, dinov3).pixelValues().data())
            <= DINOV3_ATOL);
    assertTrue(
        maxAbsDiff(
                reference("siglip-vision-hf"),
                Preprocessor.preprocess(coffee, siglip).pixelValues().data())
            <= SIGLIP_ATOL);
    assertTrue(dinov3.notes().contains("facebook/dinov3-vits16-pretrain-lvd1689m"), dinov3.notes());
  }

  @Test
  void siglip2FileSaysBilinearAndIsFollowed(@TempDir Path dir) throws Exception {
    // google/siglip2-base-patch16-224: the same class and values as SigLIP 1 except resample 2.
    String siglip1 =
        Files.readString(TestResources.path("siglip-vision-hf/preprocessor_config.json"));
    Files.writeString(
        dir.resolve("preprocessor_config.json"),
        siglip1.replace("\"resample\": 3", "\"resample\": 2"));
    PreprocessConfig siglip2 = PreprocessConfigLoader.fromModelFolder(dir);
    assertEquals(ResampleFilter.BILINEAR, siglip2.resample());
    RgbImage coffee = new ImageDecoder().decode(TestResources.coffee());

    float[] bilinear = Preprocessor.preprocess(coffee, siglip2).pixelValues().data();
    float[] bilinearByHand =
        Preprocessor.toPixelValues(
                PillowResampler.resize(coffee, 224, 224, ResampleFilter.BILINEAR), siglip2)
            .data();

    assertEquals(0, maxAbsDiff(bilinearByHand, bilinear));
    assertTrue(
        maxAbsDiff(reference("siglip-vision-hf"), bilinear) > 1e-2,
        "bilinear is not SigLIP 1's bicubic");
  }
}
