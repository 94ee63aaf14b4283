package dev.sinkscope.app.gui.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sinkscope.app.gui.canvas.LayerProfile;
import org.junit.jupiter.api.Test;

/**
 * The sparkline's axes and printed ranges: a flat low ratio after a fix does not look maxed out.
 */
class SparklineScaleTest {

  @Test
  void aFlatRatioOfOneThirdAboveOneSitsLowNotAtTheTop() {
    double[] flat = {1.33, 1.33, 1.33, 1.33};
    double top = Math.max(SparklineView.RATIO_FLOOR + 1, SparklineView.max(flat));
    double height = SparklineView.heightFraction(1.33, SparklineView.RATIO_FLOOR, top);
    assertEquals(0.33, height, 1e-9, "1.33 on an axis from 1 to 2");
    assertEquals(
        1.0, SparklineView.heightFraction(4.8, 1, 4.8), 1e-12, "a real peak still reaches the top");
  }

  @Test
  void theLabelPrintsEachCurvesRange() {
    LayerProfile p =
        new LayerProfile(
            new double[] {1.3, 4.774, 2.0},
            new double[] {0.021, 0.106, 0.27},
            new double[3],
            new double[3],
            new double[3],
            0);
    String text = LayerBarView.profileText(p, 2);
    assertTrue(text.startsWith("max/median 4.774  (1.300–4.774)"), text);
    assertTrue(text.endsWith("top sink 10.6 %  (2.1 %–27.0 %)"), text);
  }
}
