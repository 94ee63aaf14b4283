package dev.sinkscope.inference.mitigation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sinkscope.inference.engine.CancellationToken;
import dev.sinkscope.inference.engine.ProgressListener;
import dev.sinkscope.inference.result.FloatTensor;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** PH-Reg shift/flip averaging: view choice and exact re-alignment. */
@Tag("cross-machine")
class ShiftFlipDenoiserTest {
  private static final int P = 4;

  /** A "model" whose patch feature is the patch's mean per channel: content-true, position-free. */
  private static FloatTensor patchMeans(FloatTensor px) {
    int h = px.dim(2);
    int w = px.dim(3);
    int rows = h / P;
    int cols = w / P;
    float[] out = new float[rows * cols * 3];
    for (int ch = 0; ch < 3; ch++) {
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          out[((y / P) * cols + x / P) * 3 + ch] += px.data()[(ch * h + y) * w + x] / (P * P);
        }
      }
    }
    return FloatTensor.of(out, rows * cols, 3);
  }

  @Test
  void maxShiftIsFifteenPercentOfTheGrid() {
    assertEquals(6, ShiftFlipDenoiser.maxShift(37));
    assertEquals(2, ShiftFlipDenoiser.maxShift(16));
  }

  @Test
  void firstViewIsTheImageAndAllShiftsStayInRange() {
    List<ShiftFlipDenoiser.View> views = ShiftFlipDenoiser.views(37, 37, 10, 42);
    assertEquals(new ShiftFlipDenoiser.View(0, 0, false), views.get(0));
    Set<String> distinct = new HashSet<>();
    for (ShiftFlipDenoiser.View v : views) {
      assertTrue(Math.abs(v.dy()) <= 6 && Math.abs(v.dx()) <= 6, v.toString());
      distinct.add(v.dy() + "," + v.dx());
    }
    assertTrue(distinct.size() >= 8, "farthest-point sampling spreads the shifts: " + views);
    assertEquals(views, ShiftFlipDenoiser.views(37, 37, 10, 42), "seeded");
    assertNotEquals(views, ShiftFlipDenoiser.views(37, 37, 10, 43));
  }

  @Test
  void realignmentIsExactForAPositionFreeModel() {
    Random rng = new Random(1);
    int h = 16 * P;
    int w = 12 * P;
    float[] data = new float[3 * h * w];
    for (int i = 0; i < data.length; i++) {
      data[i] = (float) rng.nextGaussian();
    }
    FloatTensor px = FloatTensor.of(data, 1, 3, h, w);
    List<ShiftFlipDenoiser.View> views = ShiftFlipDenoiser.views(16, 12, 10, 7);
    assertTrue(views.stream().anyMatch(ShiftFlipDenoiser.View::flipped), "some views are mirrored");
    ShiftFlipDenoiser.Result result =
        ShiftFlipDenoiser.denoise(
            ShiftFlipDenoiserTest::patchMeans,
            px,
            P,
            new float[] {9f, 9f, 9f},
            views,
            CancellationToken.NONE,
            ProgressListener.NONE);
    assertArrayEquals(
        patchMeans(px).data(),
        result.features().data(),
        1e-5f,
        "every view's features land back on the cell they came from; fill never counts");
    for (int count : result.counts()) {
      assertTrue(count >= 1 && count <= views.size());
    }
  }

  @Test
  void aPositionBoundArtifactIsAveragedAway() {
    int h = 16 * P;
    int w = 16 * P;
    FloatTensor px = FloatTensor.of(new float[3 * h * w], 1, 3, h, w);
    // a model that always puts a spike at grid cell (5, 5), wherever the content is
    ShiftFlipDenoiser.PatchFeatures artifactModel =
        in -> {
          FloatTensor f = patchMeans(in);
          float[] d = f.data().clone();
          d[(5 * 16 + 5) * 3] += 100f;
          return FloatTensor.of(d, 256, 3);
        };
    ShiftFlipDenoiser.Result result =
        ShiftFlipDenoiser.denoise(
            artifactModel,
            px,
            P,
            new float[] {0f, 0f, 0f},
            ShiftFlipDenoiser.views(16, 16, 10, 3),
            CancellationToken.NONE,
            ProgressListener.NONE);
    float spike = result.features().data()[(5 * 16 + 5) * 3];
    assertTrue(spike < 100f / 3, "spike shrinks from 100 to " + spike);
    assertFalse(Float.isNaN(spike));
  }
}
