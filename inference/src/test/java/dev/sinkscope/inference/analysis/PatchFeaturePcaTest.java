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

  /** Three background patches planted as artifacts: 40x the object's offset along dimension 9. */
  private static final int[] ARTIFACTS = {0, 7, 57};

  private static FloatTensor withArtifacts() {
    FloatTensor plain = features(1);
    float[] x = plain.data().clone();
    for (int patch : ARTIFACTS) {
      x[(LAYOUT.firstPatchIndex() + patch) * DIMS + 9] += 120f;
    }
    return FloatTensor.of(x, plain.dim(0), DIMS);
  }

  @org.junit.jupiter.api.Test
  void artifactsLeftOutOfTheFitsLetTheForegroundBeTheObjectAgain() {
    // the plain recipe: the artifacts' variance takes the first component and become the
    // "foreground"; everything else is zeroed
    PatchPca plain =
        PatchFeaturePca.compute(withArtifacts(), LAYOUT, PcaFeatures.BLOCK_OUTPUT, 12, true, true);
    assertEquals(ARTIFACTS.length, plain.foregroundCount(), "plain: the artifacts are foreground");

    PatchPca without =
        PatchFeaturePca.compute(
            withArtifacts(), LAYOUT, PcaFeatures.BLOCK_OUTPUT, 12, true, true, ARTIFACTS);
    assertEquals(16, without.foregroundCount());
    for (int p = 0; p < 64; p++) {
      assertEquals(isObject(p), without.foreground()[p], "patch " + p);
    }
    for (int a : ARTIFACTS) {
      float sum = without.rgb()[3 * a] + without.rgb()[3 * a + 1] + without.rgb()[3 * a + 2];
      assertTrue(sum > 0, "artifact " + a + " is coloured, not zeroed");
    }
    assertTrue(
        without.note().startsWith("PCA on the 61 patches that are not artifacts"), without.note());
    // left out of nothing: the plain recipe, bit for bit
    PatchPca none =
        PatchFeaturePca.compute(
            withArtifacts(), LAYOUT, PcaFeatures.BLOCK_OUTPUT, 12, true, true, new int[0]);
    assertArrayEquals(plain.rgb(), none.rgb());
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
