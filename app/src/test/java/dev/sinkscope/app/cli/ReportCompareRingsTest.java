package dev.sinkscope.app.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sinkscope.app.report.ImageInput;
import dev.sinkscope.app.report.Pictures;
import dev.sinkscope.render.Colormaps;
import dev.sinkscope.render.Marker;
import dev.sinkscope.render.Normalization;
import dev.sinkscope.render.Raster;
import dev.sinkscope.render.ScalarGrid;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The report's compare.png draws each side's rings, as the window's comparison export does. */
class ReportCompareRingsTest {
  private static final ImageInput NO_PHOTO = new ImageInput("pixels", null, null, null, null);

  private static ScalarGrid grid(float value) {
    float[] v = new float[8 * 8];
    Arrays.fill(v, value);
    v[0] = 0; // a range, so the colour scale is not degenerate
    return ScalarGrid.of(8, 8, v);
  }

  /**
   * Pixels near the artifact ring's red (0xFF3B30); the difference panel has its own reds, the same
   * in every render.
   */
  private static int redPixels(Raster r) {
    int n = 0;
    for (int y = 0; y < r.height(); y++) {
      for (int x = 0; x < r.width(); x++) {
        int argb = r.get(x, y);
        int red = (argb >> 16) & 0xFF;
        int green = (argb >> 8) & 0xFF;
        int blue = argb & 0xFF;
        if (red > 200 && green < 110 && blue < 110) {
          n++;
        }
      }
    }
    return n;
  }

  private static Raster render(List<Marker> before, List<Marker> after) {
    return Pictures.beforeAfter(
            "heading",
            NO_PHOTO,
            grid(1),
            grid(2),
            before,
            after,
            "before",
            "after",
            Colormaps.VIRIDIS,
            new Normalization.MinMax(),
            "patch norm")
        .raster();
  }

  @Test
  void eachSideDrawsItsOwnArtifactRings() {
    List<Marker> two =
        List.of(
            new Marker(Marker.Kind.ARTIFACT, 2, 2, 0), new Marker(Marker.Kind.ARTIFACT, 5, 6, 0));
    int none = redPixels(render(List.of(), List.of()));
    int beforeOnly = redPixels(render(two, List.of()));
    int both = redPixels(render(two, two));

    assertTrue(
        beforeOnly > none + 20,
        "the before side's two rings are drawn: " + beforeOnly + " vs " + none);
    assertTrue(
        both > beforeOnly + 20,
        "the after side draws its own rings too: " + both + " vs " + beforeOnly);
  }
}
