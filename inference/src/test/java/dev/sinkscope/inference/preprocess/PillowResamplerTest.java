package dev.sinkscope.inference.preprocess;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class PillowResamplerTest {

  /** A one-row image whose R, G and B all carry {@code values}. */
  private static RgbImage row(int... values) {
    byte[] rgb = new byte[values.length * 3];
    for (int i = 0; i < values.length; i++) {
      rgb[i * 3] = rgb[i * 3 + 1] = rgb[i * 3 + 2] = (byte) values[i];
    }
    return RgbImage.of(values.length, 1, rgb);
  }

  private static int[] redRow(RgbImage image) {
    int[] out = new int[image.width()];
    for (int x = 0; x < image.width(); x++) {
      out[x] = image.get(x, 0, 0);
    }
    return out;
  }

  private static RgbImage noise(int w, int h, long seed) {
    byte[] rgb = new byte[w * h * 3];
    new Random(seed).nextBytes(rgb);
    return RgbImage.of(w, h, rgb);
  }

  @ParameterizedTest
  @EnumSource(ResampleFilter.class)
  void unchangedSizeIsIdentity(ResampleFilter filter) {
    RgbImage image = noise(7, 5, 1);
    assertEquals(image, PillowResampler.resize(image, 7, 5, filter));
  }

  @ParameterizedTest
  @EnumSource(ResampleFilter.class)
  void constantImageStaysConstant(ResampleFilter filter) {
    byte[] rgb = new byte[40 * 30 * 3];
    for (int i = 0; i < rgb.length; i += 3) {
      rgb[i] = (byte) 200;
      rgb[i + 1] = 17;
      rgb[i + 2] = (byte) 255;
    }
    RgbImage flat = RgbImage.of(40, 30, rgb);
    for (int[] size : new int[][] {{13, 7}, {97, 61}, {40, 11}, {3, 30}, {1, 1}}) {
      RgbImage out = PillowResampler.resize(flat, size[0], size[1], filter);
      for (int y = 0; y < out.height(); y++) {
        for (int x = 0; x < out.width(); x++) {
          assertEquals(
              0xC811FF,
              out.rgbAt(x, y),
              filter + " to " + size[0] + "x" + size[1] + " at " + x + "," + y);
        }
      }
    }
  }

  @Test
  void bilinearTwoToOneIsTheAverageRoundedHalfUp() {
    // Scale 2 widens the support to 2 input pixels; both inputs get weight 0.75, i.e. 1/2 after
    // normalising, and the fixed-point sum adds half a unit before the shift, so x.5 rounds up.
    assertArrayEquals(
        new int[] {20}, redRow(PillowResampler.resize(row(10, 30), 1, 1, ResampleFilter.BILINEAR)));
    assertArrayEquals(
        new int[] {21}, redRow(PillowResampler.resize(row(10, 31), 1, 1, ResampleFilter.BILINEAR)));
    assertArrayEquals(
        new int[] {128},
        redRow(PillowResampler.resize(row(0, 255), 1, 1, ResampleFilter.BILINEAR)));
  }

  @Test
  void bilinearShrinkReachesTheNextNeighbourToAntialias() {
    // Output 0 (centre 1.0) reads inputs 0..2 with weights 0.75, 0.75, 0.25: (7.5 + 22.5 + 2.5) /
    // 1.75 = 18.6;
    // output 1 (centre 3.0) reads inputs 1..3 with 0.25, 0.75, 0.75: (7.5 + 7.5 + 23.25) / 1.75 =
    // 21.9.
    assertArrayEquals(
        new int[] {19, 22},
        redRow(PillowResampler.resize(row(10, 30, 10, 31), 2, 1, ResampleFilter.BILINEAR)));
  }

  @Test
  void bicubicDoublingOvershootsAndIsClamped() {
    // Output centres 0.25, 0.75, 1.25, 1.75; Keys a=-0.5 weights normalised over the two inputs:
    // 0.25 -> (1.0882, -0.0882): -22.5 clamps to 0; 0.75 -> (0.7929, 0.2071): 52.8 -> 53;
    // mirrored for the other two: 202 and 277.5 clamped to 255.
    assertArrayEquals(
        new int[] {0, 53, 202, 255},
        redRow(PillowResampler.resize(row(0, 255), 4, 1, ResampleFilter.BICUBIC)));
  }

  @Test
  void boxShrinkByThreeIsTheMeanOfEachTriple() {
    assertArrayEquals(
        new int[] {2, 60},
        redRow(PillowResampler.resize(row(1, 2, 3, 50, 60, 70), 2, 1, ResampleFilter.BOX)));
  }

  @Test
  void nearestPicksTheSourcePixelUnderEachOutputCentre() {
    // Scale 3/2: centres 0.75 and 2.25 fall in pixels 0 and 2.
    assertArrayEquals(
        new int[] {10, 30},
        redRow(PillowResampler.resize(row(10, 20, 30), 2, 1, ResampleFilter.NEAREST)));
  }

  @Test
  void onlyTheChangedDimensionIsResampled() {
    RgbImage image = noise(9, 4, 2);
    RgbImage out = PillowResampler.resize(image, 9, 2, ResampleFilter.BILINEAR);
    // Columns are independent: a vertical-only pass of a single column must give the same column.
    for (int x = 0; x < 9; x++) {
      RgbImage column = image.crop(x, 0, 1, 4);
      RgbImage columnOut = PillowResampler.resize(column, 1, 2, ResampleFilter.BILINEAR);
      for (int y = 0; y < 2; y++) {
        assertEquals(columnOut.rgbAt(0, y), out.rgbAt(x, y));
      }
    }
  }

  @Test
  void rejectsEmptyTargets() {
    assertThrows(
        IllegalArgumentException.class,
        () -> PillowResampler.resize(noise(4, 4, 3), 0, 4, ResampleFilter.BICUBIC));
  }

  @Test
  void filtersKnowTheirPillowIdsAndTimmNames() {
    assertEquals(ResampleFilter.BICUBIC, ResampleFilter.fromPilId(3));
    assertEquals(ResampleFilter.BILINEAR, ResampleFilter.fromPilId(2));
    assertEquals(ResampleFilter.BICUBIC, ResampleFilter.fromTimmName("BICUBIC"));
    assertThrows(IllegalArgumentException.class, () -> ResampleFilter.fromPilId(6));
    assertThrows(IllegalArgumentException.class, () -> ResampleFilter.fromTimmName("random"));
  }
}
