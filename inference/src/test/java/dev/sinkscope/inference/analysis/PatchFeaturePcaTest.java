package dev.sinkscope.inference.analysis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sinkscope.inference.result.FloatTensor;
import dev.sinkscope.inference.result.TokenLayout;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PatchFeaturePcaTest {

  // CLS + 2 registers + 8x8 grid
  private static final TokenLayout LAYOUT = SyntheticCaptures.layout(true, 2, 8, 8, 0);
  private static final int DIMS = 12;

  /** Object patches: rows 2..5, cols 2..5 (16 of 64). */
  private static boolean isObject(int patch) {
    int r = patch / 8;
    int c = patch % 8;
    return r >= 2 && r <= 5 && c >= 2 && c <= 5;
  }

  /**
   * Features: object patches sit at {@code +sign·3·u}, background at {@code −sign·u} along a
   * direction u, plus noise; prefix tokens are huge and must not matter.
   */
  private static FloatTensor features(double sign) {
    Random random = new Random(17);
    double[] u = new double[DIMS];
    u[0] = 0.6;
    u[1] = -0.8;
    int t = LAYOUT.totalTokens();
    float[] x = new float[t * DIMS];
    for (int token = 0; token < t; token++) {
      int patch = token - LAYOUT.firstPatchIndex();
      for (int d = 0; d < DIMS; d++) {
        double v;
        if (patch < 0) {
          v = 1000 * random.nextGaussian();
        } else {
          double along = isObject(patch) ? 3 * sign : -sign;
          v = along * u[d] + 0.1 * random.nextGaussian() + (d == 5 ? 0.3 * (patch % 8) : 0);
        }
        x[token * DIMS + d] = (float) v;
      }
    }
    return FloatTensor.of(x, t, DIMS);
  }

  @ParameterizedTest
  @ValueSource(doubles = {1, -1})
  void foregroundIsTheMinoritySideWhicheverWayTheFeaturesPoint(double sign) {
    PatchPca pca =
        PatchFeaturePca.compute(features(sign), LAYOUT, PcaFeatures.BLOCK_OUTPUT, 12, true, true);
    assertEquals(16, pca.foregroundCount());
    assertEquals(0.25, pca.foregroundFraction(), 1e-12);
    for (int p = 0; p < 64; p++) {
      assertEquals(isObject(p), pca.foreground()[p], "patch " + p);
    }
    assertTrue(pca.refitOnForeground());
    assertTrue(pca.converged());
    for (int p = 0; p < 64; p++) {
      if (!isObject(p)) {
        assertArrayEquals(
            new float[3], Arrays.copyOfRange(pca.rgb(), 3 * p, 3 * p + 3), "background " + p);
      }
    }
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void componentsAreMinMaxScaledOverAllPatches(boolean refit) {
    PatchPca pca =
        PatchFeaturePca.compute(features(1), LAYOUT, PcaFeatures.BLOCK_OUTPUT, 12, refit, false);
    assertEquals(refit, pca.refitOnForeground());
    for (int c = 0; c < 3; c++) {
      float min = Float.POSITIVE_INFINITY;
      float max = Float.NEGATIVE_INFINITY;
      for (int p = 0; p < 64; p++) {
        min = Math.min(min, pca.rgb()[3 * p + c]);
        max = Math.max(max, pca.rgb()[3 * p + c]);
      }
      assertEquals(0f, min, 1e-6f, "channel " + c);
      assertEquals(1f, max, 1e-6f, "channel " + c);
    }
    double[] ratio = pca.explainedVarianceRatio();
    assertTrue(ratio[0] >= ratio[1] && ratio[1] >= ratio[2]);
  }

  @ParameterizedTest
  @ValueSource(doubles = {1, -1})
  void firstComponentPositiveExactlyOnForeground(double sign) {
    PatchPca pca =
        PatchFeaturePca.compute(features(sign), LAYOUT, PcaFeatures.BLOCK_OUTPUT, 12, false, false);
    for (int p = 0; p < 64; p++) {
      assertEquals(pca.foreground()[p], pca.firstComponent()[p] > 0);
    }
  }
}
