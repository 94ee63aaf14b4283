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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The tensors the real processors (transformers PIL backend, timm) made of coffee.png, reproduced
 * from the copied model folders. Expected sizes, crop boxes and hashes come from each fixture.json.
 */
class ReferenceFixtureParityTest {

  /** The fixtures' stated tolerance for a port of Pillow's resampler. */
  private static final double ATOL = 1e-6;

  private static JsonNode coffeeCase(String fixture) throws Exception {
    JsonNode root =
        new ObjectMapper()
            .readTree(Files.readString(TestResources.path(fixture + "/fixture.json")));
    JsonNode c = root.path("preprocessing").path("cases").get(0);
    assertEquals("shared/images/coffee.png", c.path("image").asText());
    return c;
  }

  private static float[] referencePixelValues(String fixture, int[] expectedShape)
      throws Exception {
    try (SafetensorsFile f =
        SafetensorsFile.open(TestResources.path(fixture + "/preprocess-coffee.safetensors"))) {
      assertArrayEquals(expectedShape, f.info("pixel_values").intShape());
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

  @ParameterizedTest
  @ValueSource(strings = {"dinov2-hf", "dinov2-reg-hf", "vit-hf", "clip-vision-hf", "dinov2-timm"})
  void decodedCoffeeBytesHaveTheReferenceHash(String fixture) throws Exception {
    RgbImage image = new ImageDecoder().decode(TestResources.coffee());
    JsonNode c = coffeeCase(fixture);
    assertEquals(c.path("image_wh").get(0).asInt(), image.width());
    assertEquals(c.path("image_wh").get(1).asInt(), image.height());
    String sha =
        HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(image.toRgbBytes()));
    assertEquals(c.path("decoded_rgb_sha256").asText(), sha);
  }

  @ParameterizedTest
  @ValueSource(strings = {"dinov2-hf", "dinov2-reg-hf", "vit-hf", "clip-vision-hf", "dinov2-timm"})
  void pixelValuesMatchTheReferenceProcessor(String fixture) throws Exception {
    JsonNode c = coffeeCase(fixture);
    int[] shape = new ObjectMapper().treeToValue(c.path("shape"), int[].class);
    PreprocessPipeline pipeline = PreprocessPipeline.forModelFolder(TestResources.path(fixture));

    Preprocessed out = pipeline.process(TestResources.coffee());

    assertArrayEquals(shape, out.pixelValues().shape());
    double diff = maxAbsDiff(referencePixelValues(fixture, shape), out.pixelValues().data());
    assertTrue(diff <= ATOL, fixture + ": max |diff| " + diff + " > " + ATOL);
  }

  @ParameterizedTest
  @ValueSource(strings = {"dinov2-hf", "dinov2-reg-hf", "vit-hf", "clip-vision-hf", "dinov2-timm"})
  void geometryMatchesTheReferenceResizeAndCrop(String fixture) throws Exception {
    JsonNode c = coffeeCase(fixture);
    PreprocessGeometry g =
        PreprocessPipeline.forModelFolder(TestResources.path(fixture))
            .process(TestResources.coffee())
            .geometry();

    assertEquals(600, g.originalWidth());
    assertEquals(400, g.originalHeight());
    assertEquals(c.path("resized_wh").get(0).asInt(), g.resizedWidth());
    assertEquals(c.path("resized_wh").get(1).asInt(), g.resizedHeight());
    JsonNode box = c.path("crop_box");
    if (box.isNull()) {
      assertEquals(0, g.cropLeft());
      assertEquals(0, g.cropTop());
      assertEquals(g.resizedWidth(), g.cropWidth());
      assertEquals(g.resizedHeight(), g.cropHeight());
    } else {
      assertEquals(box.path("left").asInt(), g.cropLeft());
      assertEquals(box.path("top").asInt(), g.cropTop());
      assertEquals(box.path("width").asInt(), g.cropWidth());
      assertEquals(box.path("height").asInt(), g.cropHeight());
    }
  }

  @Test
  void dinov2FamilyFallbackReproducesTheHubFile() throws Exception {
    PreprocessConfig fallback = PreprocessConfigLoader.forFamily(ModelFamily.DINOV2, "test");
    RgbImage coffee = new ImageDecoder().decode(TestResources.coffee());

    float[] ours = Preprocessor.preprocess(coffee, fallback).pixelValues().data();

    assertTrue(
        maxAbsDiff(referencePixelValues("dinov2-hf", new int[] {1, 3, 224, 224}), ours) <= ATOL);
    assertTrue(fallback.notes().contains("facebook/dinov2-small"), fallback.notes());
  }

  @Test
  void bitProcessorClassDefaultsWouldGiveADifferentTensor(
      @org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
    // What a loader that falls back on BitImageProcessor's class defaults would use for DINOv2.
    Files.writeString(
        dir.resolve("preprocessor_config.json"),
        "{\"image_processor_type\": \"BitImageProcessor\"}");
    PreprocessConfig classDefaults = PreprocessConfigLoader.fromModelFolder(dir);
    RgbImage coffee = new ImageDecoder().decode(TestResources.coffee());

    float[] wrong = Preprocessor.preprocess(coffee, classDefaults).pixelValues().data();

    assertTrue(
        maxAbsDiff(referencePixelValues("dinov2-hf", new int[] {1, 3, 224, 224}), wrong) > 0.1);
  }
}
