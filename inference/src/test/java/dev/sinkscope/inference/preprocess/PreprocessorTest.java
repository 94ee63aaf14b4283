package dev.sinkscope.inference.preprocess;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sinkscope.inference.result.FloatTensor;
import org.junit.jupiter.api.Test;

class PreprocessorTest {

  /** ViT-style normalisation: x / 255 mapped to [-1, 1]; no resize, no crop unless given. */
  private static PreprocessConfig config(ResizeSpec resize, CropSpec crop) {
    return new PreprocessConfig(
        "test",
        "",
        resize,
        ResampleFilter.BICUBIC,
        crop,
        true,
        1 / 255.0,
        RescaleArithmetic.FLOAT64_MULTIPLY,
        true,
        new double[] {0.5, 0.5, 0.5},
        new double[] {0.5, 0.5, 0.5},
        false);
  }

  private static RgbImage flat(int w, int h, int r, int g, int b) {
    byte[] rgb = new byte[w * h * 3];
    for (int i = 0; i < rgb.length; i += 3) {
      rgb[i] = (byte) r;
      rgb[i + 1] = (byte) g;
      rgb[i + 2] = (byte) b;
    }
    return RgbImage.of(w, h, rgb);
  }

  private static float at(FloatTensor t, int c, int y, int x) {
    return t.data()[(c * t.dim(2) + y) * t.dim(3) + x];
  }

  @Test
  void shortestEdgeTruncatesTheLongSide() {
    assertArrayEquals(new int[] {384, 256}, new ResizeSpec.ShortestEdge(256).targetSize(600, 400));
    // 224 * 500 / 333 = 336.34 -> 336; portrait keeps width as the short side
    assertArrayEquals(new int[] {224, 336}, new ResizeSpec.ShortestEdge(224).targetSize(333, 500));
    // 224 * 299 / 200 = 334.88 -> 334, not rounded to 335
    assertArrayEquals(new int[] {334, 224}, new ResizeSpec.ShortestEdge(224).targetSize(299, 200));
  }

  @Test
  void cropOffsetsFloorForTransformersAndRoundHalfEvenForTorchvision() {
    assertEquals(56, CropRounding.FLOOR.offset(337, 224)); // 56.5
    assertEquals(56, CropRounding.HALF_EVEN.offset(337, 224)); // 56.5 -> 56 (even)
    assertEquals(57, CropRounding.FLOOR.offset(339, 224)); // 57.5
    assertEquals(58, CropRounding.HALF_EVEN.offset(339, 224)); // 57.5 -> 58 (even)
    assertEquals(-12, CropRounding.FLOOR.offset(201, 224)); // pads 12 before, 11 after
    assertEquals(-11, CropRounding.HALF_EVEN.offset(201, 224)); // pads 11 before, 12 after
  }

  @Test
  void normalisationMapsTheRangeOntoMinusOneToOne() {
    RgbImage image = RgbImage.of(3, 1, new byte[] {0, (byte) 255, 51, 0, 0, 0, 0, 0, 0});
    FloatTensor t =
        Preprocessor.preprocess(image, config(new ResizeSpec.Unchanged(), new CropSpec.None()))
            .pixelValues();

    assertArrayEquals(new int[] {1, 3, 1, 3}, t.shape());
    assertEquals(-1.0f, at(t, 0, 0, 0));
    assertEquals(1.0f, at(t, 1, 0, 0));
    assertEquals(-0.6f, at(t, 2, 0, 0), 1e-6f);
  }

  @Test
  void cropLargerThanTheImageIsPaddedWithBlack() {
    Preprocessed out =
        Preprocessor.preprocess(
            flat(100, 50, 255, 255, 255),
            config(new ResizeSpec.Unchanged(), new CropSpec.Center(60, 60, CropRounding.FLOOR)));

    PreprocessGeometry g = out.geometry();
    assertEquals(20, g.cropLeft());
    assertEquals(-5, g.cropTop());
    assertEquals(false, g.insideImage());
    FloatTensor t = out.pixelValues();
    assertEquals(-1.0f, at(t, 0, 4, 30)); // padding row above the image
    assertEquals(1.0f, at(t, 0, 5, 30)); // first image row
    assertEquals(1.0f, at(t, 0, 54, 30)); // last image row
    assertEquals(-1.0f, at(t, 0, 55, 30)); // padding row below
  }

  @Test
  void geometryMapsPatchesBackOntoThePhoto() {
    // DINOv2 on coffee.png: 600 x 400 -> 384 x 256, crop 224 at (80, 16); the scale back is 600/384
    // = 1.5625.
    PreprocessGeometry g = new PreprocessGeometry(600, 400, 384, 256, 80, 16, 224, 224);

    PreprocessGeometry.Region first = g.patchInOriginal(0, 0, 14);
    assertEquals(125.0, first.x(), 1e-9);
    assertEquals(25.0, first.y(), 1e-9);
    assertEquals(21.875, first.width(), 1e-9);
    assertEquals(21.875, first.height(), 1e-9);
    PreprocessGeometry.Region all = g.outputInOriginal();
    assertEquals(350.0, all.width(), 1e-9);
    assertEquals(475.0, all.x() + all.width(), 1e-9);
  }

  @Test
  void nativeSizeUsesTheImageUnresizedWhenItIsAMultiple() {
    RgbImage image = flat(28, 42, 255, 0, 255);
    Preprocessed out =
        Preprocessor.preprocessAtNativeSize(
            image,
            config(
                new ResizeSpec.Exact(224, 224), new CropSpec.Center(224, 224, CropRounding.FLOOR)),
            14,
            PatchFit.REQUIRE_MULTIPLE);

    assertArrayEquals(new int[] {1, 3, 42, 28}, out.pixelValues().shape());
    assertEquals(1.0f, at(out.pixelValues(), 0, 41, 27));
    assertEquals(-1.0f, at(out.pixelValues(), 1, 41, 27));
    assertEquals(new PreprocessGeometry(28, 42, 28, 42, 0, 0, 28, 42), out.geometry());
  }

  @Test
  void nativeSizeRejectsOrAlignsOtherSizes() {
    PreprocessConfig c = config(new ResizeSpec.Unchanged(), new CropSpec.None());
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                Preprocessor.preprocessAtNativeSize(
                    flat(30, 28, 0, 0, 0), c, 14, PatchFit.REQUIRE_MULTIPLE));
    assertTrue(e.getMessage().contains("30 x 28") && e.getMessage().contains("14"), e.getMessage());

    assertEquals(
        new PreprocessGeometry(31, 29, 31, 29, 0, 0, 28, 28),
        Preprocessor.patchAlignedWindow(31, 29, 14, PatchFit.CROP_TOP_LEFT));
    assertEquals(
        new PreprocessGeometry(31, 29, 31, 29, 1, 0, 28, 28),
        Preprocessor.patchAlignedWindow(31, 29, 14, PatchFit.CROP_CENTER));
    assertEquals(
        new PreprocessGeometry(31, 29, 31, 29, 0, 0, 42, 42),
        Preprocessor.patchAlignedWindow(31, 29, 14, PatchFit.PAD_BOTTOM_RIGHT));
    assertThrows(
        IllegalArgumentException.class,
        () -> Preprocessor.patchAlignedWindow(13, 40, 14, PatchFit.CROP_TOP_LEFT));
  }

  @Test
  void alignToPatchesCropsLikeDinoAndPadsWithBlack() {
    // 3 x 3 image of distinct values, patch 2
    byte[] rgb = new byte[27];
    for (int i = 0; i < 9; i++) {
      rgb[i * 3] = (byte) (i + 1);
    }
    RgbImage image = RgbImage.of(3, 3, rgb);

    RgbImage cropped = Preprocessor.alignToPatches(image, 2, PatchFit.CROP_TOP_LEFT);
    assertEquals(2, cropped.width());
    assertEquals(4, cropped.get(0, 1, 0)); // pixel (0, 1) of the original
    RgbImage padded = Preprocessor.alignToPatches(image, 2, PatchFit.PAD_BOTTOM_RIGHT);
    assertEquals(4, padded.width());
    assertEquals(9, padded.get(2, 2, 0));
    assertEquals(0, padded.get(3, 3, 0));
  }

  @Test
  void timmRescaleDividesInFloat32() {
    PreprocessConfig timmLike =
        new PreprocessConfig(
            "test",
            "",
            new ResizeSpec.Unchanged(),
            ResampleFilter.BICUBIC,
            new CropSpec.None(),
            true,
            1 / 255.0,
            RescaleArithmetic.FLOAT32_DIVIDE,
            false,
            new double[] {0, 0, 0},
            new double[] {1, 1, 1},
            false);
    FloatTensor t = Preprocessor.toPixelValues(flat(1, 1, 1, 128, 255), timmLike);
    assertEquals(1f / 255f, t.data()[0]);
    assertEquals(128f / 255f, t.data()[1]);
    assertEquals(1f, t.data()[2]);
  }
}
