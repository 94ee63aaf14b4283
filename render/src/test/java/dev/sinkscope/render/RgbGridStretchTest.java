package dev.sinkscope.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RgbGridStretchTest {

  /**
   * 304 patches whose components lie in [0, 0.1] (min-max scaled over a grid whose two outliers,
   * under 1 %, take the rest of the range), as PCA colours look when two artifacts dominate.
   */
  private static RgbGrid squeezedByTwoOutliers() {
    float[] rgb = new float[3 * 306];
    for (int p = 0; p < 304; p++) {
      for (int c = 0; c < 3; c++) {
        rgb[3 * p + c] = 0.1f * ((p * (c + 3)) % 101) / 100f;
      }
    }
    for (int c = 0; c < 3; c++) {
      rgb[3 * 304 + c] = 1f;
      rgb[3 * 305 + c] = 0.9f;
    }
    return new RgbGrid(18, 17, rgb);
  }

  @Test
  void percentilesSpreadThePatchesTheOutliersSqueezed() {
    RgbGrid grid = squeezedByTwoOutliers();
    RgbGrid.Stretch s = grid.stretchedPerChannel(1, 99, null);
    for (int c = 0; c < 3; c++) {
      float lo = Float.POSITIVE_INFINITY;
      float hi = Float.NEGATIVE_INFINITY;
      for (int p = 0; p < 304; p++) {
        lo = Math.min(lo, s.grid().rgb()[3 * p + c]);
        hi = Math.max(hi, s.grid().rgb()[3 * p + c]);
      }
      assertTrue(hi - lo > 0.85f, "channel " + c + " spans " + lo + ".." + hi);
      assertTrue(s.hi()[c] < 0.2f, "the window leaves the outliers out: " + s.hi()[c]);
      assertEquals(1f, s.grid().rgb()[3 * 304 + c], "an outlier is clamped to the top");
      assertTrue(s.clipped()[c] >= 2.0 / 306 && s.clipped()[c] < 0.05, "" + s.clipped()[c]);
      // min-max: the same patches sit in the bottom tenth
      assertTrue(grid.normalizedPerChannel().rgb()[3 * 99 + c] <= 0.11f);
    }
  }

  @Test
  void percentilesInterpolateAsNumpyDoes() {
    float[] rgb = new float[3 * 5];
    float[] values = {0, 1, 2, 3, 4};
    for (int p = 0; p < 5; p++) {
      rgb[3 * p] = values[p];
      rgb[3 * p + 1] = values[p];
      rgb[3 * p + 2] = values[p];
    }
    // numpy.percentile([0,1,2,3,4], [10, 90]) = [0.4, 3.6]
    RgbGrid.Stretch s = new RgbGrid(1, 5, rgb).stretchedPerChannel(10, 90, null);
    assertEquals(0.4f, s.lo()[0], 1e-6f);
    assertEquals(3.6f, s.hi()[0], 1e-6f);
    assertEquals(0.5f, s.grid().rgb()[3 * 2], 1e-6f);
  }

  @Test
  void onlyCountedPatchesSetTheWindowAndAConstantChannelIsMidGrey() {
    float[] rgb = {0, 0.5f, 0, 0, 0.5f, 0.2f, 0, 0.5f, 0.4f, 0, 0.5f, 0};
    boolean[] counted = {true, true, true, false};
    RgbGrid.Stretch s = new RgbGrid(2, 2, rgb).stretchedPerChannel(0, 100, counted);
    assertEquals(0.4f, s.hi()[2], 1e-6f, "patch 3 (not counted) does not set the window");
    assertEquals(0.5f, s.grid().rgb()[1], "a constant channel");
    assertThrows(IllegalArgumentException.class, () -> s.grid().stretchedPerChannel(50, 50, null));
  }
}
