package dev.sinkscope.render;

import static dev.sinkscope.render.GeometryTest.hex;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

@Tag("cross-machine")
class OverlayCompositorTest {

  private static final int BLACK = 0xFF000000;
  private static final int GREY = 0xFF404040;

  @Test
  void opacityBlendsTheHeatmapOverThePhoto() {
    Raster out =
        compose(
            Raster.filled(2, 2, BLACK),
            PreprocessGeometry.identity(2, 2),
            heatmap(ScalarGrid.of(1, 1, 1), 0.5));
    // white at alpha 128/256 over black
    assertEquals(0xFF7F7F7F, out.get(0, 0));
    assertEquals(0xFF7F7F7F, out.get(1, 1));
  }

  @Test
  void zeroOpacityAndNanPatchesLeaveThePhotoAlone() {
    Raster photo = Raster.filled(2, 1, GREY);
    assertEquals(
        photo,
        compose(photo, PreprocessGeometry.identity(2, 1), heatmap(ScalarGrid.of(1, 2, 1, 1), 0.0)));
    Raster out =
        compose(
            photo,
            PreprocessGeometry.identity(2, 1),
            heatmap(ScalarGrid.of(1, 2, Float.NaN, 1), 1.0));
    assertEquals(GREY, out.get(0, 0));
    assertEquals(0xFFFFFFFF, out.get(1, 0));
    assertEquals(GREY, photo.get(1, 0), "the input photo is not modified");
  }

  @Test
  void laterLayersDrawOnTop() {
    OverlayLayer white = heatmap(ScalarGrid.of(1, 1, 1), 1.0);
    OverlayLayer black = heatmap(ScalarGrid.of(1, 1, 0), 1.0);
    Raster photo = Raster.filled(1, 1, GREY);
    assertEquals(BLACK, compose(photo, PreprocessGeometry.identity(1, 1), white, black).get(0, 0));
    assertEquals(
        0xFFFFFFFF, compose(photo, PreprocessGeometry.identity(1, 1), black, white).get(0, 0));
  }

  @Test
  void gridLinesFollowPatchBoundariesAndTheBorder() {
    Raster out =
        compose(
            Raster.filled(4, 4, BLACK),
            PreprocessGeometry.identity(4, 4),
            new OverlayLayer.GridLines(2, 2, 0xFFFF0000));
    int r = 0xFFFF0000;
    int k = BLACK;
    GeometryTest.assertPixels(
        out,
        new int[][] {
          {r, r, r, r},
          {r, k, r, r},
          {r, r, r, r},
          {r, r, r, r},
        });
    Raster wide =
        compose(
            Raster.filled(9, 3, BLACK),
            PreprocessGeometry.identity(9, 3),
            new OverlayLayer.GridLines(1, 3, 0xFFFF0000));
    for (int x = 0; x < 9; x++) {
      boolean line = x == 0 || x == 3 || x == 6 || x == 8;
      assertEquals(line ? r : k, wide.get(x, 1), "x=" + x);
    }
  }

  @Test
  void gridLinesStayInsideTheCrop() {
    Raster out =
        OverlayCompositor.compose(
            Raster.filled(6, 4, BLACK),
            PreprocessGeometry.centerCrop(6, 4, 6, 4, 4, 4),
            OutsideCropStyle.UNCHANGED,
            List.of(new OverlayLayer.GridLines(2, 2, 0xFFFF0000)));
    for (int y = 0; y < 4; y++) {
      assertEquals(BLACK, out.get(0, y));
      assertEquals(BLACK, out.get(5, y));
      assertEquals(0xFFFF0000, out.get(1, y));
      assertEquals(0xFFFF0000, out.get(4, y));
    }
  }

  @Test
  void selectedPatchOutlineTracesThatPatchOnly() {
    Raster photo = Raster.filled(64, 64, GREY);
    Raster out =
        compose(
            photo,
            PreprocessGeometry.identity(64, 64),
            new OverlayLayer.SelectedPatch(4, 4, 1, 2, 0xFFFFFFFF));
    // patch (1, 2) covers x in [32, 48), y in [16, 32)
    assertTrue(brightness(out.get(32, 24)) > 200, "left edge of the patch is outlined");
    assertTrue(brightness(out.get(47, 24)) > 200, "right edge of the patch is outlined");
    assertTrue(brightness(out.get(40, 16)) > 200, "top edge of the patch is outlined");
    assertEquals(GREY, out.get(40, 24), "the patch interior stays visible");
    assertEquals(GREY, out.get(10, 10));
    assertEquals(GREY, out.get(40, 50));
  }

  @Test
  void markersHaveDistinctStylesCentredOnTheirPatch() {
    PreprocessGeometry geometry = PreprocessGeometry.identity(64, 64);
    Raster photo = Raster.filled(64, 64, GREY);
    Raster artifact =
        compose(photo, geometry, new OverlayLayer.Markers(4, 4, List.of(Marker.artifact(2, 1, 0))));
    Raster sink =
        compose(photo, geometry, new OverlayLayer.Markers(4, 4, List.of(Marker.sink(2, 1, 0))));
    Raster register =
        compose(photo, geometry, new OverlayLayer.Markers(4, 4, List.of(Marker.register(2, 1, 0))));

    // patch (2, 1) is centred at (24, 40); the ring radius is 0.7 * 16 = 11.2 px
    assertEquals(GREY, artifact.get(24, 40), "a ring, not a filled disc");
    assertTrue(
        near(artifact.get(24 + 11, 40), OverlayCompositor.ARTIFACT_ARGB),
        hex(artifact.get(35, 40)));
    assertTrue(
        near(artifact.get(24, 40 - 12), OverlayCompositor.ARTIFACT_ARGB),
        hex(artifact.get(24, 28)));
    assertTrue(count(artifact, OverlayCompositor.ARTIFACT_ARGB) > 40);
    assertEquals(0, count(artifact, OverlayCompositor.SINK_ARGB));

    assertTrue(count(sink, OverlayCompositor.SINK_ARGB) > 40, "the sink's double ring");
    assertTrue(
        near(sink.get(24 + 8, 40), OverlayCompositor.SINK_ARGB),
        "outer ring at 0.72 radius, inside the artifact ring");
    assertTrue(
        near(sink.get(24 + 4, 40), OverlayCompositor.SINK_ARGB), "inner ring at 0.42 radius");
    assertEquals(GREY, sink.get(24, 40));
    assertEquals(0, count(sink, OverlayCompositor.ARTIFACT_ARGB));

    assertTrue(count(register, OverlayCompositor.REGISTER_ARGB) > 20);
    assertEquals(GREY, register.get(24, 40), "the square is not filled");
    assertEquals(GREY, register.get(24, 60), "nothing beyond the square");
    assertNotEquals(register, artifact);
  }

  @Test
  void aPatchThatIsBothArtifactAndSinkShowsBothRings() {
    PreprocessGeometry geometry = PreprocessGeometry.identity(64, 64);
    Raster photo = Raster.filled(64, 64, GREY);
    // Either drawing order: the app draws artifacts first, the report sinks first.
    for (List<Marker> markers :
        List.of(
            List.of(Marker.artifact(2, 1, 0), Marker.sink(2, 1, 1)),
            List.of(Marker.sink(2, 1, 1), Marker.artifact(2, 1, 0)))) {
      Raster both = compose(photo, geometry, new OverlayLayer.Markers(4, 4, markers));
      int red = 0;
      int yellow = 0;
      // only the ring area around patch (2, 1), centre (24, 40), not the label
      for (int y = 40 - 13; y <= 40 + 13; y++) {
        for (int x = 24 - 13; x <= 24 + 13; x++) {
          red += near(both.get(x, y), OverlayCompositor.ARTIFACT_ARGB) ? 1 : 0;
          yellow += near(both.get(x, y), OverlayCompositor.SINK_ARGB) ? 1 : 0;
        }
      }
      assertTrue(red > 40, "red artifact ring visible: " + red + " pixels, order " + markers);
      assertTrue(yellow > 40, "yellow sink ring visible: " + yellow + " pixels, order " + markers);
      assertTrue(near(both.get(24 + 11, 40), OverlayCompositor.ARTIFACT_ARGB), "red outside");
      assertTrue(near(both.get(24 + 8, 40), OverlayCompositor.SINK_ARGB), "yellow inside");
    }
  }

  @Test
  void rankLabelsOfNeighbouringSinksDoNotOverlap() {
    Raster canvas = Raster.filled(64, 64, GREY);
    java.awt.Graphics2D g = Drawing.graphics(canvas);
    try {
      List<java.awt.geom.Rectangle2D> placed = new java.util.ArrayList<>();
      PreprocessGeometry geometry = PreprocessGeometry.identity(64, 64);
      // a 2 x 2 block of neighbouring sinks ranked 1..4
      int rank = 0;
      for (int[] rc : new int[][] {{1, 1}, {1, 2}, {2, 1}, {2, 2}}) {
        OverlayCompositor.drawLabel(
            g,
            Marker.sink(rc[0], rc[1], ++rank),
            geometry.patchBoundsInOriginal(rc[0], rc[1], 4, 4),
            placed);
      }
      for (int i = 0; i < placed.size(); i++) {
        for (int j = i + 1; j < placed.size(); j++) {
          assertTrue(
              !placed.get(i).intersects(placed.get(j)),
              "labels "
                  + (i + 1)
                  + " and "
                  + (j + 1)
                  + " overlap: "
                  + placed.get(i)
                  + " "
                  + placed.get(j));
        }
      }
    } finally {
      g.dispose();
    }
  }

  @Test
  void rankLabelsAreDrawnNextToTheRing() {
    PreprocessGeometry geometry = PreprocessGeometry.identity(96, 96);
    Raster photo = Raster.filled(96, 96, GREY);
    Raster unlabelled =
        compose(photo, geometry, new OverlayLayer.Markers(4, 4, List.of(Marker.artifact(2, 1, 0))));
    Raster first =
        compose(photo, geometry, new OverlayLayer.Markers(4, 4, List.of(Marker.artifact(2, 1, 1))));
    Raster second =
        compose(photo, geometry, new OverlayLayer.Markers(4, 4, List.of(Marker.artifact(2, 1, 2))));
    // centre (36, 60), radius 16.8: the label starts right of and above the centre
    int changed = 0;
    for (int y = 24; y < 50; y++) {
      for (int x = 48; x < 72; x++) {
        if (first.get(x, y) != unlabelled.get(x, y)) {
          changed++;
        }
      }
    }
    assertTrue(changed > 20, "label pixels found: " + changed);
    assertNotEquals(first, second, "rank 1 and rank 2 read differently");
  }

  @Test
  void pcaRgbPatchesShowTheirColours() {
    RgbGrid grid = new RgbGrid(1, 2, new float[] {1, 0, 0, 0, 0, 1});
    Raster out =
        compose(
            Raster.filled(4, 2, BLACK),
            PreprocessGeometry.identity(4, 2),
            new OverlayLayer.PcaRgb(grid, Upsampling.NEAREST, 1.0));
    assertEquals(0xFFFF0000, out.get(0, 0));
    assertEquals(0xFFFF0000, out.get(1, 1));
    assertEquals(0xFF0000FF, out.get(2, 0));
    assertEquals(0xFF0000FF, out.get(3, 1));

    Raster smooth =
        compose(
            Raster.filled(4, 1, BLACK),
            PreprocessGeometry.identity(4, 1),
            new OverlayLayer.PcaRgb(
                new RgbGrid(1, 2, new float[] {0, 0, 0, 1, 1, 1}), Upsampling.BILINEAR, 1.0));
    assertEquals(hex(0xFF000000), hex(smooth.get(0, 0)));
    assertEquals(hex(0xFF404040), hex(smooth.get(1, 0)));
    assertEquals(hex(0xFFFFFFFF), hex(smooth.get(3, 0)));
  }

  @Test
  void pcaComponentsAreNormalisedPerChannel() {
    RgbGrid raw = new RgbGrid(1, 2, new float[] {-5, 10, 3, 5, 30, 3});
    RgbGrid normalized = raw.normalizedPerChannel();
    assertEquals(new RgbGrid(1, 2, new float[] {0, 0, 0.5f, 1, 1, 0.5f}), normalized);
  }

  @Test
  void composeIntoReusesTheTargetAndMatchesCompose() {
    Raster photo = Raster.filled(8, 8, GREY);
    PreprocessGeometry geometry = PreprocessGeometry.centerCrop(8, 8, 8, 8, 6, 6);
    List<OverlayLayer> layers = List.of(heatmap(ScalarGrid.of(2, 2, 0, 1, 1, 0), 0.7));
    Raster target = Raster.filled(8, 8, 0xFFFF00FF);
    OverlayCompositor.composeInto(target, photo, geometry, OutsideCropStyle.DIMMED_HATCHED, layers);
    assertEquals(OverlayCompositor.compose(photo, geometry, layers), target);
  }

  @Test
  void attentionRowsAndColumnsBecomeGrids() {
    // 1 CLS token + 2x2 patches; attention[q][k] = 10 * q + k
    int tokens = 5;
    float[] attention = new float[tokens * tokens];
    for (int q = 0; q < tokens; q++) {
      for (int k = 0; k < tokens; k++) {
        attention[q * tokens + k] = 10 * q + k;
      }
    }
    assertEquals(
        ScalarGrid.of(2, 2, 31, 32, 33, 34),
        ScalarGrid.attentionRow(attention, tokens, 3, 1, 2, 2));
    assertEquals(
        ScalarGrid.of(2, 2, 10, 20, 30, 40),
        ScalarGrid.attentionColumn(attention, tokens, 0, 1, 2, 2));
    assertEquals(
        ScalarGrid.of(2, 2, 1, 2, 3, 4),
        ScalarGrid.fromTokens(new float[] {9, 1, 2, 3, 4}, 1, 2, 2));
    assertThrows(
        IllegalArgumentException.class,
        () -> ScalarGrid.attentionRow(attention, tokens, 0, 0, 2, 2));
  }

  @Test
  void markersOutsideTheGridAreRejected() {
    assertThrows(
        IllegalArgumentException.class,
        () -> new OverlayLayer.Markers(2, 2, List.of(Marker.sink(2, 0, 1))));
    assertThrows(IllegalArgumentException.class, () -> heatmap(ScalarGrid.of(1, 1, 0), 1.5));
  }

  private static OverlayLayer heatmap(ScalarGrid grid, double opacity) {
    return new OverlayLayer.Heatmap(
        grid, Colormaps.GRAY, Scale.linear(0, 1), Upsampling.NEAREST, opacity);
  }

  private static Raster compose(Raster photo, PreprocessGeometry geometry, OverlayLayer... layers) {
    return OverlayCompositor.compose(
        photo, geometry, OutsideCropStyle.DIMMED_HATCHED, List.of(layers));
  }

  private static int brightness(int argb) {
    return Math.min((argb >> 16) & 0xFF, Math.min((argb >> 8) & 0xFF, argb & 0xFF));
  }

  /**
   * Pixels close to a colour; antialiased edges blend with the photo, so exact matches are rare
   * there.
   */
  static int count(Raster raster, int argb) {
    int n = 0;
    for (int p : raster.argb()) {
      if (near(p, argb)) {
        n++;
      }
    }
    return n;
  }

  static boolean near(int actual, int expected) {
    for (int shift = 0; shift <= 16; shift += 8) {
      if (Math.abs(((actual >> shift) & 0xFF) - ((expected >> shift) & 0xFF)) > 24) {
        return false;
      }
    }
    return true;
  }
}
