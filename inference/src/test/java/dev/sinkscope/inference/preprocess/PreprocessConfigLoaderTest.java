package dev.sinkscope.inference.preprocess;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sinkscope.inference.model.ModelFamily;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PreprocessConfigLoaderTest {

  @TempDir Path dir;

  private Path write(String name, String json) throws Exception {
    Path file = dir.resolve(name);
    Files.writeString(file, json);
    return file;
  }

  private PreprocessConfigException failure(String json) throws Exception {
    Path file = write("preprocessor_config.json", json);
    PreprocessConfigException e =
        assertThrows(
            PreprocessConfigException.class, () -> PreprocessConfigLoader.fromModelFolder(dir));
    assertTrue(e.getMessage().contains(file.toString()), "names the file: " + e.getMessage());
    return e;
  }

  private PreprocessConfigException timmFailure(String pretrainedCfg) throws Exception {
    Path file =
        write(
            "config.json",
            "{\"architecture\": \"vit_small_patch14_dinov2\", \"pretrained_cfg\": "
                + pretrainedCfg
                + "}");
    PreprocessConfigException e =
        assertThrows(
            PreprocessConfigException.class, () -> PreprocessConfigLoader.fromModelFolder(dir));
    assertTrue(e.getMessage().contains(file.toString()), "names the file: " + e.getMessage());
    return e;
  }

  @Test
  void dinov2HubFileIsReadAsBitImageProcessor() throws Exception {
    PreprocessConfig c = PreprocessConfigLoader.fromModelFolder(TestResources.path("dinov2-hf"));

    assertEquals(new ResizeSpec.ShortestEdge(256), c.resize());
    assertEquals(new CropSpec.Center(224, 224, CropRounding.FLOOR), c.crop());
    assertEquals(ResampleFilter.BICUBIC, c.resample());
    assertArrayEquals(new double[] {0.485, 0.456, 0.406}, c.mean());
    assertArrayEquals(new double[] {0.229, 0.224, 0.225}, c.std());
    assertEquals(0.00392156862745098, c.rescaleFactor());
    assertEquals(RescaleArithmetic.FLOAT64_MULTIPLY, c.rescaleArithmetic());
    assertTrue(c.source().contains("BitImageProcessor"), c.source());
    assertEquals("", c.notes());
  }

  @Test
  void clipFeatureExtractorFormatExpandsIntegerSizes() throws Exception {
    PreprocessConfig c =
        PreprocessConfigLoader.fromModelFolder(TestResources.path("clip-vision-hf"));

    assertEquals(new ResizeSpec.ShortestEdge(224), c.resize());
    assertEquals(new CropSpec.Center(224, 224, CropRounding.FLOOR), c.crop());
    assertTrue(c.referenceConvertsToRgb());
    assertTrue(c.source().contains("CLIPImageProcessor"), c.source());
    assertTrue(c.notes().contains("do_rescale") && c.notes().contains("rescale_factor"), c.notes());
  }

  @Test
  void vitFileWithoutClassNameUsesModelTypeAndIsAnExactSquareResize() throws Exception {
    PreprocessConfig c = PreprocessConfigLoader.fromModelFolder(TestResources.path("vit-hf"));

    assertEquals(new ResizeSpec.Exact(224, 224), c.resize());
    assertEquals(new CropSpec.None(), c.crop());
    assertEquals(ResampleFilter.BILINEAR, c.resample());
    assertFalse(c.referenceConvertsToRgb());
    assertTrue(c.source().contains("ViTImageProcessor"), c.source());
  }

  @Test
  void timmPretrainedCfgUsesTorchvisionCropAndFloat32Division() throws Exception {
    PreprocessConfig c = PreprocessConfigLoader.fromModelFolder(TestResources.path("dinov2-timm"));

    assertEquals(new ResizeSpec.ShortestEdge(112), c.resize());
    assertEquals(new CropSpec.Center(112, 112, CropRounding.HALF_EVEN), c.crop());
    assertEquals(RescaleArithmetic.FLOAT32_DIVIDE, c.rescaleArithmetic());
    assertEquals(ResampleFilter.BICUBIC, c.resample());
  }

  @Test
  void timmScaleSizeIsInputSizeOverCropPctFloored() throws Exception {
    write(
        "config.json",
        "{\"pretrained_cfg\": {\"input_size\": [3, 224, 224], \"interpolation\": \"bilinear\","
            + " \"crop_pct\": 0.9, \"crop_mode\": \"center\", \"mean\": [0.5, 0.5, 0.5], \"std\": [0.5, 0.5, 0.5]}}");
    PreprocessConfig c = PreprocessConfigLoader.fromModelFolder(dir);
    // 224 / 0.9 = 248.9 -> 248
    assertEquals(new ResizeSpec.ShortestEdge(248), c.resize());
    assertEquals(ResampleFilter.BILINEAR, c.resample());

    write(
        "config.json",
        "{\"pretrained_cfg\": {\"input_size\": [3, 224, 224], \"crop_mode\": \"squash\"}}");
    PreprocessConfig squash = PreprocessConfigLoader.fromModelFolder(dir);
    // timm's default crop_pct 0.875: 224 / 0.875 = 256, both sides, aspect not kept
    assertEquals(new ResizeSpec.Exact(256, 256), squash.resize());
    assertTrue(squash.notes().contains("crop_pct"), squash.notes());
  }

  @Test
  void classDefaultsFillWhatTheFileLeavesOut() throws Exception {
    write("preprocessor_config.json", "{\"image_processor_type\": \"BitImageProcessorFast\"}");
    PreprocessConfig c = PreprocessConfigLoader.fromModelFolder(dir);

    // BitImageProcessor's own defaults: not what the DINOv2 hub file says.
    assertEquals(new ResizeSpec.ShortestEdge(224), c.resize());
    assertArrayEquals(new double[] {0.48145466, 0.4578275, 0.40821073}, c.mean());
    assertTrue(
        c.notes().contains("class defaults used for") && c.notes().contains("image_mean"),
        c.notes());
  }

  @Test
  void missingPreprocessorConfigFallsBackOnTheFamilysHubValuesWithANote() throws Exception {
    write("config.json", "{\"model_type\": \"dinov2\", \"patch_size\": 14}");
    PreprocessConfig c = PreprocessConfigLoader.fromModelFolder(dir);

    assertEquals(new ResizeSpec.ShortestEdge(256), c.resize());
    assertArrayEquals(new double[] {0.485, 0.456, 0.406}, c.mean());
    assertTrue(c.notes().contains("no preprocessor_config.json"), c.notes());
    assertTrue(c.notes().contains("facebook/dinov2-small"), c.notes());
  }

  @Test
  void callerFamilyIsUsedOnlyWhenTheFolderSaysNothing() throws Exception {
    PreprocessConfig c = PreprocessConfigLoader.fromModelFolder(dir, ModelFamily.CLIP);
    assertEquals(new ResizeSpec.ShortestEdge(224), c.resize());
    assertTrue(c.notes().contains("given by the caller"), c.notes());

    PreprocessConfig fromFolder =
        PreprocessConfigLoader.fromModelFolder(TestResources.path("vit-hf"), ModelFamily.CLIP);
    assertEquals(new ResizeSpec.Exact(224, 224), fromFolder.resize());
  }

  @Test
  void emptyFolderWithoutFamilyIsAnError() {
    PreprocessConfigException e =
        assertThrows(
            PreprocessConfigException.class, () -> PreprocessConfigLoader.fromModelFolder(dir));
    assertTrue(e.getMessage().contains(dir.toString()), e.getMessage());
  }

  @Test
  void invalidValuesNameTheKey() throws Exception {
    assertTrue(
        failure("{\"image_processor_type\": \"BitImageProcessor\", \"resample\": 9}")
            .getMessage()
            .contains("'resample'"));
    assertTrue(
        failure(
                "{\"image_processor_type\": \"CLIPImageProcessor\", \"size\": {\"longest_edge\": 500}}")
            .getMessage()
            .contains("'size'"));
    assertTrue(
        failure("{\"image_processor_type\": \"CLIPImageProcessor\", \"crop_size\": \"big\"}")
            .getMessage()
            .contains("'crop_size'"));
    assertTrue(
        failure("{\"image_processor_type\": \"ViTImageProcessor\", \"image_mean\": [0.5, 0.5]}")
            .getMessage()
            .contains("'image_mean'"));
    assertTrue(
        failure("{\"image_processor_type\": \"ViTImageProcessor\", \"image_std\": [0.5, 0, 0.5]}")
            .getMessage()
            .contains("'image_std'"));
    assertTrue(
        failure("{\"image_processor_type\": \"ViTImageProcessor\", \"do_resize\": \"yes\"}")
            .getMessage()
            .contains("'do_resize'"));
    assertTrue(
        failure("{\"image_processor_type\": \"Siglip2ImageProcessor\"}")
            .getMessage()
            .contains("'image_processor_type'"));
    assertTrue(failure("{\"do_resize\": true}").getMessage().contains("'image_processor_type'"));
    assertTrue(failure("{\"size\": 224,").getMessage().contains("not valid JSON"));
  }

  @Test
  void invalidTimmValuesNameTheKey() throws Exception {
    assertTrue(
        timmFailure("{\"input_size\": [3, 224, 224], \"crop_mode\": \"border\"}")
            .getMessage()
            .contains("'crop_mode'"));
    assertTrue(
        timmFailure("{\"input_size\": [3, 224, 224], \"interpolation\": \"random\"}")
            .getMessage()
            .contains("'interpolation'"));
    assertTrue(timmFailure("{\"input_size\": [224, 224]}").getMessage().contains("'input_size'"));
    assertTrue(
        timmFailure("{\"input_size\": [3, 224, 224], \"crop_pct\": 0}")
            .getMessage()
            .contains("'crop_pct'"));
    assertTrue(
        timmFailure("{\"input_size\": [3, 224, 320]}").getMessage().contains("'input_size'"));
  }

  @Test
  void unknownModelTypeIsAnError() throws Exception {
    write("config.json", "{\"model_type\": \"swin\"}");
    PreprocessConfigException e =
        assertThrows(
            PreprocessConfigException.class, () -> PreprocessConfigLoader.fromModelFolder(dir));
    assertTrue(
        e.getMessage().contains("'model_type'") && e.getMessage().contains("swin"), e.getMessage());
  }
}
