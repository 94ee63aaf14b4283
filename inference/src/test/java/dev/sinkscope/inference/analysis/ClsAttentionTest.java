package dev.sinkscope.inference.analysis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sinkscope.inference.result.TokenLayout;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ClsAttentionTest {

  @Test
  void massThresholdKeepsTheSpecExample() {
    // methods §6: [0.1, 0.2, 0.3, 0.4] at 60% keeps 0.3 and 0.4
    assertArrayEquals(
        new boolean[] {false, false, true, true},
        ClsAttention.massThresholdMask(new float[] {0.1f, 0.2f, 0.3f, 0.4f}, 0.6));
  }

  @Test
  void massThresholdMapsBackToTheOriginalOrderAndIgnoresScale() {
    assertArrayEquals(
        new boolean[] {true, false, true, false},
        ClsAttention.massThresholdMask(new float[] {4, 1, 3, 2}, 0.6));
    assertArrayEquals(
        new boolean[] {true, true, true, true},
        ClsAttention.massThresholdMask(new float[] {4, 1, 3, 2}, 1.0));
  }

  @Test
  void mapsUsePatchColumnsOnly() {
    // CLS, 2 registers, 2x2 grid, 1 test-time register: T = 8
    TokenLayout layout = SyntheticCaptures.layout(true, 2, 2, 2, 1);
    float[] rows = {
      // head 0: CLS, reg, reg, p00, p01, p10, p11, ttr
      0.1f, 0.3f, 0.1f, 0.1f, 0.2f, 0.0f, 0.1f, 0.1f,
      // head 1
      0.0f, 0.0f, 0.0f, 0.4f, 0.3f, 0.2f, 0.1f, 0.0f
    };
    ClsAttentionMaps maps = ClsAttention.maps(12, rows, 2, layout, 0.6);
    assertEquals(2, maps.gridRows());
    assertEquals(2, maps.gridCols());
    assertArrayEquals(new float[] {0.1f, 0.2f, 0.0f, 0.1f, 0.4f, 0.3f, 0.2f, 0.1f}, maps.perHead());
    assertArrayEquals(new float[] {0.25f, 0.25f, 0.1f, 0.1f}, maps.headMean(), 1e-7f);
    assertArrayEquals(new float[] {0.4f, 1.0f}, maps.patchMassPerHead(), 1e-6f);
    assertEquals(0.0, maps.min(), 1e-7);
    assertEquals(0.4, maps.max(), 1e-7);
    // head 1: [0.4, 0.3, 0.2, 0.1] keeps 0.4 and 0.3
    assertArrayEquals(
        new boolean[] {true, true, false, false},
        Arrays.copyOfRange(maps.keptPerHead(), 4, 8),
        "head 1");
  }
}
