package dev.sinkscope.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Rectangle;
import java.awt.geom.Rectangle2D;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Golden-pixel tests: patches land on exactly the pixels the model saw. */
class GeometryTest {

  private static final int BLACK = 0xFF000000;
  private static final int WHITE = 0xFFFFFFFF;

  /** Values 0..3 on a fixed 0..3 scale through gray: 0, 85, 170, 255. */
  private static final ScalarGrid QUADRANTS = ScalarGrid.of(2, 2, 0, 1, 2, 3);

  private static final Scale ZERO_TO_THREE = Scale.linear(0, 3);
  private static final int Q00 = 0xFF000000;
  private static final int Q01 = 0xFF555555;
  private static final int Q10 = 0xFFAAAAAA;
  private static final int Q11 = 0xFFFFFFFF;

  @Test
  void twoByTwoGridOnFourByFourImageFillsQuadrants() {
    Raster out =
        overlay(
            Raster.filled(4, 4, BLACK), PreprocessGeometry.identity(4, 4), OutsideCropStyle.DIMMED);
    assertPixels(
        out,
        new int[][] {
          {Q00, Q00, Q01, Q01},
          {Q00, Q00, Q01, Q01},
          {Q10, Q10, Q11, Q11},
          {Q10, Q10, Q11, Q11},
        });
  }

  @Test
  void centreCropOfSixByFourLeavesOutsideColumnsDimmedNotColoured() {
    PreprocessGeometry crop = PreprocessGeometry.centerCrop(6, 4, 6, 4, 4, 4);
    assertEquals(1, crop.cropLeft());
    assertEquals(0, crop.cropTop());
    Raster out = overlay(Raster.filled(6, 4, WHITE), crop, OutsideCropStyle.DIMMED);
    int dim = 0xFF636363; // 255 * 100 / 256
    assertPixels(
        out,
        new int[][] {
          {dim, Q00, Q00, Q01, Q01, dim},
          {dim, Q00, Q00, Q01, Q01, dim},
          {dim, Q10, Q10, Q11, Q11, dim},
          {dim, Q10, Q10, Q11, Q11, dim},
        });
    assertEquals(new Rectangle(1, 0, 4, 4), crop.visibleOriginalPixels());
  }

  @Test
  void resizeThenCropMapsBackThroughTheScale() {
    // 12x8 photo resized to 6x4, then the centre 4x4: original columns 2..9 were seen.
    PreprocessGeometry geometry = PreprocessGeometry.centerCrop(12, 8, 6, 4, 4, 4);
    Raster out = overlay(Raster.filled(12, 8, WHITE), geometry, OutsideCropStyle.DIMMED);
    int dim = 0xFF636363;
    for (int y = 0; y < 8; y++) {
      int top = y < 4 ? Q00 : Q10;
      int bottom = y < 4 ? Q01 : Q11;
      int[] expected = {dim, dim, top, top, top, top, bottom, bottom, bottom, bottom, dim, dim};
      for (int x = 0; x < 12; x++) {
        assertEquals(hex(expected[x]), hex(out.get(x, y)), "pixel (" + x + "," + y + ")");
      }
    }
  }

  @Test
  void hatchingMarksOutsidePixelsOnTheDiagonalsOnly() {
    PreprocessGeometry crop = PreprocessGeometry.centerCrop(6, 4, 6, 4, 4, 4);
    Raster out =
        OverlayCompositor.compose(
            Raster.filled(6, 4, BLACK), crop, OutsideCropStyle.HATCHED, List.of());
    assertTrue(out.get(0, 0) != BLACK, "(0,0) lies on a hatch line");
    assertEquals(BLACK, out.get(0, 1), "(0,1) lies between hatch lines");
    assertEquals(BLACK, out.get(2, 2), "inside the crop nothing is hatched");
  }

  @Test
  void torchvisionStyleResizeAndCentreCropRoundsLikeTorchvision() {
    PreprocessGeometry g = PreprocessGeometry.resizeShorterSideCenterCrop(640, 480, 256, 224, 224);
    assertEquals(341, g.resizedWidth()); // int(256 * 640 / 480)
    assertEquals(256, g.resizedHeight());
    assertEquals(58, g.cropLeft()); // round(58.5) = 58, half to even
    assertEquals(16, g.cropTop());
    assertFalse(g.hasPadding());

    PreprocessGeometry portrait =
        PreprocessGeometry.resizeShorterSideCenterCrop(300, 500, 100, 80, 80);
    assertEquals(100, portrait.resizedWidth());
    assertEquals(166, portrait.resizedHeight());
    assertEquals(10, portrait.cropLeft());
    assertEquals(43, portrait.cropTop());
  }

  @Test
  void letterboxPaddingPutsPatchesPartlyOutsideThePhoto() {
    PreprocessGeometry g = PreprocessGeometry.resizeLongerSideAndPad(4, 2, 4);
    assertEquals(4, g.resizedWidth());
    assertEquals(2, g.resizedHeight());
    assertEquals(-1, g.cropTop());
    assertTrue(g.hasPadding());
    // Patch row 0 spans model-input rows 0..1, of which row 0 is padding: on the photo it
    // covers original y in [-1, 1), so only photo row 0.
    Rectangle2D.Double patch = g.patchBoundsInOriginal(0, 0, 2, 2);
    assertEquals(new Rectangle2D.Double(0, -1, 2, 2), patch);
    Raster out = overlay(Raster.filled(4, 2, BLACK), g, OutsideCropStyle.DIMMED);
    assertPixels(
        out,
        new int[][] {
          {Q00, Q00, Q01, Q01},
          {Q10, Q10, Q11, Q11},
        });
  }

  @Test
  void patchAtMapsClicksToPatches() {
    PreprocessGeometry crop = PreprocessGeometry.centerCrop(6, 4, 6, 4, 4, 4);
    assertEquals(Optional.of(new PatchPosition(0, 1)), crop.patchAt(3.2, 0.5, 2, 2));
    assertEquals(Optional.of(new PatchPosition(1, 0)), crop.patchAt(1.0, 3.9, 2, 2));
    assertEquals(Optional.empty(), crop.patchAt(0.5, 0.5, 2, 2));
    assertEquals(Optional.empty(), crop.patchAt(5.5, 0.5, 2, 2));
    assertTrue(crop.isInsideCrop(1, 0));
    assertFalse(crop.isInsideCrop(5, 0));
  }

  @Test
  void displayGeometryScalesPatchesWithThePhoto() {
    PreprocessGeometry shown = PreprocessGeometry.identity(4, 4).forDisplay(8, 8);
    Raster out = overlay(Raster.filled(8, 8, BLACK), shown, OutsideCropStyle.DIMMED);
    assertEquals(Q00, out.get(3, 3));
    assertEquals(Q01, out.get(4, 3));
    assertEquals(Q10, out.get(3, 4));
    assertEquals(Q11, out.get(7, 7));
    assertEquals(new Rectangle2D.Double(4, 0, 4, 4), shown.patchBoundsInOriginal(0, 1, 2, 2));
  }

  @Test
  void bilinearInterpolatesBetweenPatchCentresAndClampsAtEdges() {
    Raster out =
        HeatmapRenderer.render(
            ScalarGrid.of(1, 2, 0, 1),
            Colormaps.GRAY,
            Scale.linear(0, 1),
            4,
            1,
            Upsampling.BILINEAR);
    // Pixel centres fall at grid positions -0.25 (clamped), 0.25, 0.75 and 1.25 (clamped)
    // from the first patch centre: values 0, 0.25, 0.75, 1 -> table entries 0, 64, 192, 255.
    assertEquals(0xFF000000, out.get(0, 0));
    assertEquals(0xFF404040, out.get(1, 0));
    assertEquals(0xFFC0C0C0, out.get(2, 0));
    assertEquals(0xFFFFFFFF, out.get(3, 0));
  }

  @Test
  void bilinearFallsBackToNearestNextToNan() {
    Colormap map = Colormaps.GRAY.withBad(0xFFFF0000);
    Raster out =
        HeatmapRenderer.render(
            ScalarGrid.of(1, 2, 1, Float.NaN), map, Scale.linear(0, 1), 4, 1, Upsampling.BILINEAR);
    assertEquals(0xFFFFFFFF, out.get(1, 0));
    assertEquals(0xFFFF0000, out.get(2, 0));
  }

  @Test
  void photoSizeMustMatchTheGeometry() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                overlay(
                    Raster.filled(5, 4, BLACK),
                    PreprocessGeometry.identity(4, 4),
                    OutsideCropStyle.DIMMED));
    assertTrue(e.getMessage().contains("forDisplay"), e.getMessage());
  }

  private static Raster overlay(
      Raster photo, PreprocessGeometry geometry, OutsideCropStyle outside) {
    return OverlayCompositor.compose(
        photo,
        geometry,
        outside,
        List.of(
            new OverlayLayer.Heatmap(
                QUADRANTS, Colormaps.GRAY, ZERO_TO_THREE, Upsampling.NEAREST, 1.0)));
  }

  static void assertPixels(Raster raster, int[][] expected) {
    assertEquals(expected.length, raster.height(), "height");
    for (int y = 0; y < expected.length; y++) {
      assertEquals(expected[y].length, raster.width(), "width");
      for (int x = 0; x < expected[y].length; x++) {
        assertEquals(hex(expected[y][x]), hex(raster.get(x, y)), "pixel (" + x + "," + y + ")");
      }
    }
  }

  static String hex(int argb) {
    return String.format("%08x", argb);
  }
}
